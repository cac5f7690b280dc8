"""A draw is reproduced from its seed and its population snapshot: by the platform from what it
kept, and by anyone with the snapshot file, offline, through the command line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from inspection_world import NANJING, InspectionWorld

# The plan's ratios as the command line takes them (the same as the plan's below).
RATIOS = ("--ratio", "high=40", "--ratio", "low=10", "--ratio", "ordinary=20")


def _draw_of_a_graded_population(iw: InspectionWorld) -> tuple[str, dict]:
    codes = iw.subjects(NANJING, 60)
    for code in codes[:12]:
        iw.grade(code, "D")
    for code in codes[12:30]:
        iw.grade(code, "A")
    iw.pool(iw.w.market, 5, conflicts={0: codes[:3]})
    return iw.drawn_plan(ratios={"high": "40", "low": "10", "ordinary": "20"})


class TestReproduce:
    def test_the_platform_makes_the_draw_again_from_what_it_kept(self, iw: InspectionWorld) -> None:
        plan_id, _ = _draw_of_a_graded_population(iw)
        answer = iw.client.get(
            f"/api/v1/inspections/plans/{plan_id}/draw/verification",
            headers=iw.w.authority.headers,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "plan_id": plan_id,
            "snapshot_sha256": answer.json()["snapshot_sha256"],
            "snapshot_matches": True,
            "subjects_match": True,
            "inspectors_match": True,
        }

    def test_anyone_with_the_snapshot_reproduces_the_subjects_offline(
        self, iw: InspectionWorld, run, tmp_path: Path
    ) -> None:  # type: ignore[no-untyped-def]
        plan_id, draw = _draw_of_a_graded_population(iw)
        population = iw.client.get(
            f"/api/v1/inspections/plans/{plan_id}/population", headers=iw.w.tax.headers
        )
        assert population.status_code == 200
        assert population.headers["content-type"].startswith("text/csv")
        snapshot = tmp_path / "population.csv"
        snapshot.write_bytes(population.content)
        # The published hash is the file's SHA-256.
        published = iw.client.get(f"/api/v1/inspections/plans/{plan_id}/draw").json()
        assert hashlib.sha256(population.content).hexdigest() == published["snapshot_sha256"]
        assert population.content.startswith(b"credit_code,class\n")
        # The seed, the hash and the ratios are public; the subjects come out the same.
        result = run(
            "inspections",
            "reproduce",
            "--population",
            str(snapshot),
            "--seed",
            published["seed"],
            "--sha256",
            published["snapshot_sha256"],
            *RATIOS,
            "--json",
        )
        assert result.exit_code == 0, result.output
        offline = json.loads(result.stdout)
        assert [s["credit_code"] for s in offline["subjects"]] == sorted(
            s["credit_code"] for s in draw["subjects"]
        )
        assert offline["strata"] == {
            "high": {"size": 12, "drawn": 5},
            "low": {"size": 18, "drawn": 2},
            "ordinary": {"size": 30, "drawn": 6},
        }

    def test_the_inspectors_are_reproduced_with_the_pool_file(
        self, iw: InspectionWorld, run, tmp_path: Path
    ) -> None:  # type: ignore[no-untyped-def]
        plan_id, _ = _draw_of_a_graded_population(iw)
        snapshot, pool = tmp_path / "p.csv", tmp_path / "pool.json"
        exported = run(
            "inspections", "population", plan_id, "--out", str(snapshot), "--pool-out", str(pool)
        )
        assert exported.exit_code == 0, exported.output
        draw = iw.client.get(
            f"/api/v1/inspections/plans/{plan_id}/draw", headers=iw.w.market.headers
        ).json()
        ids = {
            i["id"]: i["badge_number"]
            for i in iw.client.get("/api/v1/inspections/pool", headers=iw.w.market.headers).json()
        }
        result = run(
            "inspections",
            "reproduce",
            "--population",
            str(snapshot),
            "--pool",
            str(pool),
            "--seed",
            draw["seed"],
            *RATIOS,
            "--json",
        )
        assert result.exit_code == 0, result.output
        offline = {
            s["credit_code"]: sorted(ids[str(i)] for i in s["inspectors"]["amr"])
            for s in json.loads(result.stdout)["subjects"]
        }
        stored = {
            s["credit_code"]: sorted(i["badge_number"] for i in s["inspectors"])
            for s in draw["subjects"]
        }
        assert offline == stored

    def test_a_tampered_snapshot_is_told(self, iw: InspectionWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        plan_id, _ = _draw_of_a_graded_population(iw)
        published = iw.client.get(f"/api/v1/inspections/plans/{plan_id}/draw").json()
        snapshot = tmp_path / "p.csv"
        assert run("inspections", "population", plan_id, "--out", str(snapshot)).exit_code == 0
        lines = snapshot.read_bytes().split(b"\n")
        lines[1] = lines[1].replace(b",ordinary", b",low").replace(b",high", b",low")
        snapshot.write_bytes(b"\n".join(lines))
        result = run(
            "inspections",
            "reproduce",
            "--population",
            str(snapshot),
            "--seed",
            published["seed"],
            "--sha256",
            published["snapshot_sha256"],
            "--ratio",
            "low=3",
        )
        assert result.exit_code == 1
        assert "snapshot_mismatch" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1

    def test_reproduce_by_plan_from_the_database(self, iw: InspectionWorld, run) -> None:  # type: ignore[no-untyped-def]
        plan_id, _ = _draw_of_a_graded_population(iw)
        result = run("inspections", "reproduce", plan_id)
        assert result.exit_code == 0, result.output
        assert "抽中主体 一致" in result.stdout and "检查人员 一致" in result.stdout
