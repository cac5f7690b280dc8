"""GET and POST /api/v1/validity-rules: the Measures' own rule from the start, rules added by
the authority, never edited and never effective before the day they are added.

The clock stands at 2026-06-15 10:00 Asia/Shanghai."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from xinyong.models import AuditEntry, Change, Role

RULES = "/api/v1/validity-rules"
GRADED = {"minor": 6, "general": 12, "serious": 24, "severe": 36}


def rule(effective_from: str, item_code: str | None = None, **over) -> dict:  # type: ignore[no-untyped-def]
    body = {"effective_from": effective_from, "months": GRADED, "basis": "测试：分级有效期"}
    if item_code:
        body["item_code"] = item_code
    return {**body, **over}


@pytest.fixture
def authority(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.authority, kind="credit_authority")


def test_the_measures_rule_is_there_from_the_start_and_public(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(RULES)
    assert response.status_code == 200, response.text
    (art_30,) = response.json()
    assert art_30["effective_from"] == "2018-01-29"  # 苏政发〔2018〕23号, art. 43: 自印发之日起施行
    assert art_30["item_code"] is None
    assert art_30["months"] == {"general": 12, "serious": 12, "severe": 36}
    assert "第三十条" in art_30["basis"] and "苏政发〔2018〕23号" in art_30["basis"]
    assert art_30["created_by"] == "system"


def test_the_authority_adds_a_rule_audited_and_on_the_feed(client, db, authority) -> None:  # type: ignore[no-untyped-def]
    response = client.post(RULES, json=rule("2026-07-01"), headers=authority.headers)
    assert response.status_code == 201, response.text
    added = response.json()
    assert (added["effective_from"], added["item_code"], added["months"]) == (
        "2026-07-01",
        None,
        GRADED,
    )
    assert [r["effective_from"] for r in client.get(RULES).json()] == ["2018-01-29", "2026-07-01"]
    with db.transaction() as session:
        audited = session.execute(
            select(AuditEntry).where(AuditEntry.action == "validity_rule.added")
        ).scalars()
        change = session.execute(
            select(Change).where(Change.topic == "validity").order_by(Change.seq.desc())
        ).scalars()
        entry, latest = list(audited)[-1], next(iter(change))
    assert entry.actor != "system" and entry.target_id == str(added["id"])
    assert entry.detail["months"] == GRADED and entry.detail["basis"] == "测试：分级有效期"
    assert latest.event == "added"
    assert latest.detail == {
        "id": added["id"],
        "effective_from": "2026-07-01",
        "item_code": None,
        "months": GRADED,
    }


@pytest.mark.parametrize(
    ("effective_from", "status"),
    [("2026-06-14", 409), ("2026-06-15", 201), ("2026-06-16", 201)],
    ids=["day-before-today", "today", "day-after-today"],
)
def test_a_rule_never_takes_effect_before_today(  # type: ignore[no-untyped-def]
    client, authority, effective_from, status
) -> None:
    response = client.post(RULES, json=rule(effective_from), headers=authority.headers)
    assert response.status_code == status, response.text
    if status == 409:
        error = response.json()["error"]
        assert error["code"] == "validity_rule_retroactive"
        assert (error["field"], error["detail"]) == ("effective_from", {"today": "2026-06-15"})
        assert len(client.get(RULES).json()) == 1


def test_the_same_date_twice_is_refused_for_all_items_and_for_one(client, authority) -> None:  # type: ignore[no-untyped-def]
    headers = authority.headers
    assert client.post(RULES, json=rule("2026-07-01"), headers=headers).status_code == 201
    again = client.post(RULES, json=rule("2026-07-01", months={"general": 6}), headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "validity_rule_exists"
    item = rule("2026-07-01", "tax_arrears")
    assert client.post(RULES, json=item, headers=headers).status_code == 201
    again = client.post(RULES, json=item, headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "validity_rule_exists"
    other_item = rule("2026-07-01", "wage_arrears")
    assert client.post(RULES, json=other_item, headers=headers).status_code == 201


@pytest.mark.parametrize(
    ("item_code", "why"),
    [("no_such_item", "not in the catalog"), ("commendation", "not a negative item")],
)
def test_a_rule_names_a_negative_item_of_the_catalog(client, authority, item_code, why) -> None:  # type: ignore[no-untyped-def]
    response = client.post(RULES, json=rule("2026-07-01", item_code), headers=authority.headers)
    assert response.status_code == 422, why
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (
        "unknown_item",
        "item_code",
    )


@pytest.mark.parametrize(
    "months",
    [{}, {"general": 0}, {"general": 1201}, {"grave": 12}, {"general": "twelve"}],
    ids=["empty", "zero", "over-100-years", "unknown-severity", "not-a-number"],
)
def test_months_are_1_to_1200_by_severity(client, authority, months) -> None:  # type: ignore[no-untyped-def]
    response = client.post(RULES, json=rule("2026-07-01", months=months), headers=authority.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_request"


def test_only_the_authority_adds_rules(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    provider = make_caller(db, clock, role=Role.provider)
    response = client.post(RULES, json=rule("2026-07-01"), headers=provider.headers)
    assert response.status_code == 403
    assert client.post(RULES, json=rule("2026-07-01")).status_code == 401
    assert len(client.get(RULES).json()) == 1
