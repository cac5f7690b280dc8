"""The authority console's repairs (an objection in a repair's public notice, Measures art.
35) and its task queue with the overdue steps marked, each count of the dashboard linking to
the tasks behind it."""

from __future__ import annotations

from authority_pages import csrf_of, log_in
from console_steps import PDF, assert_all_chinese, post, subject_caller, upload

from fixtures.helpers import penalty
from fixtures.lists import ACME, World, org
from xinyong.models import Role


def test_an_objection_in_a_repairs_notice(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    world.list_entry(world.court, "court_judgment_defaulters", org(ACME), "c1")
    record = world.record_id(ACME, "court_judgment_defaulter")
    acme = subject_caller(world, ACME)
    applied = world.client.post(
        "/api/v1/repairs",
        json={
            "target": {"record": str(record)},
            "ways": ["commitment", "rectification"],
            "corrected_on": "2026-05-20",
            "correction": "已全部履行判决确定的义务。",
            "commitment": "本单位承诺今后守法诚信经营。",
            "credit_management": "已建立信用管理制度。",
            "evidence": [
                {"file_id": upload(world, acme), "kind": "evidence"},
                {"file_id": upload(world, acme), "kind": "rectification"},
            ],
        },
        headers=acme.headers,
    )
    assert applied.status_code == 201, applied.text
    rid = applied.json()["id"]
    log_in(client, db, clock, role=Role.authority, department="cred")
    page = f"/authority/repairs/{rid}"

    listing = client.get("/authority/repairs?state=opinion")
    assert f'href="{page}"' in listing.text and "待信息提供单位出具意见" in listing.text
    assert_all_chinese(listing.text)
    shown = client.get(page)
    assert "已全部履行判决确定的义务" in shown.text and "对公示提出异议" not in shown.text
    assert_all_chinese(shown.text)
    early = post(client, page, f"{page}/objections", {"statement": "仍有欠款"})
    assert early.status_code == 409 and "该信用修复申请不在公示期" in early.text

    opinion = world.client.post(
        f"/api/v1/repairs/{rid}/opinion",
        json={"positive": True, "text": "同意修复"},
        headers=world.court.headers,
    )
    assert opinion.status_code == 200, opinion.text
    noticed = client.get(page)
    assert "对公示提出异议" in noticed.text and "公示中" in noticed.text
    empty = post(client, page, f"{page}/objections", {"statement": ""})
    assert empty.status_code == 422 and "不能为空" in empty.text
    raised = post(client, page, f"{page}/objections", {"statement": "该企业仍在拖欠货款"})
    assert raised.status_code == 303
    after = client.get(raised.headers["location"])
    assert "异议已提出" in after.text and "该企业仍在拖欠货款" in after.text
    assert_all_chinese(after.text)
    queue = client.get("/authority/tasks?department=court")
    assert f"/authority/repairs/{rid}#objection-" in queue.text and "修复公示异议" in queue.text

    body = world.client.get(f"/api/v1/repairs/{rid}", headers=world.authority.headers).json()
    assert [o["statement"] for o in body["objections"]] == ["该企业仍在拖欠货款"]
    assert body["objections"][0]["filed_by"] == "user:authority-person"


def test_the_queue_marks_overdue_steps_and_the_dashboard_links_to_them(  # type: ignore[no-untyped-def]
    client, db, clock, world: World
) -> None:
    world.push(world.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    acme = subject_caller(world, ACME)
    record = world.record_id(ACME, "administrative_penalty")
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "错",
        },
        headers=acme.headers,
    )
    oid = filed.json()["id"]
    world.pass_days(30)  # past the 10 working days of the platform's review
    log_in(client, db, clock, role=Role.authority, department="cred")

    home = client.get("/authority")
    assert 'href="/authority/tasks?department=platform"' in home.text
    assert 'href="/authority/tasks?department=platform&overdue=yes"' in home.text
    queue = client.get("/authority/tasks?department=platform&overdue=yes")
    assert f'href="/authority/objections/{oid}"' in queue.text
    assert (
        "逾期" in queue.text and "异议审查" in queue.text and "公共信用信息工作机构" in queue.text
    )
    assert_all_chinese(queue.text)
    assert f"/authority/objections/{oid}" not in client.get("/authority/tasks?overdue=no").text
    assert f"/authority/objections/{oid}" not in client.get("/authority/tasks?department=amr").text
    assert (
        f"/authority/objections/{oid}" in client.get("/authority/tasks?kind=objection_review").text
    )
    detail = client.get(f"/authority/objections/{oid}")
    assert 'class="badge overdue"' in detail.text

    page = f"/authority/objections/{oid}"
    assert (
        post(
            client, page, f"{page}/decision", {"outcome": "rejected", "reason": "无误"}
        ).status_code
        == 303
    )
    assert f"/authority/objections/{oid}" not in client.get("/authority/tasks").text
    assert f"/authority/objections/{oid}" in client.get("/authority/tasks?state=closed").text


def test_a_repair_applied_for_at_the_counter(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    world.list_entry(world.court, "court_judgment_defaulters", org(ACME), "c1")
    record = world.record_id(ACME, "court_judgment_defaulter")
    log_in(client, db, clock, role=Role.authority, department="cred")
    form = client.get("/authority/repairs/new")
    assert form.status_code == 200 and "代为申请信用修复" in form.text
    assert_all_chinese(form.text)
    token = csrf_of(form.text)
    given = {
        "subject": ACME,
        "target_kind": "record",
        "target_id": str(record),
        "ways": ["commitment", "rectification"],
        "corrected_on": "2026-05-20",
        "correction": "已全部履行判决确定的义务。",
        "commitment": "本单位承诺今后守法诚信经营。",
        "credit_management": "已建立信用管理制度。",
    }

    def apply(files: list):  # type: ignore[no-untyped-def]
        return client.post(
            "/authority/repairs/new",
            data={"csrf_token": token, **given},
            files=files or [("files", ("", b""))],
            follow_redirects=False,
        )

    unproven = apply([])
    assert unproven.status_code == 422 and "须提交对应的证明材料：完成信用整改" in unproven.text
    applied = apply([("files", ("证明.pdf", PDF)), ("files_rectification", ("整改.pdf", PDF))])
    assert applied.status_code == 303, applied.text
    page = client.get(applied.headers["location"])
    assert "修复申请已登记" in page.text and "待信息提供单位出具意见" in page.text
    assert "整改.pdf" in page.text
    assert_all_chinese(page.text)
    again = apply([("files", ("证明.pdf", PDF)), ("files_rectification", ("整改.pdf", PDF))])
    assert again.status_code == 409 and "已有正在办理的信用修复申请" in again.text
