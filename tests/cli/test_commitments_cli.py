"""`xinyong commitments load|show`, run as an operator would: the commitment item list published
from a file (what changed, or one line per bad item and field and nothing stored) and shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from xinyong.commitments.items import default_commitment_items

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MISSING = "enterprise_registration_missing"
HEADERS = ("类型", "事项", "受理部门", "依据", "是否公开", "核查期限", "违诺后果")


def items_file(tmp_path: Path, data: dict, name: str = "items.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def default_data() -> dict:
    return default_commitment_items().model_dump(mode="json")


def published(client) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {i["code"]: i for i in client.get("/api/v1/commitment-items").json()}


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that no header is wrapped (a pipe's console is 80 wide)."""
    from xinyong.cli.common import console

    monkeypatch.setattr(console, "width", 200)


def test_show_lists_the_items_in_chinese(run, wide) -> None:  # type: ignore[no-untyped-def]
    result = run("commitments", "show")
    assert result.exit_code == 0, result.output
    for header in HEADERS:
        assert header in result.output
    for spec in default_commitment_items().items:
        assert spec.code in result.output
    assert "容缺受理型" in result.output and "10 个工作日" in result.output
    assert "missing_documents" not in result.output and "market_regulation" not in result.output
    machine = {i["code"]: i for i in json.loads(run("commitments", "show", "--json").output)}
    assert set(machine) == {spec.code for spec in default_commitment_items().items}
    assert machine[MISSING]["type"] == "missing_documents"
    assert machine[MISSING]["verification"] == {
        "method": "在期限内补齐容缺材料",
        "days": 10,
        "day_kind": "working",
    }
    assert machine[MISSING]["version"] == 1 and machine[MISSING]["template_version"] == 1


def test_load_tells_what_changed_and_show_gives_the_text_history(
    run, client, tmp_path, wide
) -> None:  # type: ignore[no-untyped-def]
    data = default_data()
    by_code = {i["code"]: i for i in data["items"]}
    by_code[MISSING]["template"] += "\n（2027年修订）"
    by_code["project_filing_missing"]["verification"]["days"] = 12  # revised, same text
    retired = data["items"].pop()["code"]
    added = dict(by_code[MISSING], code="enterprise_registration_missing_b", name="新增事项")
    data["items"].append(added)
    result = run("commitments", "load", items_file(tmp_path, data))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "新增的事项：enterprise_registration_missing_b" in lines
    assert f"修订的事项：{MISSING}、project_filing_missing" in lines
    assert f"停用的事项：{retired}" in lines
    assert (
        f"新的格式文本版本：{MISSING} 第 2 版、enterprise_registration_missing_b 第 1 版" in lines
    )
    items = published(client)
    assert retired not in items and items[MISSING]["template_version"] == 2
    assert items["project_filing_missing"]["verification"]["days"] == 12
    # The same file again: nothing changes.
    again = run("commitments", "load", items_file(tmp_path, data), "--json")
    assert json.loads(again.output) == {"added": [], "revised": [], "retired": [], "texts": []}
    assert run("commitments", "load", items_file(tmp_path, data)).output.strip() == (
        "承诺事项清单没有变化"
    )

    shown = run("commitments", "show", MISSING)
    assert shown.exit_code == 0, shown.output
    assert "第 2 版，现行" in shown.output and "格式文本版本沿革" in shown.output
    assert "（2027年修订）" in shown.output and "在期限内补齐容缺材料" in shown.output
    whole = json.loads(run("commitments", "show", MISSING, "--json").output)
    assert [t["version"] for t in whole["templates"]] == [1, 2]
    assert whole["template"] == whole["templates"][-1]["text"]
    assert whole["template"].endswith("（2027年修订）") and whole["active"] is True
    # A retired item is still shown whole: commitments signed under it keep it.
    gone = json.loads(run("commitments", "show", retired, "--json").output)
    assert gone["active"] is False and gone["code"] == retired
    assert "已停用" in run("commitments", "show", retired).output


def test_a_bad_file_is_told_by_item_and_field_and_nothing_is_stored(run, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = published(client)
    data = default_data()
    data["items"][0]["sector"] = "nowhere"
    data["items"][1]["verification"]["days"] = 0
    data["items"][3]["breach"]["severity"] = "grave"
    data["items"][4]["template"] += "{applicant}"
    data["items"][5]["verification"] = None
    del data["items"][6]["legal_basis"]
    result = run("commitments", "load", items_file(tmp_path, data))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 7, result.output  # one line each, and the summary
    codes = [i["code"] for i in data["items"]]
    expected = [
        (0, "受理部门", "items[0].sector"),
        (1, "核查期限·天数", "items[1].verification.days"),
        (3, "违诺后果·失信程度", "items[3].breach.severity"),
        (4, "格式文本", "items[4].template"),
        (5, "核查期限", "items[5].verification"),
        (6, "依据", "items[6].legal_basis"),
    ]
    for line, (index, field, path) in zip(lines, expected, strict=False):
        assert line.startswith("invalid_commitment_item ")
        assert f"第 {index + 1} 项（{codes[index]}）的{field}：" in line, line
        assert f"({path}: " in line, line
    assert "行业代码 nowhere 不存在" in lines[0]
    assert "不认识的占位符：applicant" in lines[3]
    assert "告知承诺和容缺受理须写明核查方式和期限" in lines[4]
    assert "必填" in lines[5]
    assert lines[-1].startswith("invalid_request ") and "6 处错误" in lines[-1]
    assert published(client) == before


def test_a_refusal_of_the_service_is_one_line_with_its_field(run, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = published(client)
    data = default_data()
    data["items"][2]["breach"]["item"] = "administrative_licensing"  # not negative
    data["items"][0]["template"] += "（修订）"  # would be a new text, were the list published
    result = run("commitments", "load", items_file(tmp_path, data))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("unknown_breach_item items[2].breach.item: ")
    assert CHINESE.search(lines[0])
    assert published(client) == before


@pytest.mark.parametrize(
    "args, code",
    [
        (["commitments", "load", "{broken}"], "malformed_json"),
        (["commitments", "load", "{empty}"], "invalid_commitment_item"),
        (["commitments", "show", "no_such_item"], "unknown_commitment_item"),
        (["commitments", "load", "no_such_file.json"], "invalid_usage"),
    ],
    ids=["not json", "no items", "unknown code", "missing file"],
)
def test_other_refusals(run, tmp_path, args, code) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "empty.json").write_text('{"items": []}', encoding="utf-8")
    files = {"broken": str(tmp_path / "broken.json"), "empty": str(tmp_path / "empty.json")}
    result = run(*(a.format_map(files) for a in args))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    first = result.output.strip().splitlines()[0]
    assert first.split()[0] == code and CHINESE.search(first), result.output
