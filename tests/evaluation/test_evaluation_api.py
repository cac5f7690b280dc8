"""/api/v1/evaluation as its callers use it, the incremental pass of `xinyong tick`, and an
objection to an evaluation result upheld and re-evaluated — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from evaluation_world import load, small, subject_id
from sqlalchemy import select

from fixtures.helpers import Caller, catalog_record, make_caller, org, penalty
from fixtures.lists import ACME, BETA, World, make_world
from xinyong.core.clock import SHANGHAI
from xinyong.evaluation.runs import run_evaluation
from xinyong.models import AuditEntry, EvaluationRun, Role, RunState

E = "/api/v1/evaluation"


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    world = make_world(client, db, clock)
    world.push(world.market, penalty("p1", BETA, "南京乙公司"))
    world.push(world.market, penalty("p2", ACME, "南京甲公司"))
    load(db, clock, small())
    return world


def full_run(w: World) -> list[dict[str, Any]]:
    answer = w.client.post(f"{E}/runs", json={}, headers=w.authority.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def subject_caller(w: World, key: str) -> Caller:
    return make_caller(w.db, w.clock, role=Role.subject, subject_id=subject_id(w.db, key))


def result(w: World, key: str, caller: Caller | None = None, **params: str) -> Any:
    return w.client.get(
        f"{E}/subjects/{key}",
        params={"purpose": "行政许可审查", **params},
        headers=(caller or w.authority).headers,
    )


def tick(w: World, run: Any) -> dict[str, Any]:
    today = w.clock.now().astimezone(SHANGHAI).date().isoformat()
    done = run("tick", "--json", XINYONG_FIXED_TODAY=today)
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


class TestModels:
    def test_listed_read_and_loaded_once_by_key(self, w: World) -> None:
        models = w.client.get(f"{E}/models", headers=w.user.headers).json()
        small_model = next(m for m in models if m["code"] == "small")
        assert small_model["in_force"] and small_model["status"] == "published"
        assert w.client.get(
            f"{E}/models", params={"applies_to": "natural_person"}, headers=w.user.headers
        ).json() == [m for m in models if m["applies_to"] == "natural_person"]
        one = w.client.get(f"{E}/models/{small_model['id']}", headers=w.market.headers).json()
        assert one["definition"]["bands"][0]["grade"] == "A"
        assert w.client.get(f"{E}/models/12345", headers=w.user.headers).status_code == 404

        body = small(version=2)
        key = {"Idempotency-Key": "model-small-2"}
        first = w.client.post(f"{E}/models", json=body, headers={**w.authority.headers, **key})
        assert first.status_code == 201, first.text
        again = w.client.post(f"{E}/models", json=body, headers={**w.authority.headers, **key})
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        # Without the key a second load of version 2 is not its code's next version.
        refused = w.client.post(f"{E}/models", json=body, headers=w.authority.headers)
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "model_version_not_next"

    def test_a_bad_model_is_422_with_its_code_and_only_the_authority_loads(self, w: World) -> None:
        bands = [
            {"grade": "A", "min": 1010},
            {"grade": "B", "min": 990, "max": 1020},
            {"grade": "C", "min": 950, "max": 990},
            {"grade": "D", "max": 950},
        ]
        answer = w.client.post(
            f"{E}/models", json=small(version=2, bands=bands), headers=w.authority.headers
        )
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "band_overlap"
        forbidden = w.client.post(f"{E}/models", json=small(version=2), headers=w.user.headers)
        assert forbidden.status_code == 403
        assert w.client.get(f"{E}/models").status_code == 401


class TestRunsAndResults:
    def test_a_full_run_grades_and_each_caller_reads_what_it_may(self, w: World) -> None:
        runs = full_run(w)
        assert runs[0]["kind"] == "full" and runs[0]["state"] == "done"
        listed = w.client.get(f"{E}/runs", headers=w.user.headers).json()
        assert listed[0]["id"] == runs[0]["id"]
        one = w.client.get(f"{E}/runs/{runs[0]['id']}", headers=w.authority.headers)
        assert one.json()["subjects"] == runs[0]["subjects"]
        assert w.client.get(f"{E}/runs/999", headers=w.authority.headers).status_code == 404
        assert w.client.post(f"{E}/runs", json={}, headers=w.user.headers).status_code == 403

        # A department reads with a purpose; without one, 422.
        beta = result(w, BETA, w.user)
        assert beta.status_code == 200, beta.text
        assert beta.json()["grade"] == "B" and beta.json()["score"] is not None
        assert beta.json()["points"]["penalties"] is not None
        bare = w.client.get(f"{E}/subjects/{BETA}", headers=w.user.headers)
        assert bare.status_code == 422 and bare.json()["error"]["code"] == "missing_purpose"
        # The subject reads its own; another subject and the public read nothing.
        own = w.client.get(f"{E}/subjects/{BETA}", headers=subject_caller(w, BETA).headers)
        assert own.status_code == 200 and own.json()["grade"] == "B"
        other = w.client.get(f"{E}/subjects/{BETA}", headers=subject_caller(w, ACME).headers)
        assert other.status_code == 403
        assert other.json()["error"]["code"] == "result_not_public"
        assert w.client.get(f"{E}/subjects/{BETA}").status_code == 403

        history = w.client.get(
            f"{E}/subjects/{BETA}/history", params={"purpose": "审查"}, headers=w.user.headers
        ).json()
        assert [c["grade"] for c in history["changes"]] == ["B"]
        assert w.client.get(f"{E}/subjects/{BETA}/history").status_code == 401

        dist = w.client.get(f"{E}/distribution", headers=w.authority.headers).json()
        assert dist["total"] == runs[0]["subjects"] and len(dist["runs"]) == 1
        assert dist["runs"][0]["psi"] is None
        full_run(w)
        dist = w.client.get(f"{E}/distribution", headers=w.authority.headers).json()
        assert len(dist["runs"]) == 2 and dist["runs"][1]["drift"] == "stable"

    def test_the_explanation_sums_to_the_score_and_reads_are_logged(self, w: World) -> None:
        full_run(w)
        answer = w.client.get(
            f"{E}/subjects/{BETA}/explanation",
            params={"purpose": "信用审查"},
            headers=w.market.headers,
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        total = sum(float(i["points"]) for i in body["indicators"])
        assert round(float(body["base"]) + total, 2) == float(body["score"])
        # Every read of a result not published is in the audit log with its purpose (004 §14).
        with w.db.transaction() as session:
            logged = session.execute(
                select(AuditEntry.purpose, AuditEntry.detail).where(
                    AuditEntry.action == "evaluation.read"
                )
            ).all()
        assert ("信用审查", {"what": "explanation"}) in [(p, d) for p, d in logged]
        # Never the public's, nor another subject's.
        assert w.client.get(f"{E}/subjects/{BETA}/explanation").status_code == 401
        other = w.client.get(
            f"{E}/subjects/{BETA}/explanation", headers=subject_caller(w, ACME).headers
        )
        assert other.status_code == 403

    def test_the_public_reads_an_organisations_grade_where_grades_are_published(
        self, w: World, db
    ) -> None:  # type: ignore[no-untyped-def]
        full_run(w)
        db.settings.evaluation_public_grades = True
        try:
            public = w.client.get(f"{E}/subjects/{BETA}")
        finally:
            db.settings.evaluation_public_grades = False
        assert public.status_code == 200
        assert public.json()["grade"] == "B" and public.json()["score"] is None
        assert public.json()["points"] is None

    def test_a_run_while_another_holds_the_lock_is_409(self, w: World) -> None:
        if w.db.dialect == "sqlite":
            # A run holds SQLite's one write lock, which every request waits behind; what a
            # request sees is a run marked running — here one a killed process left behind,
            # taken for one for six hours.
            started = w.clock.now() - timedelta(hours=1)
            with w.db.transaction() as session:
                session.add(
                    EvaluationRun(id=w.db.ids.next_id(), model_id=1, kind="full",
                                  engine="duckdb", as_of=started.date(), state=RunState.running,
                                  started_by="killed", started_at=started, subjects=0, changed=0)
                )  # fmt: skip
            busy = w.client.post(f"{E}/runs", json={}, headers=w.authority.headers)
            assert busy.status_code == 409, busy.text
            assert busy.json()["error"]["code"] == "run_in_progress"
            w.clock.advance(hours=6)
            assert full_run(w)[0]["state"] == "done"
            return
        answers = []

        def during(phase: str) -> None:
            if phase == "读取信用档案":
                answers.append(w.client.post(f"{E}/runs", json={}, headers=w.authority.headers))

        run_evaluation(w.db, now=w.clock.now(), actor="test", on_phase=during)
        assert answers[0].status_code == 409
        assert answers[0].json()["error"]["code"] == "run_in_progress"
        # Once it is done, a run may start.
        assert full_run(w)[0]["state"] == "done"

    def test_not_evaluated_is_404(self, w: World) -> None:
        answer = result(w, BETA, w.user)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_evaluated"


class TestIncrementalPass:
    def test_a_subject_black_listed_today_is_graded_d_after_the_next_tick(
        self, w: World, run
    ) -> None:  # type: ignore[no-untyped-def]
        full_run(w)
        assert result(w, ACME).json()["grade"] != "D"
        w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "black")
        figures = tick(w, run)
        assert figures["subjects_re_evaluated"] >= 1 and figures["grades_changed"] >= 1
        after = result(w, ACME).json()
        assert after["grade"] == "D" and float(after["points"]["bad_lists"]) == -50
        # Nothing changed since: the next tick re-evaluates nobody.
        assert tick(w, run)["subjects_re_evaluated"] == 0
        kinds = [r["kind"] for r in w.client.get(f"{E}/runs", headers=w.user.headers).json()]
        assert "incremental" in kinds

    def test_records_collected_since_are_re_evaluated(self, w: World, run) -> None:  # type: ignore[no-untyped-def]
        full_run(w)
        before = result(w, BETA).json()["score"]
        w.push(w.market, penalty("p3", BETA, "南京乙公司", severity="severe"))
        assert tick(w, run)["subjects_re_evaluated"] == 1
        assert float(result(w, BETA).json()["score"]) < float(before)

    def test_a_record_revoked_on_objection_is_re_evaluated(self, w: World, run) -> None:  # type: ignore[no-untyped-def]
        full_run(w)
        before = float(result(w, BETA).json()["score"])
        record = w.record_id(BETA, "administrative_penalty")
        filed = w.client.post(
            "/api/v1/objections",
            json={"target": {"record": str(record)}, "ground": "wrong_or_incomplete",
                  "statement": "处罚已被撤销", "subject": BETA},
            headers=w.authority.headers,
        )  # fmt: skip
        assert filed.status_code == 201, filed.text
        oid = filed.json()["id"]
        decided = w.client.post(
            f"/api/v1/objections/{oid}/decision",
            json={"outcome": "upheld", "reason": "处罚决定已被撤销"},
            headers=w.authority.headers,
        )
        assert decided.status_code == 200, decided.text
        revoked = w.client.post(
            f"/api/v1/objections/{oid}/correction",
            json={"action": "revoke"},
            headers=w.authority.headers,
        )
        assert revoked.status_code == 200, revoked.text
        assert tick(w, run)["subjects_re_evaluated"] == 1
        after = result(w, BETA).json()
        assert float(after["score"]) > before and float(after["points"]["penalties"]) == 0

    def test_a_result_that_did_not_move_is_not_rewritten(self, w: World, run) -> None:  # type: ignore[no-untyped-def]
        full_run(w)
        before = result(w, BETA).json()
        civil = make_caller(w.db, w.clock, role=Role.provider, kind="civil_affairs", code="civil")
        # A record of an item the model does not read: BETA is read again, its result is not.
        w.push(civil, catalog_record("charitable_donation", "d-9", org(BETA, "南京乙公司")))
        assert tick(w, run)["subjects_re_evaluated"] == 1
        runs = w.client.get(f"{E}/runs", headers=w.user.headers).json()
        assert [r["subjects"] for r in runs if r["kind"] == "incremental"] == [1]
        after = result(w, BETA).json()
        assert after["run_id"] == before["run_id"] and after["score"] == before["score"]

    def test_without_a_full_run_the_first_pass_starts_from_now(self, w: World, run) -> None:  # type: ignore[no-untyped-def]
        first = tick(w, run)
        assert first["subjects_re_evaluated"] == 0
        # The tick's clock is the day given at the time of day it runs (XINYONG_FIXED_TODAY):
        # the record comes the next day, after the first pass whatever that time is.
        w.clock.advance(days=1)
        w.push(w.market, penalty("p4", BETA, "南京乙公司"))
        assert tick(w, run)["subjects_re_evaluated"] == 1
        assert result(w, BETA).json()["grade"] in ("A", "B", "C", "D")


class TestObjection:
    def test_an_objection_upheld_re_evaluates_and_closes_with_the_new_result(
        self, w: World, run
    ) -> None:  # type: ignore[no-untyped-def]
        full_run(w)
        acme = subject_caller(w, ACME)
        filed = w.client.post(
            "/api/v1/objections",
            json={
                "target": {"evaluation": "current"},
                "ground": "wrong_or_incomplete",
                "statement": "评价未反映最新情况",
            },
            headers=acme.headers,
        )
        assert filed.status_code == 201, filed.text
        obj = filed.json()
        assert obj["target_type"] == "evaluation"
        first = obj["steps"][0]["detail"]["result"]
        assert first["grade"] == result(w, ACME).json()["grade"]
        again = w.client.post(
            "/api/v1/objections",
            json={"target": {"evaluation": "current"}, "ground": "wrong_or_incomplete",
                  "statement": "再次"},
            headers=acme.headers,
        )  # fmt: skip
        assert again.status_code == 409 and again.json()["error"]["code"] == "objection_open"
        refer = w.client.post(
            f"/api/v1/objections/{obj['id']}/referral", headers=w.authority.headers
        )
        assert refer.status_code == 409 and refer.json()["error"]["code"] == "not_referable"
        # Meanwhile ACME is black-listed; the authority upholds the objection.
        w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "black")
        decided = w.client.post(
            f"/api/v1/objections/{obj['id']}/decision",
            json={"outcome": "upheld", "reason": "评价结果未反映最新信用档案"},
            headers=w.authority.headers,
        )
        assert decided.status_code == 200, decided.text
        assert decided.json()["state"] == "correction"
        fix = w.client.post(
            f"/api/v1/objections/{obj['id']}/correction",
            json={"action": "revoke"},
            headers=w.authority.headers,
        )
        assert fix.status_code == 409 and fix.json()["error"]["code"] == "re_evaluation_pending"
        assert tick(w, run)["evaluation_objections_closed"] == 1
        done = w.client.get(f"/api/v1/objections/{obj['id']}", headers=acme.headers).json()
        assert done["state"] == "closed" and done["outcome"] == "upheld"
        # (the tick's clock is the training day's, not the test's: find the step by name)
        last = next(s for s in done["steps"] if s["step"] == "re_evaluated")
        assert last["detail"]["grade"] == "D" and last["detail"]["grade_changed"] is True
        assert last["detail"]["previous_grade"] == first["grade"]

    def test_no_result_no_objection(self, w: World) -> None:
        answer = w.client.post(
            "/api/v1/objections",
            json={"target": {"evaluation": "current"}, "ground": "wrong_or_incomplete",
                  "statement": "无"},
            headers=subject_caller(w, ACME).headers,
        )  # fmt: skip
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_evaluated"


def test_openapi_has_the_evaluation_paths(api_document: dict) -> None:
    paths = api_document["paths"]
    for path in (
        "/api/v1/evaluation/models",
        "/api/v1/evaluation/models/{model_id}",
        "/api/v1/evaluation/runs",
        "/api/v1/evaluation/runs/{run_id}",
        "/api/v1/evaluation/subjects/{key}",
        "/api/v1/evaluation/subjects/{key}/explanation",
        "/api/v1/evaluation/subjects/{key}/history",
        "/api/v1/evaluation/distribution",
    ):
        assert path in paths, path
    post = paths["/api/v1/evaluation/runs"]["post"]
    assert "run_in_progress" in post["responses"]["409"]["description"]
