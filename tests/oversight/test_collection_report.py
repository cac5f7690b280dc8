"""The monthly collection report through the API (docs/oversight.md § collection): the items a
provider owes against what arrived, the overdue ones, rejections and their top errors, the
timeliness of the month's records by their item's update cycle, 双公示, objections found right;
the month under way as of today, a month over kept; who reads what."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from fixtures.helpers import catalog_record, make_caller
from fixtures.lists import ACME, BETA, GAMMA, World, org
from fixtures.oversight import arrive, at
from xinyong.models import OversightReport, Role, Subject

JUNE = "2026-06"


def act(item: str, source_id: str, key: str, decided_on: str, **over: object) -> dict:
    record = catalog_record(item, source_id, org(key), determined_on=decided_on)
    record["fields"]["decided_on"] = decided_on
    record.update(over)
    return record


def june_of_the_market(client, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    """amr's June: two batches, three records kept, three rows rejected."""
    missing = act("administrative_penalty", "p-bad", GAMMA, "2026-06-15")
    del missing["fields"]["decision_number"]
    first = arrive(
        client, clock, world.market, at("2026-06-16"),
        # decided Monday 15 June, a daily item due the next working day: on time
        act("administrative_penalty", "p-1", ACME, "2026-06-15"),
        # decided 1 June: due 2 June (daily), and 11 working days for 双公示 — late both ways
        act("administrative_licensing", "l-1", BETA, "2026-06-01"),
        {"item": "no_such_item", "source_id": "x-1"},
        {"item": "no_such_item", "source_id": "x-2"},
        missing,
    )  # fmt: skip
    assert (first["accepted"], len(first["rejected"])) == (2, 3)
    # Friday 26 June → due Monday 29 June: on time.
    arrive(client, clock, world.market, at("2026-06-29"),
           act("administrative_penalty", "p-2", GAMMA, "2026-06-26"))  # fmt: skip


def report(client, caller, month: str = JUNE, **params):  # type: ignore[no-untyped-def]
    answer = client.get(
        "/api/v1/oversight/collection", params={"month": month, **params}, headers=caller.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def row(body: dict, code: str) -> dict:
    return next(r for r in body["departments"] if r["department"] == code)


def uphold_an_objection(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    """ACME objects to amr's penalty p-1; the provider finds it wrong, the authority upholds."""
    rid = world.record_id(ACME, "administrative_penalty")
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    acme = make_caller(db, clock, role=Role.subject, subject_id=sid)
    body = {"target": {"record": str(rid)}, "ground": "wrong_or_incomplete", "statement": "有误"}
    filed = client.post("/api/v1/objections", json=body, headers=acme.headers)
    assert filed.status_code == 201, filed.text
    oid = filed.json()["id"]
    for caller, action, data in (
        (world.authority, "referral", None),
        (world.market, "verification", {"found_wrong": True, "opinion": "金额有误"}),
        (world.authority, "decision", {"outcome": "upheld", "reason": "经核实"}),
    ):
        done = client.post(f"/api/v1/objections/{oid}/{action}", json=data, headers=caller.headers)
        assert done.status_code == 200, done.text


def test_a_providers_month_items_overdue_rejections_timeliness_and_dual_publicity(
    client, db, clock, world
) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    clock.set(at("2026-06-24"))
    uphold_an_objection(client, db, clock, world)
    clock.set(at("2026-07-02"))
    body = report(client, world.authority)
    assert (body["month"], body["as_of"], body["final"]) == (JUNE, "2026-06-30", True)
    assert [r["department"] for r in body["departments"]] == ["amr", "court", "tax"]
    amr = row(body, "amr")
    assert (amr["batches"], amr["rows"], amr["accepted"], amr["rejected"]) == (2, 6, 3, 3)
    assert amr["rejection_rate"] == 0.5
    assert [(e["code"], e["name"], e["count"]) for e in amr["top_errors"]] == [
        ("unknown_item", "目录中没有该信息项", 2),
        ("missing_field", "缺少必填字段", 1),
    ]
    assert (amr["dated"], amr["on_time"], amr["timeliness"]) == (3, 2, 0.6667)
    assert (amr["dp_total"], amr["dp_on_time"], amr["dp_late"], amr["dp_share"]) == (
        3,
        2,
        1,
        0.6667,
    )
    assert amr["objections_upheld"] == 1
    # The market regulator owes its sector's items: the penalty pushed on 29 June is due on
    # 30 June, not overdue; the licence, last pushed 16 June, was due 17 June.
    overdue = {i["item"]: i for i in amr["overdue_items"]}
    assert "administrative_penalty" not in overdue
    assert overdue["administrative_licensing"]["last_push"] == "2026-06-16"
    assert overdue["administrative_licensing"]["due_on"] == "2026-06-17"
    # Never pushed: due the working day after the department joined (15 June).
    assert overdue["org_registration"]["last_push"] is None
    assert overdue["org_registration"]["due_on"] == "2026-06-16"
    assert amr["items_received"] == 2
    assert amr["items_overdue"] == len(amr["overdue_items"])
    assert amr["items_current"] == amr["items_owed"] - amr["items_overdue"]
    # A monthly item never pushed since 15 June is due by the end of July: not yet overdue.
    assert "product_quality_accident" not in overdue
    tax = row(body, "tax")
    assert (tax["items_received"], tax["rows"], tax["rejection_rate"], tax["timeliness"]) == (
        0,
        0,
        None,
        None,
    )
    assert {i["cycle"] for i in tax["overdue_items"]} <= {"daily", "realtime"}
    assert "tax_arrears" not in {i["item"] for i in tax["overdue_items"]}  # quarterly


def test_the_month_under_way_is_as_of_today_and_a_month_over_is_kept(
    client, db, clock, world
) -> None:  # type: ignore[no-untyped-def]
    arrive(client, clock, world.market, at("2026-06-16"),
           act("administrative_penalty", "p-1", ACME, "2026-06-15"))  # fmt: skip
    clock.set(at("2026-06-17"))
    running = report(client, world.authority)
    assert (running["as_of"], running["final"]) == ("2026-06-17", False)
    amr = row(running, "amr")
    # On 17 June the penalty pushed on the 16th is not yet overdue; on the 18th it would be.
    assert "administrative_penalty" not in {i["item"] for i in amr["overdue_items"]}
    with db.transaction() as session:
        assert session.get(OversightReport, (JUNE, "collection")) is None  # not kept yet
    clock.set(at("2026-07-01", 0, 5))
    kept = report(client, world.authority)
    assert kept["final"] is True and kept["generated_at"].startswith("2026-07-01T00:05")
    clock.set(at("2026-08-10"))
    again = report(client, world.authority)
    assert again == kept
    with db.transaction() as session:
        assert session.get(OversightReport, (JUNE, "collection")) is not None


def test_a_department_reads_its_own_row_and_a_csv(client, clock, world) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    clock.set(at("2026-07-02"))
    own = report(client, world.market)
    assert [r["department"] for r in own["departments"]] == ["amr"]
    assert report(client, world.user)["departments"] == []  # not a provider
    answer = client.get(
        "/api/v1/oversight/collection",
        params={"month": JUNE, "format": "csv"},
        headers=world.authority.headers,
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["部门名称", "应报信息项", "本月已报信息项", "逾期未报信息项"]
    assert rows[0][-1] == "部门代码"
    amr = next(r for r in rows[1:] if r[-1] == "amr")
    assert "目录中没有该信息项 2；缺少必填字段 1" in amr and "50.00%" in amr


def test_the_reports_refusals(client, clock, world) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/oversight/collection"
    assert client.get(url, params={"month": JUNE}).status_code == 401
    subject = make_caller(world.db, clock, role=Role.subject, subject_id=1)
    assert client.get(url, params={"month": JUNE}, headers=subject.headers).status_code == 403
    for month, code in (("2026-13", "invalid_month"), ("2026-07", "month_in_future")):
        bad = client.get(url, params={"month": month}, headers=world.authority.headers)
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, code)
    # A year the calendar does not know: never a guess.
    clock.set(at("2027-02-01"))
    unknown = client.get(url, params={"month": "2027-01"}, headers=world.authority.headers)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (409, "calendar_year_unknown")


def test_a_nil_return_is_a_push_and_the_quality_score_is_a_column(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    """零报送 (quality/) meets a duty as a push does; the month's data-quality score is one
    more column of the collection report, and of its CSV."""
    arrive(client, clock, world.market, at("2026-06-16"),
           act("administrative_penalty", "p-1", ACME, "2026-06-15"))  # fmt: skip
    clock.set(at("2026-06-18"))
    late = row(report(client, world.authority), "amr")
    assert "administrative_penalty" in {i["item"] for i in late["overdue_items"]}
    filed = client.post(
        "/api/v1/records/nil-returns",
        json={"item_code": "administrative_penalty", "note": "本期无新增处罚"},
        headers=world.market.headers,
    )
    assert filed.status_code == 201, filed.text
    met = row(report(client, world.authority), "amr")
    assert "administrative_penalty" not in {i["item"] for i in met["overdue_items"]}
    assert met["items_overdue"] == late["items_overdue"] - 1
    assert isinstance(met["quality_score"], float) and 0 <= met["quality_score"] <= 100
    text = client.get(
        "/api/v1/oversight/collection",
        params={"month": JUNE, "format": "csv"},
        headers=world.authority.headers,
    ).text
    assert "数据质量得分" in text.splitlines()[0]
