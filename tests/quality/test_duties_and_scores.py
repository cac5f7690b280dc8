"""The update-cycle monitor (issue 18 part 3 § 1): every item a provider must send, overdue by
its update cycle from its last push — or from the department's creation —, becomes one task on
the provider's queue, at most one per item, closed once a push or a 零报送 arrives; the month's
quality score per provider (§ 3) and the rules as data (§ 2, § 4)."""

from __future__ import annotations

from quality_world import REGISTERED, QualityWorld
from sqlalchemy import select

from fixtures.lists import ACME, org
from xinyong.catalog.duties import duties
from xinyong.catalog.service import default_catalog
from xinyong.jobs import run_jobs
from xinyong.models import OverdueDuty, QualityRun, Task
from xinyong.quality.ruleset import default_rule_set
from xinyong.quality.service import findings_counts, provider_scores
from xinyong.records.service import CollectionContext

DAILY = {"daily", "realtime"}


def owed_daily(sector: str) -> set[str]:
    return {i.code for i in duties(default_catalog().items, sector) if i.update_cycle in DAILY}


def open_duties(qw: QualityWorld, code: str) -> dict[str, dict]:
    caller = {"amr": qw.market, "tax": qw.tax, "court": qw.court}[code]
    answer = qw.client.get("/api/v1/quality/duties", headers=caller.headers)
    assert answer.status_code == 200, answer.text
    return {d["item"]: d for d in answer.json()["duties"]}


def update_tasks(qw: QualityWorld, caller, state: str = "open") -> list[dict]:  # type: ignore[no-untyped-def]
    answer = qw.client.get(
        "/api/v1/tasks", params={"kind": "update_overdue", "state": state}, headers=caller.headers
    )
    return answer.json()["tasks"]


class TestTheUpdateCycle:
    def test_a_daily_item_never_pushed_is_overdue_the_second_working_day_after_creation(
        self, qw: QualityWorld
    ) -> None:
        # Created Monday 2026-06-15: the first push of a daily item is due by Tuesday 16th.
        qw.pass_days(1)
        assert qw.check().duties_opened == 0
        qw.pass_days(1)
        run = qw.check()
        mine = open_duties(qw, "amr")
        assert set(mine) == owed_daily("market_regulation")
        assert run.duties_opened == sum(
            len(owed_daily(s)) for s in ("market_regulation", "tax", "court")
        )
        duty = mine["administrative_penalty"]
        assert (duty["due_by"], duty["last_push_on"], duty["pushed_before"]) == (
            "2026-06-16",
            "2026-06-15",
            False,
        )
        tasks = update_tasks(qw, qw.market)
        assert len(tasks) == len(mine)
        assert {t["procedure"] for t in tasks} == {"quality_duty"}
        assert "逾期未报送：行政处罚信息（应于 2026-06-16 前报送）" in {t["title"] for t in tasks}
        # At most one open per provider and item, however often the monitor runs.
        assert qw.check().duties_opened == 0
        assert len(update_tasks(qw, qw.market)) == len(mine)

    def test_a_push_closes_the_duty_at_the_next_run(self, qw: QualityWorld) -> None:
        qw.pass_days(2)
        qw.check()
        assert "org_registration" in open_duties(qw, "amr")
        qw.record(qw.market, "org_registration", org(ACME, REGISTERED), "reg", name=REGISTERED)
        run = qw.check()
        assert run.duties_closed == 1
        assert "org_registration" not in open_duties(qw, "amr")
        with qw.db.transaction() as session:
            row = session.execute(
                select(OverdueDuty).where(
                    OverdueDuty.item_code == "org_registration",
                    OverdueDuty.provider_id == qw.department_id("amr"),
                )
            ).scalar_one()
            task = session.execute(
                select(Task).where(Task.procedure_id == row.id, Task.kind == "update_overdue")
            ).scalar_one()
        assert (row.closed_how, task.closed_at is not None) == ("push", True)

    def test_a_nil_return_counts_as_a_push_and_closes_the_duty_at_once(
        self, qw: QualityWorld
    ) -> None:
        qw.pass_days(2)
        qw.check()
        filed = qw.client.post(
            "/api/v1/records/nil-returns",
            json={"item_code": "administrative_penalty", "note": "本期无处罚"},
            headers=qw.market.headers,
        )
        assert filed.status_code == 201, filed.text
        body = filed.json()
        assert (body["period_from"], body["period_to"], body["duties_closed"]) == (
            "2026-06-17",
            "2026-06-17",
            1,
        )
        assert "administrative_penalty" not in open_duties(qw, "amr")
        closed = update_tasks(qw, qw.market, "closed")
        assert [t["title"] for t in closed] == [
            "逾期未报送：行政处罚信息（应于 2026-06-16 前报送）"
        ]
        # The next day's run counts it as the item's last push: due again by the 18th.
        qw.pass_days(1)
        qw.check()
        assert "administrative_penalty" not in open_duties(qw, "amr")

    def test_a_nil_return_is_only_for_an_item_owed(self, qw: QualityWorld) -> None:
        refused = qw.client.post(
            "/api/v1/records/nil-returns",
            json={"item_code": "court_judgment_defaulter"},
            headers=qw.market.headers,
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, "not_owed")
        not_provider = qw.client.post(
            "/api/v1/records/nil-returns",
            json={"item_code": "administrative_penalty"},
            headers=qw.user.headers,
        )
        assert not_provider.status_code == 403

    def test_the_daily_job_runs_once_a_day_under_its_lock(self, qw: QualityWorld) -> None:
        qw.pass_days(2)
        qw.penalty(qw.market, "p-1", ACME, REGISTERED)
        ctx = CollectionContext(qw.db)
        first = run_jobs(qw.db, qw.clock, ctx)
        assert first["quality_findings"] == 1  # the legal representative missing
        assert first["quality_duties_overdue"] > 0
        qw.penalty(qw.market, "p-2", ACME, REGISTERED)
        again = run_jobs(qw.db, qw.clock, ctx)
        assert (again["quality_findings"], again["quality_duties_overdue"]) == (0, 0)
        qw.pass_days(1)
        assert run_jobs(qw.db, qw.clock, ctx)["quality_findings"] == 1  # the next day: p-2
        with qw.db.transaction() as session:
            kinds = session.execute(select(QualityRun.kind)).scalars().all()
        assert kinds == ["daily", "daily"]


class TestScores:
    def test_scores_weigh_open_findings_and_overdue_items(self, qw: QualityWorld) -> None:
        qw.penalty(qw.market, "p-1", ACME, REGISTERED)  # general: 1 point per 1,000 records
        qw.check()
        answer = qw.client.get(
            "/api/v1/quality/scores", params={"month": "2026-06"}, headers=qw.authority.headers
        )
        assert answer.status_code == 200, answer.text
        scores = {s["department"]: s for s in answer.json()["scores"]}
        assert scores["amr"]["score"] == 99.0
        assert scores["amr"]["open_findings"] == {"general": 1}
        assert scores["amr"]["findings_by_rule"] == {"dual_publicity_fields_empty": 1}
        assert scores["tax"]["score"] == 100.0
        # Two days on, every daily item of the tax bureau is overdue: a point each.
        qw.clock.advance(days=2)
        qw.check()
        now = qw.client.get("/api/v1/quality/scores", headers=qw.tax.headers).json()
        assert [s["department"] for s in now["scores"]] == ["tax"]
        assert now["scores"][0]["score"] == 100.0 - len(owed_daily("tax"))
        with qw.db.transaction() as session:
            by_id = provider_scores(session, "2026-06")
            counts = findings_counts(session, "2026-06")
        assert by_id[qw.department_id("amr")] == 99.0 - len(owed_daily("market_regulation"))
        assert counts == {qw.department_id("amr"): {"dual_publicity_fields_empty": 1}}

    def test_a_month_is_as_of_its_end(self, qw: QualityWorld) -> None:
        qw.penalty(qw.market, "p-1", ACME, REGISTERED)
        qw.check()
        [found] = qw.findings(qw.market)
        qw.clock.advance(days=20)  # July
        qw.client.post(
            f"/api/v1/quality/findings/{found['id']}/confirmation",
            json={"reason": "核实无误"},
            headers=qw.market.headers,
        )
        with qw.db.transaction() as session:
            june, july = provider_scores(session, "2026-06"), provider_scores(session, "2026-07")
        amr = qw.department_id("amr")
        assert june[amr] < july[amr]  # open at the end of June, settled in July

    def test_a_bad_month_is_refused(self, qw: QualityWorld) -> None:
        answer = qw.client.get(
            "/api/v1/quality/scores", params={"month": "2026-13"}, headers=qw.authority.headers
        )
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "invalid_month")


class TestRulesAsData:
    def test_the_authority_publishes_a_new_version(self, qw: QualityWorld) -> None:
        shipped = qw.client.get("/api/v1/quality/rules", headers=qw.market.headers).json()
        assert shipped["version"] == 1 and len(shipped["rules"]) == 5
        data = default_rule_set().model_dump(mode="json")
        data["rules"][4]["enabled"] = False  # no 双公示 fields check
        assert (
            qw.client.put("/api/v1/quality/rules", json=data, headers=qw.market.headers).status_code
            == 403
        )
        answer = qw.client.put("/api/v1/quality/rules", json=data, headers=qw.authority.headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["version"] == 2
        qw.penalty(qw.market, "p-1", ACME, REGISTERED)
        assert "dual_publicity_fields_empty" not in qw.check().found

    def test_items_and_fields_are_the_catalogs(self, qw: QualityWorld) -> None:
        data = default_rule_set().model_dump(mode="json")
        data["rules"][1]["check"]["items"] = ["no_such_item"]
        answer = qw.client.put("/api/v1/quality/rules", json=data, headers=qw.authority.headers)
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "unknown_item")
        data = default_rule_set().model_dump(mode="json")
        data["rules"][4]["check"]["fields"]["penalty"].append("no_such_field")
        answer = qw.client.put("/api/v1/quality/rules", json=data, headers=qw.authority.headers)
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "unknown_field")
