"""`xinyong lists`, `xinyong measures` and `xinyong tick`, run as an operator would."""

from __future__ import annotations

import json

from fixtures.lists import ACME, make_world, org
from xinyong.lists.service import default_lists
from xinyong.measures.service import default_measures


def test_lists_show_names_every_list(run) -> None:  # type: ignore[no-untyped-def]
    result = run("lists", "show")
    assert result.exit_code == 0, result.output
    for spec in default_lists().lists:
        assert spec.code in result.output
    assert "红名单" in result.output and "black" not in result.output
    machine = {x["code"]: x for x in json.loads(run("lists", "show", "--json").output)}
    assert machine["court_judgment_defaulters"]["kind"] == "black"
    assert machine["court_judgment_defaulters"]["identifying_sector"] == "court"


def test_lists_load_revises_a_standard(run, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = default_lists().model_dump(mode="json")
    data["lists"][0]["standard"] += "（2027年修订）"
    path = tmp_path / "lists.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("lists", "load", str(path))
    assert result.exit_code == 0, result.output
    spec = data["lists"][0]
    assert f"已发布新增或修订的名单：{spec['code']}（{spec['name']}）" in result.output
    published = {x["code"]: x for x in client.get("/api/v1/lists").json()}
    assert published[data["lists"][0]["code"]]["standard"].endswith("（2027年修订）")


def test_measures_load_retires_what_is_left_out(run, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = default_measures().model_dump(mode="json")
    dropped = data["measures"].pop()["code"]
    path = tmp_path / "measures.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("measures", "load", str(path))
    assert result.exit_code == 0, result.output
    assert f"停用的措施：{dropped}" in result.output
    assert dropped not in {m["code"] for m in client.get("/api/v1/measures").json()}


def test_tick_expires_entries_once(run, client, db, clock) -> None:  # type: ignore[no-untyped-def]
    """The CLI runs on the real clock (2026-11-22 or later); the entry, listed on the test
    clock's 2026-06-16, was set to end on 2026-09-01."""
    w = make_world(client, db, clock)
    rid = w.basis(w.court, "court_judgment_defaulter", org(ACME), "1")
    entry = w.propose(w.court, "court_judgment_defaulters", ACME, [rid], listed_until="2026-09-01")
    w.pass_days(2)
    assert w.step(w.court, entry.json()["id"], "confirm").json()["listed_until"] == "2026-09-01"
    first = run("tick")
    assert first.exit_code == 0, first.output
    assert "期满退出名单的条目：1 条" in first.output
    assert json.loads(run("tick", "--json").output)["list_entries_expired"] == 0
    body = client.get(f"/api/v1/list-entries/{entry.json()['id']}", headers=w.court.headers)
    assert body.json()["exit_reason"] == "expiry"
