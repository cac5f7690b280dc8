"""The `xinyong` command, run as an operator would (typer's runner, real databases)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text

from fixtures.helpers import AUTHORITY_CODE, credit_code, penalty
from xinyong.core.audit import verify
from xinyong.models import AuditEntry, Department, Record, Subject

CATALOG = Path(__file__).parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
COMPANY = credit_code("91320100MA1XYW12Q")
OTHER = credit_code("91320500MA1PQR34N")


def import_file(db, path: Path, provider: str, clock, *, item: str | None, workers: int) -> dict:
    """The CLI's import with a chosen number of validation workers (the command picks them
    by file size: below 8 MiB, one)."""
    from xinyong.models import Channel
    from xinyong.records.importer import import_path

    return import_path(
        db,
        path,
        provider=provider,
        item=item,
        channel=Channel.same_level,
        actor="test",
        now=clock.now(),
        workers=workers,
    )


def penalty_labels() -> dict[str, str]:
    items = json.loads(CATALOG.read_text(encoding="utf-8"))["items"]
    item = next(i for i in items if i["code"] == "administrative_penalty")
    return {f["name"]: f["label"] for f in item["fields"]}


def write_penalty_csv(path: Path, rows: list[dict], encoding: str) -> None:
    labels = penalty_labels()
    names = list(rows[0]["fields"])
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "source_id",
                "统一社会信用代码",
                "主体名称",
                "失信程度",
                "认定日期",
                *[labels[n] for n in names],
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    row["source_id"],
                    row["subject"]["credit_code"],
                    row["subject"]["name"],
                    "一般",
                    row["determined_on"],
                    *[row["fields"][n] for n in names],
                ]
            )


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


class TestSetUp:
    def test_db_upgrade_is_idempotent(self, run):
        first, second = run("db", "upgrade"), run("db", "upgrade")
        assert first.exit_code == 0 and second.exit_code == 0
        assert "数据库结构已是最新版本" in second.output

    def test_department_create_registers_it(self, run, db, provider):
        with db.transaction() as session:
            dept = session.execute(
                select(Department).where(Department.code == provider)
            ).scalar_one()
        assert dept.kind == "market_regulation" and dept.region_code == "320100"

    def test_department_list_names_the_sector_and_json_keeps_its_code(self, run, provider):
        shown = run("department", "list")
        assert shown.exit_code == 0, shown.output
        assert provider in shown.output and "市场监管" in shown.output
        assert "market_regulation" not in shown.output
        (dept,) = json.loads(run("department", "list", "--json").output)
        assert dept == {
            "code": provider,
            "name": "南京市市场监督管理局",
            "region_code": "320100",
            "kind": "market_regulation",
        }

    def test_department_with_unknown_kind_is_refused(self, run, db):
        result = run(
            "department",
            "create",
            "--code",
            "x",
            "--name",
            "某局",
            "--region",
            "320100",
            "--kind",
            "astrology",
        )
        assert result.exit_code == 1 and "unknown department kind astrology" in result.output
        with db.transaction() as session:
            assert session.execute(select(Department).where(Department.code == "x")).first() is None

    def test_token_create_prints_a_working_token_once(self, run, db, provider, client):
        result = run(
            "token", "create", "--role", "provider", "--department", provider, "--name", "接口"
        )
        token = result.output.strip()
        assert result.exit_code == 0 and token.startswith("xy_")
        answer = client.post(
            "/api/v1/records/batches",
            json={"channel": "same_level", "records": [penalty("1", COMPANY)]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200 and answer.json()["accepted"] == 1

    def test_catalog_show_lists_the_published_items(self, run):
        result = run("catalog", "show")
        assert result.exit_code == 0
        assert "administrative_penalty" in result.output and "org_registration" in result.output
        assert "第 1 版（已发布）" in result.output and "负面信息" in result.output
        machine = json.loads(run("catalog", "show", "--json").output)
        assert (machine["version"], machine["status"]) == (1, "published")
        penalty_item = next(i for i in machine["items"] if i["code"] == "administrative_penalty")
        assert penalty_item["category"] == "negative"


class TestImport:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
    def test_csv_with_chinese_headers_in_either_encoding(
        self, run, db, provider, tmp_path, encoding
    ):
        path = tmp_path / "penalties.csv"
        write_penalty_csv(
            path,
            [
                penalty("1", COMPANY, name="南京测试科技有限公司"),
                penalty("2", OTHER, name="苏州某某贸易有限公司"),
            ],
            encoding,
        )
        result = run(
            "import", str(path), "--provider", provider, "--item", "administrative_penalty"
        )
        assert result.exit_code == 0, result.output
        assert "接收 2 条" in result.output
        with db.transaction() as session:
            names = set(session.execute(select(Subject.name)).scalars())
        assert {"南京测试科技有限公司", "苏州某某贸易有限公司"} <= names

    def test_bad_rows_go_to_the_error_file_and_good_rows_land(self, run, db, provider, tmp_path):
        bad = penalty("2", COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1"))
        path = tmp_path / "mixed.csv"
        write_penalty_csv(path, [penalty("1", COMPANY), bad], "gb18030")
        errors = tmp_path / "errors.csv"
        result = run(
            "import",
            str(path),
            "--provider",
            provider,
            "--item",
            "administrative_penalty",
            "--errors",
            str(errors),
        )
        assert result.exit_code == 1
        assert count(db, Record) == 1
        report = list(csv.DictReader(errors.open(encoding="utf-8-sig")))
        assert [(r["行号"], r["字段"], r["代码"]) for r in report] == [
            ("3", "统一社会信用代码", "invalid_credit_code")
        ]

    def test_excel_file(self, run, db, provider, tmp_path):
        labels = penalty_labels()
        record = penalty("9", COMPANY)
        book = Workbook()
        sheet = book.active
        names = list(record["fields"])
        sheet.append(
            [
                "source_id",
                "统一社会信用代码",
                "主体名称",
                "失信程度",
                "认定日期",
                *[labels[n] for n in names],
            ]
        )
        sheet.append(
            [
                record["source_id"],
                COMPANY,
                "南京测试科技有限公司",
                "一般",
                record["determined_on"],
                *[record["fields"][n] for n in names],
            ]
        )
        path = tmp_path / "penalties.xlsx"
        book.save(path)
        result = run(
            "import", str(path), "--provider", provider, "--item", "administrative_penalty"
        )
        assert result.exit_code == 0, result.output
        assert count(db, Record) == 1

    def test_json_lines_with_a_broken_line(self, run, db, provider, tmp_path):
        path = tmp_path / "records.jsonl"
        path.write_text(
            json.dumps(penalty("1", COMPANY), ensure_ascii=False) + "\n{oops\n", encoding="utf-8"
        )
        errors = tmp_path / "errors.csv"
        result = run("import", str(path), "--provider", provider, "--errors", str(errors))
        assert result.exit_code == 1
        assert count(db, Record) == 1
        assert "malformed_json" in errors.read_text(encoding="utf-8-sig")

    @pytest.mark.parametrize("workers", [1, 2])
    def test_a_line_that_is_an_array_is_a_bad_record(self, db, provider, tmp_path, clock, workers):
        # An array of error-like objects once passed, in one worker, as the row's own errors.
        smuggled = [{"field": "x", "code": "smuggled", "message": "m", "message_en": "m"}]
        path = tmp_path / "records.jsonl"
        path.write_text(
            json.dumps(penalty("1", COMPANY), ensure_ascii=False)
            + "\n"
            + json.dumps(smuggled)
            + "\n",
            encoding="utf-8",
        )
        answer = import_file(db, path, provider, clock, item=None, workers=workers)
        assert answer["accepted"] == 1
        [rejected] = answer["rejected"]
        assert rejected["index"] == 2
        assert [e["code"] for e in rejected["errors"]] == ["invalid_record"]

    def test_a_short_csv_row_keeps_its_reason_in_parallel(self, db, provider, tmp_path, clock):
        # With workers, a row the reader refused once reached the checks as a "record".
        path = tmp_path / "penalties.csv"
        write_penalty_csv(path, [penalty("1", COMPANY)], "utf-8")
        with path.open("a", encoding="utf-8") as handle:
            handle.write("only,three,columns\n")
        answer = import_file(db, path, provider, clock, item="administrative_penalty", workers=2)
        assert answer["accepted"] == 1
        assert [e["code"] for e in answer["rejected"][0]["errors"]] == ["invalid_row"]

    def test_importing_the_same_file_twice_stores_it_once(self, run, db, provider, tmp_path):
        path = tmp_path / "penalties.csv"
        write_penalty_csv(path, [penalty("1", COMPANY)], "utf-8")
        run("import", str(path), "--provider", provider, "--item", "administrative_penalty")
        again = run(
            "import",
            str(path),
            "--provider",
            provider,
            "--item",
            "administrative_penalty",
            "--channel",
            "province_unified",
        )
        assert "接收 0 条，重复 1 条" in again.output
        assert count(db, Record) == 1

    def test_json_gives_the_batch_and_its_figures(self, run, db, provider, tmp_path):
        path = tmp_path / "penalties.csv"
        write_penalty_csv(path, [penalty("1", COMPANY), penalty("2", "123")], "utf-8")
        errors = tmp_path / "errors.csv"
        result = run(
            "import", str(path), "--provider", provider, "--item", "administrative_penalty",
            "--errors", str(errors), "--json",
        )  # fmt: skip
        assert result.exit_code == 1
        answer = json.loads(result.output)
        assert {k: answer[k] for k in ("accepted", "duplicates", "rejected")} == {
            "accepted": 1,
            "duplicates": 0,
            "rejected": 1,
        }
        assert answer["errors_file"] == str(errors) and answer["batch_id"]

    def test_parallel_validation_gives_the_same_answer(self, db, provider, tmp_path, clock):
        rows = [penalty(str(i), COMPANY) for i in range(30)] + [penalty("bad", "123")]
        path = tmp_path / "records.jsonl"
        path.write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
        )
        answer = import_file(db, path, provider, clock, item=None, workers=2)
        assert answer["accepted"] == 30
        assert [r["index"] for r in answer["rejected"]] == [31]
        assert answer["rejected"][0]["errors"][0]["code"] == "invalid_credit_code"


class TestAuditVerify:
    def test_intact_log_verifies(self, run, provider):
        result = run("audit", "verify")
        assert result.exit_code == 0 and "审计日志完整" in result.output

    def test_an_edited_entry_is_caught(self, run, db, provider):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE id = 1"))
        result = run("audit", "verify")
        assert result.exit_code == 1 and "审计日志被篡改：第 1 条" in result.output

    def test_a_removed_entry_is_caught(self, run, db, provider):
        run(
            "department",
            "create",
            "--code",
            "tax",
            "--name",
            "税务局",
            "--region",
            "320000",
            "--kind",
            "tax",
        )
        with db.engine.begin() as conn:
            last = conn.execute(select(func.max(AuditEntry.id))).scalar_one()
            conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": last - 1})
        with db.transaction() as session:
            assert not verify(session).ok
        assert run("audit", "verify").exit_code == 1


class TestDemo:
    def test_demo_loads_every_item_deterministically(self, run, db):
        result = run("demo", "--subjects", "300", "--seed", "5")
        assert result.exit_code == 0, result.output
        with db.transaction() as session:
            items = set(session.execute(select(Record.item_code).distinct()).scalars())
            first = session.execute(
                select(Subject.name).order_by(Subject.credit_code).limit(5)
            ).all()
        catalog = {i["code"] for i in json.loads(CATALOG.read_text(encoding="utf-8"))["items"]}
        assert items == catalog
        assert "拒收 0 条" in result.output
        assert first


def test_authority_code_helper_is_valid():
    from xinyong.core.identifiers import is_valid_credit_code

    assert is_valid_credit_code(AUTHORITY_CODE)
