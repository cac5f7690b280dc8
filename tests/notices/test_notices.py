"""Notices (docs/notices.md): sent by another domain through ``notices.service.send`` to some
departments, read by the authority with every recipient's acknowledgement and by a department
when addressed to it, acknowledged once by the department it is addressed to — never by
another (``notice_not_addressed``) — through the API and the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.lists import World
from fixtures.oversight import csrf_of, person
from xinyong.core.citations import cite
from xinyong.departments.service import get_department
from xinyong.errors import Conflict, InvalidRequest
from xinyong.models import AuditEntry, Change, Role
from xinyong.notices.service import send

BODY = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>通报</title></head>
<body><h1>2026年第二季度政务失信情况通报</h1><p>南京市某局存在政务失信行为。</p></body></html>"""


def sent(
    world: World,
    *codes: str,
    period: str | None = "2026-Q2",
    kind: str = "government_failures_quarterly",
) -> int:
    with world.db.transaction() as session:
        notice = send(
            session,
            kind=kind,
            title="2026年第二季度政务失信情况通报",
            body_html=BODY,
            departments=[get_department(session, code).id for code in codes],
            actor="authority:cred#t1",
            now=world.clock.now(),
            period=period,
            basis=cite("004 §5"),
        )
        return notice.id


def test_a_notice_is_sent_read_and_acknowledged_once_by_its_department(client, world) -> None:  # type: ignore[no-untyped-def]
    notice_id = sent(world, "tax", "amr")
    listed = client.get("/api/v1/notices", headers=world.authority.headers).json()
    [notice] = listed["notices"]
    assert (notice["id"], notice["kind_name"], notice["period"]) == (
        notice_id,
        "政务失信情况季度通报",
        "2026-Q2",
    )
    assert notice["basis"] == "《2022年江苏省社会信用体系建设工作要点》（苏信用办〔2022〕8号）第5项"
    assert [(r["department"], r["acknowledged_at"]) for r in notice["recipients"]] == [
        ("tax", None),
        ("amr", None),
    ]
    # A department reads the notices addressed to it, with its own row only.
    mine = client.get("/api/v1/notices", headers=world.tax.headers).json()
    assert [r["department"] for r in mine["notices"][0]["recipients"]] == ["tax"]
    assert mine["notices"][0]["recipient_count"] == 2
    assert client.get("/api/v1/notices", headers=world.court.headers).json()["total"] == 0
    one = client.get(f"/api/v1/notices/{notice_id}", headers=world.tax.headers).json()
    assert "政务失信行为" in one["body_html"]
    pdf = client.get(f"/api/v1/notices/{notice_id}/pdf", headers=world.tax.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"

    world.clock.advance(hours=2)
    done = client.post(f"/api/v1/notices/{notice_id}/acknowledgement", headers=world.tax.headers)
    assert done.status_code == 200, done.text
    first = done.json()
    assert first["department"] == "tax" and first["acknowledged_by"].startswith("provider:tax")
    # Acknowledging again answers the first acknowledgement: once, never moved.
    world.clock.advance(hours=2)
    again = client.post(f"/api/v1/notices/{notice_id}/acknowledgement", headers=world.tax.headers)
    assert again.json() == first
    state = client.get(f"/api/v1/notices/{notice_id}", headers=world.authority.headers).json()
    assert state["acknowledged_count"] == 1
    assert [r["acknowledged_at"] is not None for r in state["recipients"]] == [True, False]
    with world.db.transaction() as session:
        # In the chain's order and the feed's (a select without an order has none).
        actions = session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.target_type == "notice")
            .order_by(AuditEntry.id)
        ).scalars()
        assert list(actions) == ["notice.sent", "notice.acknowledged"]
        events = session.execute(
            select(Change.event).where(Change.topic == "notice").order_by(Change.seq)
        ).scalars()
        assert list(events) == ["sent", "acknowledged"]


def test_another_departments_notice_is_not_addressed_to_it(client, world) -> None:  # type: ignore[no-untyped-def]
    notice_id = sent(world, "tax")
    for caller in (world.court, world.user):
        refused = client.post(
            f"/api/v1/notices/{notice_id}/acknowledgement", headers=caller.headers
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "notice_not_addressed"
        read = client.get(f"/api/v1/notices/{notice_id}", headers=caller.headers)
        assert (read.status_code, read.json()["error"]["code"]) == (403, "notice_not_addressed")
        pdf = client.get(f"/api/v1/notices/{notice_id}/pdf", headers=caller.headers)
        assert pdf.status_code == 403
    # The authority reads every notice but acknowledges none on a department's behalf.
    assert (
        client.get(f"/api/v1/notices/{notice_id}", headers=world.authority.headers).status_code
        == 200
    )
    by_authority = client.post(
        f"/api/v1/notices/{notice_id}/acknowledgement", headers=world.authority.headers
    )
    assert by_authority.status_code == 403
    unknown = client.post("/api/v1/notices/999999/acknowledgement", headers=world.tax.headers)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown_notice")
    state = client.get(f"/api/v1/notices/{notice_id}", headers=world.authority.headers).json()
    assert state["acknowledged_count"] == 0


def test_what_a_notice_must_be(world) -> None:  # type: ignore[no-untyped-def]
    sent(world, "tax")
    with pytest.raises(Conflict) as twice:
        sent(world, "amr")  # the same kind and period
    assert twice.value.code == "notice_exists"
    sent(world, "amr", period=None)  # a notice of no period may be sent any number of times
    sent(world, "amr", period=None)
    with pytest.raises(InvalidRequest) as unknown, world.db.transaction() as session:
        send(session, kind="x", title="通报", body_html=BODY, departments=[99999],
             actor="test", now=world.clock.now())  # fmt: skip
    assert unknown.value.code == "unknown_department"
    for bad in ({"kind": "Bad Kind"}, {"title": " "}, {"body_html": " "}, {"period": "2026/Q2"}):
        args = {"kind": "x", "title": "通报", "body_html": BODY, "period": None, **bad}
        with pytest.raises(InvalidRequest) as refused, world.db.transaction() as session:
            send(session, departments=[], actor="test", now=world.clock.now(), **args)
        assert refused.value.code == "invalid_notice"


def test_a_person_of_the_department_acknowledges_on_the_page(app, client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    notice_id = sent(world, "tax")
    officer = person(app, db, clock, role=Role.provider, department="tax", name="tax.wang")
    listed = officer.get("/department/notices")
    assert listed.status_code == 200 and "2026年第二季度政务失信情况通报" in listed.text
    assert "待签收" in listed.text
    page = officer.get(f"/department/notices/{notice_id}")
    assert "签收本通报" in page.text
    clock.advance(minutes=5)
    done = officer.post(
        f"/department/notices/{notice_id}/acknowledge",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = officer.get(done.headers["location"])
    assert "已签收" in after.text and "tax.wang（测试）" in after.text
    assert "签收本通报" not in after.text
    assert officer.get(f"/department/notices/{notice_id}/document").text == BODY
    assert officer.get(f"/department/notices/{notice_id}/pdf").content.startswith(b"%PDF-")
    # The authority's page names who acknowledged it, and when.
    chief = person(app, db, clock, role=Role.authority, department="cred", name="cred.li")
    shown = chief.get(f"/authority/notices/{notice_id}")
    assert shown.status_code == 200
    assert "tax.wang（测试）" in shown.text and "已签收" in shown.text
    assert "1 / 1" in shown.text
    assert "政务失信情况季度通报" in chief.get("/authority/notices").text
    # Another department's person is refused the page and the acknowledgement.
    other = person(app, db, clock, role=Role.provider, department="court", name="court.zhao")
    assert other.get(f"/department/notices/{notice_id}").status_code == 403
    form = other.get("/department/notices")
    refused = other.post(
        f"/department/notices/{notice_id}/acknowledge",
        data={"csrf_token": csrf_of(form.text) if "csrf_token" in form.text else ""},
    )
    assert refused.status_code == 403
