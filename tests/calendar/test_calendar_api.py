"""The working-day calendar through the API: read by anyone, extended by the authority, and
the deadline that needs an unknown year refused until the authority loads it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from xinyong.core.audit import verify
from xinyong.core.calendar import UnknownCalendarYear, calendar_for
from xinyong.feeds.changes import CALENDAR
from xinyong.models import AuditEntry, Change, Role

YEAR_2027 = json.loads((Path(__file__).parent / "year_2027.json").read_text("utf-8"))


@pytest.fixture
def authority(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.authority, kind="credit_authority")


def deadline(db, start: date, n: int) -> date:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return calendar_for(session).add_working_days(start, n)


def test_anyone_reads_a_chinesecalendar_year(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/calendar/2026")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["source"] == "chinesecalendar"
    assert body["loaded_at"] is None
    assert {"date": "2026-02-14", "name": "春节"} in body["working_weekends"]
    assert {"date": "2026-10-01", "name": "国庆节"} in body["holidays"]
    assert body["working_days"] == 248


def test_an_unknown_year_is_an_explicit_error(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/calendar/2031")
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "calendar_year_unknown"
    assert error["detail"] == {"year": 2031}
    assert "2031" in error["message"] and "2031" in error["message_en"]


def test_loading_2027_makes_the_deadline_across_the_year_end(client, db, authority) -> None:  # type: ignore[no-untyped-def]
    # Before: 10 working days from 24 December 2026 need 2027, which nobody declared.
    with pytest.raises(UnknownCalendarYear) as caught:
        deadline(db, date(2026, 12, 24), 10)
    assert caught.value.year == 2027

    loaded = client.post("/api/v1/calendar/years", json=YEAR_2027, headers=authority.headers)
    assert loaded.status_code == 201, loaded.text
    body = loaded.json()
    assert body["source"] == "authority"
    assert body["loaded_by"].startswith(f"authority:{authority.department}#t")
    assert len(body["holidays"]) == len(YEAR_2027["holidays"])

    # After: every process's calendar sees the new year on its next call (the cache is
    # keyed by the loaded years' revisions).
    assert deadline(db, date(2026, 12, 24), 10) == date(2027, 1, 8)
    with db.transaction() as session:
        calendar = calendar_for(session)
        assert calendar.is_working_day(date(2027, 2, 20))  # make-up Saturday
        assert not calendar.is_working_day(date(2027, 2, 8))  # Monday in 春节
    assert client.get("/api/v1/calendar/2027").json()["working_weekends"][0] == {
        "date": "2027-02-20",
        "name": "春节调休",
    }

    # Audited and on the change feed.
    with db.transaction() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
        changes = session.execute(select(Change).where(Change.topic == CALENDAR)).scalars().all()
        assert verify(session).ok
    assert "calendar.loaded" in actions
    assert [(c.event, c.detail) for c in changes] == [
        ("year_loaded", {"year": 2027, "replaced": None})
    ]


def test_a_known_year_is_replaced_only_when_asked(client, db, authority) -> None:  # type: ignore[no-untyped-def]
    first = client.post("/api/v1/calendar/years", json=YEAR_2027, headers=authority.headers)
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/calendar/years", json=YEAR_2027, headers=authority.headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "calendar_year_known"
    assert again.json()["error"]["detail"] == {"source": "authority"}

    # A correction: 4 January 2027 becomes a holiday as well.
    corrected = {
        **YEAR_2027,
        "holidays": [*YEAR_2027["holidays"], {"date": "2027-01-04", "name": "元旦"}],
    }
    replaced = client.post(
        "/api/v1/calendar/years?replace=true", json=corrected, headers=authority.headers
    )
    assert replaced.status_code == 201, replaced.text
    assert deadline(db, date(2026, 12, 24), 10) == date(2027, 1, 11)


def test_a_chinesecalendar_year_is_refused_unless_replacing(client, db, authority) -> None:  # type: ignore[no-untyped-def]
    year_2026 = client.get("/api/v1/calendar/2026").json()
    data = {k: year_2026[k] for k in ("year", "basis", "holidays", "working_weekends")}
    refused = client.post("/api/v1/calendar/years", json=data, headers=authority.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["detail"] == {"source": "chinesecalendar"}

    # Replacing it: an extra holiday on Monday 14 December 2026 (a made-up change).
    data["holidays"].append({"date": "2026-12-14", "name": "测试"})
    data["basis"] = "测试：补充通知"
    replaced = client.post(
        "/api/v1/calendar/years?replace=true", json=data, headers=authority.headers
    )
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["source"] == "authority"
    with db.transaction() as session:
        calendar = calendar_for(session)
        assert not calendar.is_working_day(date(2026, 12, 14))
        assert calendar.is_working_day(date(2026, 2, 14))  # the rest of the year is kept


@pytest.mark.parametrize("role", [Role.provider, Role.user_department])
def test_only_the_authority_loads_a_year(client, db, clock, role) -> None:  # type: ignore[no-untyped-def]
    caller = make_caller(db, clock, role=role)
    answer = client.post("/api/v1/calendar/years", json=YEAR_2027, headers=caller.headers)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"
    assert client.post("/api/v1/calendar/years", json=YEAR_2027).status_code == 401
    assert client.get("/api/v1/calendar/2027").status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 1999}, "year"),
        ({"basis": ""}, "basis"),
        ({"holidays": [{"date": "2028-01-01", "name": "元旦"}]}, "holidays"),
        ({"holidays": [{"date": "2027-13-01", "name": "元旦"}]}, "holidays.0.date"),
        ({"holidays": [{"date": "2027-01-01"}]}, "holidays.0.name"),
        ({"working_weekends": [{"date": "2027-02-22", "name": "春节调休"}]}, "working_weekends"),
        ({"working_weekends": [{"date": "2027-01-02", "name": "元旦"}]}, "working_weekends"),
        ({"holiday": []}, "holiday"),
    ],
)
def test_a_malformed_year_names_the_field(client, authority, change, field) -> None:  # type: ignore[no-untyped-def]
    answer = client.post(
        "/api/v1/calendar/years", json={**YEAR_2027, **change}, headers=authority.headers
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["field"] == field
    assert client.get("/api/v1/calendar/2027").status_code == 409
