"""A natural person through the API (issue 12, M1): known to the public only while an entry in
force on a public list names them (lists/rules.makes_subject_public; Measures art. 36,
000 §（十八）, 003 联合奖惩 §（二十））, exactly as on the portal — otherwise answered as an
unknown ID number — and anonymous look-ups limited per address.

Departments and the person itself read any person, as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from fixtures.helpers import id_number, make_caller, penalty
from fixtures.lists import ACME, CITIZEN, MANAGER, World, make_world, person
from xinyong.app import create_app
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


# --- the limit on anonymous look-ups -------------------------------------------------------------


@pytest.fixture
def limited(db, clock) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """Another server process on the same database, allowing 3 anonymous look-ups at once
    and 1 a minute after."""
    settings = db.settings.model_copy(
        update={"anonymous_lookups_per_minute": 1, "anonymous_lookup_burst": 3}
    )
    with TestClient(create_app(settings, clock=clock, db=db)) as client:
        yield client


def test_anonymous_look_ups_are_limited_per_address(w: World, limited: TestClient) -> None:
    # Every anonymous look-up counts: a subject, an archive, an unknown number.
    assert [
        limited.get(url).status_code
        for url in (
            f"/api/v1/subjects/{ACME}",
            f"/api/v1/subjects/{ACME}/archive",
            f"/api/v1/subjects/{UNKNOWN}",
        )
    ] == [200, 200, 404]
    for url in (
        f"/api/v1/subjects/{ACME}",
        f"/api/v1/subjects/{UNKNOWN}/archive",
        f"/api/v1/subjects/{ACME}/list-entries",
    ):
        refused = limited.get(url)
        assert refused.status_code == 429, refused.text
        error = refused.json()["error"]
        retry = int(refused.headers["Retry-After"])
        assert 1 <= retry <= 60  # one look-up a minute
        assert error["code"] == "rate_limited"
        assert error["message"] == f"查询过于频繁，请 {retry} 秒后再试"
        assert error["message_en"] == f"too many look-ups; try again in {retry} seconds"
        assert error["detail"] == {"retry_after": retry}
    # Reads that are no look-up of a subject are not counted.
    assert limited.get("/api/v1/lists").status_code == 200
    # A caller with a token is accountable and not limited.
    for caller in (w.user, w.authority):
        answer = limited.get(f"/api/v1/subjects/{UNLISTED}", headers=caller.headers)
        assert answer.status_code == 200, answer.text
    # Another address has its own allowance (the address the server gives: request.client).
    other = TestClient(limited.app, client=("203.0.113.7", 40000))
    assert other.get(f"/api/v1/subjects/{ACME}").status_code == 200
    # A forwarded-for header does not make another address.
    spoofed = limited.get(f"/api/v1/subjects/{ACME}", headers={"X-Forwarded-For": "198.51.100.9"})
    assert spoofed.status_code == 429


def test_the_limited_operations_declare_429_in_openapi(api_document: dict) -> None:
    paths = api_document["paths"]
    for suffix in WHERE:
        responses = paths[f"/api/v1/subjects/{{key}}{suffix}"]["get"]["responses"]
        assert "`rate_limited`" in responses["429"]["description"]
        assert "`subject_not_found`" in responses["404"]["description"]
