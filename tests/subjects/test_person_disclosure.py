"""A natural person through the API (issue 12, M1): known to the public only while an entry in
force on a public list names them (lists/rules.makes_subject_public; Measures art. 36,
000 §（十八）, 003 联合奖惩 §（二十））, exactly as on the portal — otherwise answered as an
unknown ID number.

Departments and the person itself read any person, as before."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from fixtures.helpers import id_number, make_caller, penalty
from fixtures.lists import ACME, CITIZEN, MANAGER, World, make_world, person
from xinyong.models import Role

UNLISTED = id_number("32010219770707004")  # a person with a public penalty, on no list
UNKNOWN = id_number("32010219660606005")  # valid, and never collected
WHERE = ("", "/archive", "/list-entries")


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[14:]


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    world = make_world(client, db, clock)
    world.push(
        world.market,
        penalty("p-org", ACME, name="南京艾克姆有限公司"),
        penalty("p-unlisted", "", subject=person(UNLISTED, "吴未列")),
    )
    return world


def person_id(w: World, number: str) -> int:
    answer = w.client.get(f"/api/v1/subjects/{number}", headers=w.authority.headers)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def same_as_unknown(client: TestClient, number: str, suffix: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """The answer for ``number`` cannot be told from the one for a number nobody collected."""
    seen = client.get(f"/api/v1/subjects/{number}{suffix}", **kwargs)
    unknown = client.get(f"/api/v1/subjects/{UNKNOWN}{suffix}", **kwargs)
    assert (seen.status_code, unknown.status_code) == (404, 404), seen.text
    assert seen.content == unknown.content
    assert seen.json()["error"]["code"] == "subject_not_found"
    assert seen.headers.get("content-type") == unknown.headers.get("content-type")
    assert number not in seen.text


@pytest.mark.parametrize("suffix", WHERE, ids=["subject", "archive", "list-entries"])
def test_the_public_cannot_tell_an_unlisted_person_from_an_unknown_number(
    w: World, suffix: str
) -> None:
    same_as_unknown(w.client, UNLISTED, suffix)
    # With as_of the archive answers the same too.
    if suffix == "/archive":
        same_as_unknown(w.client, UNLISTED, suffix, params={"as_of": "2026-06-01"})


def test_a_person_is_public_only_while_a_public_list_entry_is_in_force(w: World) -> None:
    same_as_unknown(w.client, CITIZEN, "")  # not collected yet
    entry = w.list_entry(w.court, "court_judgment_defaulters", person(CITIZEN, "郑公示"), "1")
    shown = w.client.get(f"/api/v1/subjects/{CITIZEN}")
    assert shown.status_code == 200, shown.text
    assert (shown.json()["name"], shown.json()["id_number"]) == ("郑公示", masked(CITIZEN))
    assert CITIZEN not in shown.text
    archive = w.client.get(f"/api/v1/subjects/{CITIZEN}/archive")
    assert archive.status_code == 200, archive.text
    assert archive.json()["visible_disclosures"] == ["public"]
    assert CITIZEN not in archive.text
    entries = w.client.get(f"/api/v1/subjects/{CITIZEN}/list-entries").json()
    assert [(e["list"], e["state"]) for e in entries] == [("court_judgment_defaulters", "listed")]
    # Another subject's token reads the person as the public does: masked.
    other = make_caller(w.db, w.clock, role=Role.subject, subject_id=person_id(w, UNLISTED))
    assert w.client.get(f"/api/v1/subjects/{CITIZEN}", headers=other.headers).json()[
        "id_number"
    ] == masked(CITIZEN)
    # Off the list: gone again, for every look-up (the exit notice stays on the list's page).
    left = w.step(w.court, entry, "exit", {"reason": "revocation", "explanation": "认定有误"})
    assert left.status_code == 200, left.text
    for suffix in WHERE:
        same_as_unknown(w.client, CITIZEN, suffix)
    assert w.client.get(f"/api/v1/list-entries/{entry}").json()["state"] == "exited"


def test_a_listing_past_its_period_no_longer_makes_the_person_public(w: World) -> None:
    rid = w.basis(w.court, "court_judgment_defaulter", person(CITIZEN, "冯期满"), "e1")
    proposed = w.propose(
        w.court, "court_judgment_defaulters", CITIZEN, [rid], listed_until="2026-07-31"
    )
    assert proposed.status_code == 201, proposed.text
    notice_ends = date.fromisoformat(proposed.json()["notice_ends_on"])  # the prior notice
    w.pass_days((notice_ends - w.clock.now().date()).days + 1)
    confirmed = w.step(w.court, proposed.json()["id"], "confirm")
    assert confirmed.json()["state"] == "listed", confirmed.text
    assert w.client.get(f"/api/v1/subjects/{CITIZEN}").status_code == 200
    # Past listed_until, before the daily job marks the exit.
    w.pass_days((date(2026, 7, 31) - w.clock.now().date()).days)
    same_as_unknown(w.client, CITIZEN, "")


def test_a_person_on_a_shared_list_or_in_red_notice_is_not_public(w: World) -> None:
    # A watch list is shared among departments, not published (003 联合奖惩 §（二十））.
    w.list_entry(w.market, "food_drug_watch", person(MANAGER, "孙关注"), "w1")
    # A red candidate in public notice is published on its list, but is not yet listed.
    red = person(UNLISTED, "吴未列")
    rid = w.basis(w.market, "commendation", red, "a1")
    in_notice = w.propose(w.market, "contract_honouring", UNLISTED, [rid])
    assert in_notice.json()["state"] == "notice", in_notice.text
    assert w.client.get(f"/api/v1/list-entries/{in_notice.json()['id']}").status_code == 200
    for number in (MANAGER, UNLISTED):
        for suffix in WHERE:
            same_as_unknown(w.client, number, suffix)


def test_the_person_itself_and_departments_still_read_an_unlisted_person(w: World) -> None:
    same_as_unknown(w.client, UNLISTED, "")
    own = make_caller(w.db, w.clock, role=Role.subject, subject_id=person_id(w, UNLISTED))
    purpose = {"purpose": "行政许可审查"}
    for caller, shown in (
        (own, UNLISTED),
        (w.authority, UNLISTED),
        (w.market, masked(UNLISTED)),
        (w.user, masked(UNLISTED)),
    ):
        answer = w.client.get(f"/api/v1/subjects/{UNLISTED}", headers=caller.headers)
        assert answer.json()["id_number"] == shown, answer.text
        archive = w.client.get(
            f"/api/v1/subjects/{UNLISTED}/archive", params=purpose, headers=caller.headers
        )
        assert archive.status_code == 200, archive.text
        listed = w.client.get(f"/api/v1/subjects/{UNLISTED}/list-entries", headers=caller.headers)
        assert listed.status_code == 200, listed.text


def test_an_unknown_number_costs_the_queries_of_an_unlisted_person(w: World, db) -> None:  # type: ignore[no-untyped-def]
    """No missing query tells the two apart (the timing of the queries themselves aside)."""

    def statements(number: str, suffix: str) -> list[str]:
        seen: list[str] = []

        def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            assert w.client.get(f"/api/v1/subjects/{number}{suffix}").status_code == 404
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        return seen

    for suffix in WHERE:
        assert statements(UNLISTED, suffix) == statements(UNKNOWN, suffix)
