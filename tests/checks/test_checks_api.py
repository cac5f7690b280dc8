"""POST /api/v1/checks (逢办必查) and its feedback, through the API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, BETA, CITIZEN, GAMMA, World, make_world, org
from xinyong.app import create_app
from xinyong.measures.service import default_measures
from xinyong.models import Check, Role


@pytest.fixture
def w(client, db, clock) -> World:
    return make_world(client, db, clock)


def result(w: World, scenario: str, key: str) -> dict:
    answer = w.check(scenario, key)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"][0]


def test_a_black_listed_subject_is_intercepted_with_reason_and_basis(w: World) -> None:
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    got = result(w, "government_procurement", ACME)
    assert got["found"] is True and got["decision"] == "intercept"
    assert [e["entry_id"] for e in got["entries"]] == [entry]
    measure = got["measures"][0]
    assert measure["measure"] == "restrict_government_procurement"
    assert measure["action"] == "intercept" and measure["via"] is None
    assert "失信被执行人" in measure["reason"]
    assert measure["legal_basis"]


def test_intercept_outweighs_prompt_and_prompt_outweighs_facilitate(w: World) -> None:
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    licensing = result(w, "administrative_licensing", ACME)
    assert {m["action"] for m in licensing["measures"]} == {"intercept", "prompt"}
    assert licensing["decision"] == "intercept"

    w.list_entry(w.tax, "tax_a_grade", org(BETA, "南京乙公司"), "r")
    assert result(w, "administrative_licensing", BETA)["decision"] == "facilitate"
    w.list_entry(w.market, "food_drug_watch", org(BETA, "南京乙公司"), "w")
    both = result(w, "administrative_licensing", BETA)
    assert {m["action"] for m in both["measures"]} == {"facilitate", "prompt"}
    assert both["decision"] == "prompt"


def test_a_subject_not_in_the_platform_is_not_found_never_an_error(w: World) -> None:
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    answer = w.check("bidding", GAMMA, ACME, CITIZEN)
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["key"], r["found"], r["decision"]) for r in results] == [
        (GAMMA, False, "clear"),
        (ACME, True, "intercept"),
        (CITIZEN, False, "clear"),
    ]
    assert answer.json()["decisions"] == {"clear": 2, "intercept": 1}


def test_a_listed_subject_with_no_measure_in_the_scenario_is_clear(w: World) -> None:
    w.list_entry(w.tax, "tax_a_grade", org(ACME), "r")
    got = result(w, "high_consumption", ACME)
    assert got["decision"] == "clear" and got["measures"] == []
    assert [e["list"] for e in got["entries"]] == ["tax_a_grade"]


def test_repaired_and_revoked_entries_never_count(w: World) -> None:
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    w.step(w.court, entry, "exit", {"reason": "repair", "explanation": "已履行"})
    got = result(w, "bidding", ACME)
    assert got["decision"] == "clear" and got["entries"] == []
    # A subject that left a black list stays under monitoring (重点监测).
    assert [m["list"] for m in got["monitoring"]] == ["court_judgment_defaulters"]

    again = w.list_entry(w.market, "food_drug_watch", org(BETA, "南京乙公司"), "w")
    w.step(w.authority, again, "exit", {"reason": "revocation", "explanation": "误列"})
    assert result(w, "inspection", BETA)["decision"] == "clear"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            {"scenario": "parking", "subjects": [ACME], "purpose": "x"},
            422,
            "unknown_scenario",
            "scenario",
        ),
        (
            {"scenario": "bidding", "subjects": [ACME, "91320100MA1X2Y3W5"], "purpose": "x"},
            422,
            "invalid_subject_key",
            "subjects[1]",
        ),
        ({"scenario": "bidding", "subjects": [ACME]}, 422, "missing_purpose", "purpose"),
        (
            {"scenario": "bidding", "subjects": [], "purpose": "x"},
            422,
            "invalid_request",
            "subjects",
        ),
        (
            {"scenario": "bidding", "subjects": [ACME] * 10_001, "purpose": "x"},
            413,
            "too_many_subjects",
            "subjects",
        ),
    ],
)
def test_bad_checks_name_what_is_wrong(w: World, body, status, code, field) -> None:  # type: ignore[no-untyped-def]
    answer = w.client.post("/api/v1/checks", json=body, headers=w.user.headers)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == (code, field)


def test_only_departments_check(w: World) -> None:
    body = {"scenario": "bidding", "subjects": [ACME], "purpose": "x"}
    assert w.client.post("/api/v1/checks", json=body).status_code == 401
    w.basis(w.court, "court_judgment_defaulter", org(ACME), "1")
    own_id = int(w.client.get(f"/api/v1/subjects/{ACME}").json()["id"])
    subject = make_caller(w.db, w.clock, role=Role.subject, subject_id=own_id)
    assert w.client.post("/api/v1/checks", json=body, headers=subject.headers).status_code == 403
    assert w.client.post("/api/v1/checks", json=body, headers=w.market.headers).status_code == 200


def test_each_check_is_logged_with_department_and_purpose(w: World) -> None:
    check_id = w.check("bidding", ACME, GAMMA).json()["check_id"]
    with w.db.transaction() as session:
        row = session.execute(select(Check).where(Check.id == int(check_id))).scalar_one()
    assert (row.scenario, row.purpose, row.subjects, row.found) == (
        "bidding",
        "行政许可 2026-001",
        2,
        0,
    )
    assert row.actor.startswith("user_department:finance")


def test_a_revised_measures_list_applies_at_once(w: World) -> None:
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    assert result(w, "government_procurement", ACME)["decision"] == "intercept"
    measures = default_measures().model_dump(mode="json")
    for m in measures["measures"]:
        if m["code"] == "restrict_government_procurement":
            m["scenarios"] = {"government_procurement": "prompt"}
    published = w.client.post("/api/v1/measures", json=measures, headers=w.authority.headers)
    assert published.json()["revised"] == ["restrict_government_procurement"]
    assert result(w, "government_procurement", ACME)["decision"] == "prompt"
    listed = {m["code"]: m for m in w.client.get("/api/v1/measures").json()}
    assert listed["restrict_government_procurement"]["version"] == 2


def test_another_server_process_sees_a_listing_at_once(w: World, db, clock) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(create_app(db.settings, clock=clock, db=db)) as other:

        def check() -> str:
            answer = other.post(
                "/api/v1/checks",
                json={"scenario": "bidding", "subjects": [ACME], "purpose": "x"},
                headers=w.user.headers,
            )
            return answer.json()["results"][0]["decision"]

        w.push(w.market, {"item": "org_registration", **_registration()})
        assert check() == "clear"  # warms the other process's snapshot
        w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
        assert check() == "intercept"


def _registration() -> dict:
    from fixtures.helpers import catalog_record

    record = catalog_record("org_registration", "reg", org(ACME))
    del record["item"]
    return record


# --- feedback ---------------------------------------------------------------------------------


def _intercepted(w: World) -> str:
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    return w.check("government_procurement", ACME, GAMMA).json()["check_id"]


def test_feedback_is_recorded_once_and_counted(w: World) -> None:
    check_id = _intercepted(w)
    item = {"subject": ACME, "measure": "restrict_government_procurement", "applied": True}
    first = w.client.post(
        f"/api/v1/checks/{check_id}/feedback", json={"items": [item]}, headers=w.user.headers
    )
    assert first.status_code == 200, first.text
    assert first.json() == {"check_id": check_id, "recorded": 1, "repeated": 0}
    again = w.client.post(
        f"/api/v1/checks/{check_id}/feedback", json={"items": [item]}, headers=w.user.headers
    )
    assert again.json() == {"check_id": check_id, "recorded": 0, "repeated": 1}
    rates = w.client.get("/api/v1/feedback/rates", headers=w.authority.headers).json()
    finance = next(d for d in rates["departments"] if d["department"] == "finance")
    assert (finance["shown"], finance["answered"], finance["applied"]) == (1, 1, 1)
    assert finance["feedback_rate"] == 1.0
    measure = next(
        m for m in rates["measures"] if m["measure"] == "restrict_government_procurement"
    )
    assert measure["applied"] == 1


def test_feedback_on_another_departments_check_is_forbidden(w: World) -> None:
    check_id = _intercepted(w)
    item = {"subject": ACME, "measure": "restrict_government_procurement", "applied": True}
    answer = w.client.post(
        f"/api/v1/checks/{check_id}/feedback", json={"items": [item]}, headers=w.market.headers
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "not_your_check"


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (
            {"subject": GAMMA, "measure": "restrict_government_procurement", "applied": True},
            "not_in_check",
        ),
        ({"subject": ACME, "measure": "restrict_flights", "applied": True}, "not_in_check"),
        (
            {"subject": ACME, "measure": "restrict_government_procurement", "applied": False},
            "missing_reason",
        ),
    ],
)
def test_feedback_must_answer_what_the_check_showed(w: World, item: dict, code: str) -> None:
    check_id = _intercepted(w)
    answer = w.client.post(
        f"/api/v1/checks/{check_id}/feedback", json={"items": [item]}, headers=w.user.headers
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["field"].startswith("items[0]")


def test_feedback_on_an_unknown_check(w: World) -> None:
    item = {"subject": ACME, "measure": "restrict_government_procurement", "applied": True}
    answer = w.client.post(
        "/api/v1/checks/42/feedback", json={"items": [item]}, headers=w.user.headers
    )
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "unknown_check"


def test_a_revoked_token_stops_checking_at_once(w: World) -> None:
    from xinyong.core.crypto import token_hash
    from xinyong.departments.service import revoke_token
    from xinyong.models import ApiToken

    assert w.check("bidding", ACME).status_code == 200  # the token is now cached
    with w.db.transaction() as session:
        token = session.execute(
            select(ApiToken).where(ApiToken.token_hash == token_hash(w.user.token))
        ).scalar_one()
        revoke_token(session, token.id, actor="test", now=w.clock.now())
    answer = w.check("bidding", ACME)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


def test_a_large_batch_is_decided_like_single_checks(w: World) -> None:
    """Large batches take the threaded path on PostgreSQL; the answers must not differ."""
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    w.list_entry(w.tax, "tax_a_grade", org(BETA, "南京乙公司"), "r")
    keys = [ACME, BETA, GAMMA, CITIZEN] * 20
    batch = w.check("bidding", *keys).json()
    assert len(batch["results"]) == 80
    singles = {k: w.check("bidding", k).json()["results"][0] for k in (ACME, BETA, GAMMA, CITIZEN)}
    for got in batch["results"]:
        assert got == singles[got["key"]]
    assert batch["decisions"] == {"intercept": 20, "facilitate": 20, "clear": 40}
