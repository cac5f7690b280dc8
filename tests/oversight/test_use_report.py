"""The monthly use report through the API (docs/oversight.md § use): checks made, checks that
found a list entry with a measure, the measures shown, feedback given and applied, feedback due
in the month and given by its due day (10 working days after the check), measures without
feedback past their due day — on the day before, of and after it —, credit reports issued to
the department."""

from __future__ import annotations

from fixtures.lists import ACME, BETA, World, org
from fixtures.oversight import at

JULY = "2026-07"


def listed(world: World) -> None:
    """ACME on the court's black list (judgment defaulters), in force."""
    world.list_entry(world.court, "court_judgment_defaulters", org(ACME), "acme")


def check(world: World, when: str, *keys: str) -> tuple[str, list[dict]]:
    """A check by the user department at ``when``: its id and the measures it showed, as the
    feedback items that answer them."""
    world.clock.set(at(when))
    answer = world.check("government_procurement", *keys)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    items = {
        (r["key"], m["measure"]): {"subject": r["key"], "measure": m["measure"], "applied": True}
        for r in body["results"]
        for m in r.get("measures", [])
    }
    return body["check_id"], list(items.values())


def feed_back(world: World, when: str, check_id: str, items: list[dict]) -> None:
    world.clock.set(at(when))
    answer = world.client.post(
        f"/api/v1/checks/{check_id}/feedback", json={"items": items}, headers=world.user.headers
    )
    assert answer.status_code == 200, answer.text


def use(world: World, month: str = JULY, caller=None) -> dict:  # type: ignore[no-untyped-def]
    answer = world.client.get(
        "/api/v1/oversight/use",
        params={"month": month},
        headers=(caller or world.authority).headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def finance(body: dict) -> dict:
    return next(r for r in body["departments"] if r["department"] == "finance")


def test_checks_hits_feedback_due_on_time_and_overdue(client, world) -> None:  # type: ignore[no-untyped-def]
    listed(world)
    # Wednesday 1 July: two checks, due ten working days later, Wednesday 15 July.
    first, items = check(world, "2026-07-01", ACME, BETA)
    assert items, "the listed subject meets a measure in procurement"
    fourth, items4 = check(world, "2026-07-01", ACME)
    _second, items2 = check(world, "2026-07-02", ACME)  # due Thursday 16 July
    third, items3 = check(world, "2026-07-20", ACME)  # due Monday 3 August
    _clean, none = check(world, "2026-07-21", BETA)  # nothing listed: no hit
    assert none == []
    feed_back(world, "2026-07-15", first, items)  # on its due day: on time
    feed_back(world, "2026-07-16", fourth, items4)  # the day after: late
    feed_back(world, "2026-07-21", third, items3[:1])  # in time, one measure of them

    # The month under way: 16 July is the second check's due day, not yet overdue; the 17th
    # it is.
    world.clock.set(at("2026-07-16", 18))
    assert finance(use(world))["feedback_overdue"] == 0
    world.clock.set(at("2026-07-17"))
    assert finance(use(world))["feedback_overdue"] == len(items2)

    world.clock.set(at("2026-08-03"))
    body = use(world)
    assert (body["as_of"], body["final"], body["feedback_working_days"]) == (
        "2026-07-31",
        True,
        10,
    )
    row = finance(body)
    shown = len(items) + len(items4) + len(items2) + len(items3)
    assert (row["checks"], row["subjects_checked"], row["hits"], row["measures_shown"]) == (
        5,
        6,
        4,
        shown,
    )
    given = len(items) + len(items4) + 1
    assert (row["feedback_given"], row["measures_applied"], row["measures_not_applied"]) == (
        given,
        given,
        0,
    )
    # Due in July: the checks of 1 and 2 July (the one of 20 July is due in August).
    assert (row["feedback_due"], row["feedback_on_time"]) == (
        len(items) + len(items4) + len(items2),
        len(items),
    )
    assert row["feedback_overdue"] == len(items2)
    assert row["reports_requested"] == 0
    august = finance(use(world, "2026-08"))
    # The 20 July check falls due on 3 August: one measure answered on time, the rest overdue
    # only from 4 August — and the 2 July check's still overdue.
    assert (august["feedback_due"], august["feedback_on_time"]) == (len(items3), 1)
    assert august["feedback_overdue"] == len(items2)
    world.clock.set(at("2026-08-04"))
    later = finance(use(world, "2026-08"))
    assert later["feedback_overdue"] == len(items2) + len(items3) - 1


def test_credit_reports_issued_to_a_department_count_as_its_use(client, world) -> None:  # type: ignore[no-untyped-def]
    world.push(world.market, _penalty())
    world.clock.set(at("2026-06-20"))
    issued = client.post(
        "/api/v1/reports",
        json={"subjects": [ACME], "purpose": "政府采购 资格审查 2026-001"},
        headers=world.user.headers,
    )
    assert issued.status_code == 201, issued.text
    world.clock.set(at("2026-07-01"))
    assert finance(use(world, "2026-06"))["reports_requested"] == 1
    # A department reads its own row, and no other's.
    own = use(world, "2026-06", world.user)
    assert [r["department"] for r in own["departments"]] == ["finance"]
    csv = client.get(
        "/api/v1/oversight/use",
        params={"month": "2026-06", "format": "csv"},
        headers=world.user.headers,
    )
    assert csv.text.lstrip("\ufeff").splitlines()[0].startswith("部门名称,核查次数,核查主体数")


def _penalty() -> dict:
    from fixtures.helpers import penalty

    return penalty("p-1", ACME)
