"""Complaints through the API (docs/complaints.md): filing, routing and the deadline, the
department's steps, the record of a substantiated complaint, the informant's receipt, and who
may see what."""

from __future__ import annotations

from datetime import date

from complaint_world import (
    INFORMANT,
    PDF,
    PENALTY_FIELDS,
    STRANGER,
    SUSPECT,
    ComplaintWorld,
    complaint_body,
    error,
)
from sqlalchemy import select

from fixtures.lists import ACME, org
from xinyong.core.audit import verify
from xinyong.jobs import run_jobs
from xinyong.models import AuditEntry, Complaint, Record, Subject, Task
from xinyong.records.service import CollectionContext


def test_a_complaint_goes_to_the_competent_department_with_its_deadline(cw: ComplaintWorld) -> None:
    filed = cw.filed(files=[("小票.pdf", PDF, "application/pdf")])
    code = filed["receipt_code"]
    assert len(code) == 19 and code.count("-") == 3
    assert filed["state"] == "received"
    assert filed["department_name"] == "测试market_regulation"
    # 15 working days from Monday 2026-06-15: 端午 (06-19) is a holiday.
    assert filed["accept_due_on"] == "2026-07-07"
    cid = cw.complaint_id(code)
    one = cw.get(cid).json()
    assert one["department"] == "amr" and one["subject"] == ACME and one["subject_known"]
    assert one["named"] is False and one["overdue"] is False
    assert one["periods"]["acceptance"]["days"] == 15
    assert "行政处罚程序规定" in one["periods"]["acceptance"]["basis"]
    assert [s["step"] for s in one["steps"]] == ["filed"]
    assert one["steps"][0]["actor"] == "public"
    assert len(one["attachments"]) == 1
    tasks = cw.client.get("/api/v1/tasks", headers=cw.w.market.headers).json()["tasks"]
    mine = [t for t in tasks if t["procedure"] == "complaint"]
    assert [(t["kind"], t["due_on"], t["procedure_id"]) for t in mine] == [
        ("complaint_handling", "2026-07-07", cid)
    ]
    # The receipt.
    seen = cw.receipt(code.lower().replace("-", "")).json()
    assert seen["state"] == "received" and seen["progress"].startswith("已收到")
    assert seen["due_on"] == "2026-07-07" and seen["replies"] == []


def test_the_steps_to_a_substantiated_complaint_and_its_record(cw: ComplaintWorld) -> None:
    code = cw.filed(informant=INFORMANT)["receipt_code"]
    cid = cw.complaint_id(code)
    accepted = cw.stepped(cid, "accepted", text="已受理，将派员核查")
    assert accepted["state"] == "accepted"
    # 90 days from 2026-06-15: 2026-09-13, a Sunday → Monday 09-14.
    assert accepted["handle_due_on"] == "2026-09-14"
    cw.stepped(cid, "replied", text="已赴现场检查")
    done = cw.stepped(
        cid,
        "substantiated",
        text="经核查，举报属实，已依法处罚",
        record={
            "item": "administrative_penalty",
            "fields": PENALTY_FIELDS,
            "severity": "general",
            "determined_on": "2026-06-15",
        },
    )
    assert done["state"] == "substantiated"
    assert done["record_source_id"] == f"complaint:{cid}"
    with cw.w.db.transaction() as session:
        record = session.execute(
            select(Record).where(Record.id == int(done["record_id"]))
        ).scalar_one()
        assert record.subject_id == cw.acme_id and record.item_code == "administrative_penalty"
        assert record.source_id == f"complaint:{cid}"
        assert (
            session.execute(
                select(Task.closed_at).where(
                    Task.procedure_id == int(cid), Task.closed_at.is_(None)
                )
            ).all()
            == []
        )
        assert verify(session).ok
    seen = cw.receipt(code).json()
    assert seen["state"] == "substantiated" and seen["progress"] == "已查实并依法处理"
    assert [r["text"] for r in seen["replies"]] == [
        "已受理，将派员核查",
        "已赴现场检查",
        "经核查，举报属实，已依法处罚",
    ]
    # Closed: no more steps, no more reads of the informant.
    again = cw.step(cid, "replied", text="再次答复")
    assert again.status_code == 409 and error(again)["code"] == "complaint_closed"


def test_a_person_unknown_to_the_platform_is_found_by_the_record_that_names_them(
    cw: ComplaintWorld,
) -> None:
    body = complaint_body(
        subject={"id_number": SUSPECT, "name": "王某某"}, sector="market_regulation"
    )
    code = cw.filed(body)["receipt_code"]
    cid = cw.complaint_id(code)
    one = cw.get(cid).json()
    # Masked everywhere: the department's view, the receipt; encrypted and keyed at rest.
    assert one["subject"] == SUSPECT[:6] + "********" + SUSPECT[-4:] and not one["subject_known"]
    assert SUSPECT not in cw.get(cid).text and SUSPECT not in cw.receipt(code).text
    with cw.w.db.transaction() as session:
        stored = session.execute(select(Complaint)).scalar_one()
        assert stored.id_cipher and SUSPECT not in stored.id_cipher and stored.subject_id is None
    cw.stepped(cid, "accepted")
    done = cw.stepped(
        cid,
        "substantiated",
        text="属实",
        record={
            "item": "administrative_penalty",
            "fields": PENALTY_FIELDS,
            "severity": "general",
            "determined_on": "2026-06-15",
        },
    )
    assert done["subject_known"] is True
    with cw.w.db.transaction() as session:
        person = session.execute(
            select(Subject).where(Subject.id == select(Complaint.subject_id).scalar_subquery())
        ).scalar_one()
        assert person.name == "王某某" and person.id_masked == one["subject"]


def test_an_organisation_without_a_department_of_its_sector_goes_to_the_authority(
    cw: ComplaintWorld,
) -> None:
    filed = cw.filed(complaint_body(subject={"credit_code": STRANGER}, sector="education"))
    assert filed["department_name"] == "公共信用信息工作机构"
    cid = cw.complaint_id(filed["receipt_code"])
    queue = cw.client.get(
        "/api/v1/complaints", params={"department": "platform"}, headers=cw.w.authority.headers
    ).json()
    assert [c["id"] for c in queue["complaints"]] == [cid]
    assert queue["complaints"][0]["subject_name"] == ""
    # No department sees it; the authority refers it to the competent one, whose acceptance
    # period starts again that day.
    assert cw.get(cid).status_code == 404
    cw.w.pass_days(2)
    referred = cw.stepped(cid, "referred", cw.w.authority, department="amr", text="属市场监管领域")
    assert referred["department"] == "amr" and referred["accept_due_on"] == "2026-07-09"
    assert cw.get(cid).status_code == 200
    steps = referred["steps"]
    assert steps[-1]["detail"]["from_department"] is None and steps[-1]["detail"]["note"]
    tasks = cw.client.get("/api/v1/tasks", headers=cw.w.market.headers).json()["tasks"]
    assert [t["due_on"] for t in tasks if t["procedure"] == "complaint"] == ["2026-07-09"]


def test_a_department_refers_on_a_complaint_it_is_not_competent_for(cw: ComplaintWorld) -> None:
    cid = cw.complaint_id(cw.filed()["receipt_code"])
    cw.stepped(cid, "referred", department="tax")
    assert cw.get(cid).status_code == 404  # no longer amr's
    assert cw.get(cid, cw.w.tax).json()["department"] == "tax"
    # The authority's queue and the department it came from are in the timeline.
    last = cw.get(cid, cw.w.tax).json()["steps"][-1]
    assert last["step"] == "referred" and last["detail"]["from_department"] == "amr"


def test_the_handling_period_is_extended_once_with_its_approval(cw: ComplaintWorld) -> None:
    code = cw.filed()["receipt_code"]
    cid = cw.complaint_id(code)
    early = cw.step(cid, "extended", text="案情复杂", approval="局长批准")
    assert early.status_code == 409 and error(early)["code"] == "complaint_not_accepted_yet"
    cw.stepped(cid, "accepted")  # handling until 2026-09-14
    late = cw.complaint_id(cw.filed()["receipt_code"])
    cw.stepped(late, "accepted")  # the same
    bare = cw.step(cid, "extended", text="案情复杂")
    assert bare.status_code == 422 and error(bare)["field"] == "approval"
    assert error(bare)["code"] == "complaint_approval_required"
    cw.w.pass_days((date(2026, 9, 14) - cw.today()).days)  # its last day: still in time
    done = cw.stepped(cid, "extended", text="需调取银行流水", approval="张局长2026年9月14日批准")
    assert done["handle_due_on"] == "2026-10-14" and done["state"] == "accepted"
    assert done["overdue"] is False
    step = done["steps"][-1]
    assert step["step"] == "extended" and step["detail"]["previous_due_on"] == "2026-09-14"
    assert "第六十四条" in step["detail"]["basis"]
    tasks = cw.client.get("/api/v1/tasks", headers=cw.w.market.headers).json()["tasks"]
    assert [t["due_on"] for t in tasks if t["procedure_id"] == cid] == ["2026-10-14"]
    seen = cw.receipt(code).json()
    assert seen["due_on"] == "2026-10-14"
    assert seen["replies"][-1]["text"] == (
        "经批准，办理期限延长至2026年10月14日。延期理由：需调取银行流水"
    )
    # The approver's name is the department's, not the informant's to read.
    assert "张局长" not in str(seen)
    again = cw.step(cid, "extended", text="仍需核查", approval="局长批准")
    assert again.status_code == 409 and error(again)["code"] == "complaint_already_extended"
    # The other's period ended yesterday: it may no longer be extended.
    cw.w.pass_days(1)
    over = cw.step(late, "extended", text="案情复杂", approval="局长批准")
    assert over.status_code == 409 and error(over)["code"] == "complaint_period_over"


def test_not_accepted_and_unsubstantiated_are_told_to_the_informant(cw: ComplaintWorld) -> None:
    first = cw.filed()["receipt_code"]
    cw.stepped(cw.complaint_id(first), "not_accepted", text="已超过处罚时效")
    seen = cw.receipt(first).json()
    assert (seen["state"], seen["progress"], seen["due_on"]) == ("not_accepted", "不予受理", None)
    assert [r["text"] for r in seen["replies"]] == ["已超过处罚时效"]
    second = cw.filed()["receipt_code"]
    cid = cw.complaint_id(second)
    cw.stepped(cid, "accepted")
    cw.stepped(cid, "unsubstantiated", text="现场检查未发现过期食品")
    seen = cw.receipt(second).json()
    assert seen["progress"] == "经核查，举报事项查无实据"
    assert seen["replies"][-1]["text"] == "现场检查未发现过期食品"
    assert seen["replies"][0]["text"].startswith("您的举报已受理")


def test_a_record_pushed_through_the_batch_api_is_linked_by_its_source_id(
    cw: ComplaintWorld,
) -> None:
    cid = cw.complaint_id(cw.filed()["receipt_code"])
    cw.stepped(cid, "accepted")
    rid = cw.w.basis(cw.w.market, "administrative_penalty", org(ACME), "amr-case-2026-88")
    done = cw.stepped(cid, "substantiated", text="属实", record_source_id="amr-case-2026-88")
    assert done["record_id"] == str(rid) and done["record_source_id"] == "amr-case-2026-88"
    # Another department's source id is not the department's to link.
    other = cw.complaint_id(cw.filed()["receipt_code"])
    cw.stepped(other, "accepted")
    cw.w.basis(cw.w.tax, "administrative_penalty", org(ACME), "tax-case-1")
    refused = cw.step(other, "substantiated", text="属实", record_source_id="tax-case-1")
    assert refused.status_code == 422 and error(refused)["code"] == "unknown_record"


def test_overdue_complaints_on_the_queue_and_the_authoritys_counts(cw: ComplaintWorld) -> None:
    late = cw.complaint_id(cw.filed()["receipt_code"])
    cw.w.pass_days(10)
    fresh = cw.complaint_id(cw.filed()["receipt_code"])
    # 2026-07-07 is the last day of the first complaint's acceptance: not overdue on it.
    cw.w.pass_days((date(2026, 7, 7) - cw.today()).days)
    assert cw.get(late).json()["overdue"] is False
    cw.w.pass_days(1)
    assert cw.get(late).json()["overdue"] is True
    listed = cw.client.get(
        "/api/v1/complaints", params={"overdue": "true"}, headers=cw.w.market.headers
    ).json()
    assert [c["id"] for c in listed["complaints"]] == [late] and listed["overdue"] == 1
    overdue_tasks = cw.client.get(
        "/api/v1/tasks", params={"overdue": "true"}, headers=cw.w.market.headers
    ).json()["tasks"]
    assert [t["procedure_id"] for t in overdue_tasks] == [late]
    counts = cw.client.get("/api/v1/complaints/overview", headers=cw.w.authority.headers).json()
    assert counts == [
        {
            "department": "amr",
            "department_name": "测试market_regulation",
            "received": 2,
            "accepted": 0,
            "not_accepted": 0,
            "substantiated": 0,
            "unsubstantiated": 0,
            "open": 2,
            "overdue": 1,
        }
    ]
    assert fresh != late
    # The daily job alerts it as every overdue task, once.
    ctx = CollectionContext(cw.w.db)
    assert run_jobs(cw.w.db, cw.w.clock, ctx)["overdue_alerts"] == 1
    assert run_jobs(cw.w.db, cw.w.clock, ctx)["overdue_alerts"] == 0
    with cw.w.db.transaction() as session:
        alert = session.execute(
            select(AuditEntry).where(AuditEntry.action == "task.overdue")
        ).scalar_one()
        assert alert.detail["procedure"] == "complaint" and alert.subject_id == 0


def test_who_sees_complaints(cw: ComplaintWorld) -> None:
    cid = cw.complaint_id(cw.filed(informant=INFORMANT)["receipt_code"])
    finance = cw.client.get("/api/v1/complaints", headers=cw.w.user.headers).json()
    assert finance["total"] == 0
    everything = cw.client.get("/api/v1/complaints", headers=cw.w.authority.headers).json()
    assert [c["id"] for c in everything["complaints"]] == [cid]
    for caller in (cw.w.user, cw.w.tax, cw.w.court):
        assert cw.get(cid, caller).status_code == 404
    assert cw.client.get(f"/api/v1/complaints/{cid}", headers=cw.acme.headers).status_code == 403
    assert cw.client.get(f"/api/v1/complaints/{cid}").status_code == 401
    assert (
        cw.client.get("/api/v1/complaints/overview", headers=cw.w.market.headers).status_code == 403
    )


def test_a_caller_with_a_token_files_as_the_public(cw: ComplaintWorld) -> None:
    """A subject's token (or a department's) files as everyone does: nothing of the caller is
    kept — its steps, its files, its audit entries name the public."""
    code = cw.filed(headers=cw.acme.headers, files=[("a.pdf", PDF, "application/pdf")])[
        "receipt_code"
    ]
    cid = cw.complaint_id(code)
    with cw.w.db.transaction() as session:
        actors = set(
            session.execute(
                select(AuditEntry.actor).where(
                    AuditEntry.action.in_(("complaint.filed", "evidence.uploaded"))
                )
            ).scalars()
        )
        assert actors == {"public"}
    assert cw.get(cid).json()["steps"][0]["actor"] == "public"


def test_the_options_of_the_form(cw: ComplaintWorld) -> None:
    options = cw.client.get("/api/v1/complaint-options").json()
    assert {"code": "market_regulation", "name": "市场监管"} in options["sectors"]
    assert options["acceptance"] == {
        "days": 15,
        "day_kind": "working",
        "from": "filed",
        "basis": options["acceptance"]["basis"],
    }
    assert options["handling"]["days"] == 90 and options["handling"]["day_kind"] == "calendar"
    assert options["max_attachments"] == 5
    assert "amr" in [d["code"] for d in options["departments"]]
