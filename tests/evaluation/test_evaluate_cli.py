"""`xinyong evaluate load|run|extract|show` as an operator runs them: the platform's day fixed
at 2026-06-15 (XINYONG_FIXED_TODAY), subjects made through the API."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from evaluation_world import small

from fixtures.helpers import org, penalty
from fixtures.lists import ACME, BETA, World, make_world

TODAY = {"XINYONG_FIXED_TODAY": "2026-06-15"}


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    world = make_world(client, db, clock)
    world.push(world.market, penalty("p2", BETA, "南京乙公司"))
    world.list_entry(world.court, "court_judgment_defaulters", org(ACME), "black")
    return world


def model_file(tmp_path: Path, **over: object) -> Path:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(small(**over), ensure_ascii=False), encoding="utf-8")
    return path


def one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


class TestLoad:
    def test_the_default_model_is_published_once(self, run) -> None:  # type: ignore[no-untyped-def]
        first = run("evaluate", "load", "--default", **TODAY)
        assert first.exit_code == 0, first.output
        assert "public_credit_org 第 1 版）已发布" in first.output
        assert "5 个一级指标" in first.output
        again = run("evaluate", "load", "--default", **TODAY)
        assert again.exit_code == 0 and "已载入，未重复发布" in again.output

    def test_a_file_is_published_and_shown(self, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
        loaded = run("evaluate", "load", str(model_file(tmp_path)), "--json", **TODAY)
        assert loaded.exit_code == 0, loaded.output
        assert json.loads(loaded.output)["status"] == "published"
        shown = run("evaluate", "show", **TODAY)
        assert "法人和非法人组织的评价模型：small 第 1 版（2026-06-15 起）" in shown.output
        assert "自然人的评价模型：无" in shown.output

    def test_overlapping_bands_are_one_line_naming_them(self, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
        bands = [
            {"grade": "A", "min": 1010},
            {"grade": "B", "min": 990, "max": 1020},
            {"grade": "C", "min": 950, "max": 990},
            {"grade": "D", "max": 950},
        ]
        refused = run("evaluate", "load", str(model_file(tmp_path, bands=bands)), **TODAY)
        assert refused.exit_code == 1
        line = one_line(refused.output)
        assert line.startswith("band_overlap ") and "B（990–1020）、A（1010–+∞）" in line
        assert "自然人" not in line
        assert "small" not in run("evaluate", "show", **TODAY).output

    def test_an_unknown_item_is_one_line(self, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
        data = small()
        data["dimensions"][0]["indicators"][0]["source"]["items"] = ["no_such_item"]
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        refused = run("evaluate", "load", str(path), **TODAY)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("unknown_item ")

    def test_a_retroactive_model_is_refused(self, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
        path = model_file(tmp_path, effective_from="2026-06-14")
        refused = run("evaluate", "load", str(path), **TODAY)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("model_retroactive ")

    def test_a_file_not_in_the_format_is_one_line(self, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
        refused = run("evaluate", "load", str(model_file(tmp_path, base="lots")), **TODAY)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("invalid_request ")

    def test_a_file_or_default_is_needed(self, run) -> None:  # type: ignore[no-untyped-def]
        refused = run("evaluate", "load", **TODAY)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("invalid_usage ")


class TestRun:
    def test_without_a_model_in_force(self, run) -> None:  # type: ignore[no-untyped-def]
        refused = run("evaluate", "run", **TODAY)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("no_model_in_force ")

    def test_an_unknown_engine(self, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
        run("evaluate", "load", str(model_file(tmp_path)), **TODAY)
        refused = run("evaluate", "run", "--engine", "excel", **TODAY)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("unknown_engine ")

    def test_a_run_then_the_subject_explained(self, run, w, tmp_path) -> None:  # type: ignore[no-untyped-def]
        run("evaluate", "load", str(model_file(tmp_path)), **TODAY)
        done = run("evaluate", "run", **TODAY)
        assert done.exit_code == 0, done.output
        assert "主体 2 个，等级变化 2 个" in done.output
        assert "差 1" in done.output and "无上次全量评价可比" in done.output
        again = json.loads(run("evaluate", "run", "--json", **TODAY).output)
        assert (again[0]["changed"], again[0]["psi"]) == (0, 0.0)
        shown = run("evaluate", "show", ACME, **TODAY)
        assert shown.exit_code == 0, shown.output
        assert "因列入严重失信主体名单由中（C）降为等级 差（D）" in shown.output
        assert "合计" in shown.output
        explained = json.loads(run("evaluate", "show", ACME, "--json", **TODAY).output)
        total = sum(Decimal(i["points"]) for i in explained["indicators"])
        assert Decimal(explained["base"]) + total == Decimal(explained["score"])
        summary = run("evaluate", "show", **TODAY)
        assert "现有等级：优 0、良 1、中 0、差 1" in summary.output

    def test_a_run_from_an_extract_gives_the_same_grades(self, run, w, tmp_path) -> None:  # type: ignore[no-untyped-def]
        run("evaluate", "load", str(model_file(tmp_path)), **TODAY)
        run("evaluate", "run", **TODAY)
        folder = tmp_path / "extract"
        written = run("evaluate", "extract", str(folder), **TODAY)
        assert written.exit_code == 0, written.output
        assert "已写出 2 个主体的评价数据" in written.output
        assert sorted(p.name for p in folder.iterdir())[0] == "commitments.parquet"
        again = json.loads(
            run("evaluate", "run", "--extract", str(folder), "--json", **TODAY).output
        )
        assert again[0]["changed"] == 0

    def test_show_of_a_subject_without_a_model(self, run, w) -> None:  # type: ignore[no-untyped-def]
        refused = run("evaluate", "show", ACME, **TODAY)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("no_model_in_force ")
