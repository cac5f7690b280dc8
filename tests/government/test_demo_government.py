"""The demo's government integrity (issue 18's acceptance): from the demo data alone, a
quarterly list, a regional ranking and a yellow debt warning; a 清欠 case closed when paid and
shown on the body's page; a 容错纠错 exclusion; civil servants with their staff records."""

from __future__ import annotations

from sqlalchemy import func, select

from fixtures.demo import FULL, kept_demo
from fixtures.helpers import make_caller
from xinyong.models import Record, Role, Subject


def test_the_demo_has_government_integrity_end_to_end(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    result = kept_demo(client, db, clock, **FULL)
    gov = result.government
    assert gov.bodies >= 6 and gov.cases == gov.failures >= 6
    assert gov.civil_servants >= 3 and gov.debt_rows >= 2 and gov.regions_ranked >= 2
    authority = make_caller(db, clock, role=Role.authority, kind="credit_authority", code="t-a")
    headers = authority.headers

    cases = client.get("/api/v1/government/cases", headers=headers).json()["cases"]
    states = {(c["failure_kind"], c["state"], c["cleared_as"]) for c in cases}
    assert ("拖欠企业账款", "cleared", "paid") in states
    assert any(c["state"] == "excluded" for c in cases)
    being_paid = [
        c
        for c in cases
        if c["failure_kind"] == "拖欠企业账款"
        and c["state"] == "open"
        and c["amount_paid"] != "0.0000"
    ]
    assert being_paid

    quarter = f"{clock.today().year}-Q{(clock.today().month - 1) // 3 + 1}"
    listed = client.get(
        "/api/v1/government/quarterly-list", params={"quarter": quarter}, headers=headers
    ).json()
    assert listed["bodies"], listed
    assert {r["department"] for r in listed["recipients"]} >= {
        "js-discipline_inspection",
        "js-organisation_personnel",
    }

    ranking = client.get("/api/v1/government/regional-evaluation").json()
    assert ranking["cities"] and ranking["counties"]
    assert ranking["counties"][0]["rank"] == 1

    warnings = client.get(
        "/api/v1/government/debt-warnings",
        params={"year": clock.today().year - 1},
        headers=headers,
    ).json()
    assert "yellow" in {r["level"] for r in warnings["regions"]}

    paid = next(c for c in cases if c["cleared_as"] == "paid")
    page = client.get(f"/subjects/{paid['subject']['credit_code']}")
    assert "账款已清偿" in page.text

    with db.transaction() as session:
        staff = session.execute(
            select(func.count())
            .select_from(Record)
            .join(Subject, Subject.id == Record.subject_id)
            .where(Record.item_code == "civil_servant_staff")
        ).scalar_one()
    assert staff == gov.civil_servants
