"""`xinyong inspections` as an operator runs it: rules, pool import, a plan made, published,
drawn and shown, overdue results; refusals in one line."""

from __future__ import annotations

import json
from pathlib import Path

from inspection_world import NANJING, InspectionWorld

# The platform's day in these runs (the tests' clock's).
TODAY = {"XINYONG_FIXED_TODAY": "2026-06-15"}


def _write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return str(path)


class TestOperator:
    def test_pool_plan_publish_draw_and_show(
        self, iw: InspectionWorld, run, tmp_path: Path
    ) -> None:  # type: ignore[no-untyped-def]
        iw.subjects(NANJING, 40)
        pool = {
            "inspectors": [
                {"badge_number": f"32010{n}", "name": f"检查员{n}", "fields": ["market_regulation"]}
                for n in range(3)
            ]
        }
        imported = run(
            "inspections",
            "pool",
            "import",
            _write(tmp_path, "pool.json", pool),
            "--department",
            "amr",
            **TODAY,
        )
        assert imported.exit_code == 0, imported.output
        assert "新增 3 人" in imported.stdout
        shown = run("inspections", "pool", "show", "--department", "amr", "--json", **TODAY)
        assert [i["badge_number"] for i in json.loads(shown.stdout)] == [
            "320100",
            "320101",
            "320102",
        ]

        made = run(
            "inspections",
            "plan",
            "create",
            _write(tmp_path, "plan.json", iw.plan_body()),
            "--department",
            "amr",
            "--json",
            **TODAY,
        )
        assert made.exit_code == 0, made.output
        plan_id = json.loads(made.stdout)["id"]
        assert (
            run("inspections", "plan", "publish", plan_id, "--department", "amr", **TODAY).exit_code
            == 0
        )
        drawn = run("inspections", "draw", plan_id, "--department", "amr", "--json", **TODAY)
        assert drawn.exit_code == 0, drawn.output
        result = json.loads(drawn.stdout)
        assert (result["population"], result["drawn"]) == (40, 2)
        assert result["strata"] == {"ordinary": {"size": 40, "ratio_bp": 500, "drawn": 2}}

        show = run("inspections", "plan", "show", plan_id, **TODAY)
        assert show.exit_code == 0
        assert "已抽取" in show.stdout and result["seed"] in show.stdout
        # The draw through the API names the operator's department and its inspectors.
        draw = iw.client.get(
            f"/api/v1/inspections/plans/{plan_id}/draw", headers=iw.w.market.headers
        ).json()
        assert len(draw["subjects"]) == 2

    def test_supervision_rules_shown_and_loaded(
        self, iw: InspectionWorld, run, tmp_path: Path
    ) -> None:  # type: ignore[no-untyped-def]
        shown = run("inspections", "supervision", "show", **TODAY)
        assert shown.exit_code == 0
        assert "信用风险高（D类）" in shown.stdout and "每年不少于2次" in shown.stdout
        rules = json.loads(run("inspections", "supervision", "show", "--json", **TODAY).stdout)
        loaded = run(
            "inspections",
            "supervision",
            "load",
            _write(tmp_path, "rules.json", {"fields": rules["fields"]}),
            "--effective-from",
            "2026-07-01",
            **TODAY,
        )
        assert loaded.exit_code == 0, loaded.output
        assert "第 1 版，自 2026-07-01 起施行" in loaded.stdout

    def test_overdue_for_the_authority(self, iw: InspectionWorld, run) -> None:  # type: ignore[no-untyped-def]
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 2)
        iw.drawn_plan()
        assert json.loads(run("inspections", "overdue", "--json", **TODAY).stdout) == []
        overdue = run("inspections", "overdue", "--json", XINYONG_FIXED_TODAY="2026-08-29")
        assert [o["state"] for o in json.loads(overdue.stdout)] == ["missing"]


class TestRefusals:
    def test_a_pool_too_small_is_one_line(self, iw: InspectionWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        iw.subjects(NANJING, 5)
        iw.pool(iw.w.market, 1)
        plan = iw.plan()
        iw.publish(plan["id"])
        result = run("inspections", "draw", plan["id"], "--department", "amr", **TODAY)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("pool_too_small")

    def test_a_plan_file_with_a_ratio_over_100(
        self, iw: InspectionWorld, run, tmp_path: Path
    ) -> None:  # type: ignore[no-untyped-def]
        iw.subjects(NANJING, 5)
        body = iw.plan_body(ratios={"low": "150"})
        result = run(
            "inspections",
            "plan",
            "create",
            _write(tmp_path, "p.json", body),
            "--department",
            "amr",
            **TODAY,
        )
        assert result.exit_code == 1
        assert result.stderr.startswith("ratio_over_100")

    def test_reproduce_needs_a_plan_or_the_files(self, run) -> None:  # type: ignore[no-untyped-def]
        result = run("inspections", "reproduce", **TODAY)
        assert result.exit_code == 1
        assert result.stderr.startswith("invalid_usage")

    def test_an_unknown_department(self, run) -> None:  # type: ignore[no-untyped-def]
        result = run("inspections", "pool", "show", "--department", "nobody", **TODAY)
        assert result.exit_code == 1
        assert result.stderr.startswith("department_not_found")
