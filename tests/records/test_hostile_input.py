"""Hostile collection input (issue 12: M2, L2, M5, L3): whatever a provider sends — by the
API, `xinyong import` or the department console — it never crashes collection, never loses
the good rows of a batch and never eats the machine's memory.

- M2: NUL and the other characters no stored text may hold are row errors (`invalid_field`)
  on both databases; PostgreSQL refused the whole batch with a 500 before.
- L2: invisible and direction-control characters leave subjects' names at collection, so a
  company is found by the name people read; a name of nothing but them is refused.
- M5: Excel decompression bombs, lying zip directories, shared-string floods, rows, columns
  and lines beyond the limits are refused whole with a stable code, before they are unpacked
  or read into memory; good files still import.
- L3: bytes not of a CSV file's encoding make their row a row error; a file that is not what
  its name says is one clear line on the command line, never a traceback.

The bombs are built here, small: a run of the same row compresses a thousand times.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from department_console.department_pages import csrf_of, log_in
from fixtures.helpers import catalog_record, credit_code, id_number, make_caller, penalty, push
from portal.portal_world import result_keys, result_names
from xinyong.cli import app as cli_app
from xinyong.jobs import run_jobs
from xinyong.models import Batch, Record, Role, Subject, SubjectLink
from xinyong.records.service import CollectionContext

COMPANY = credit_code("91320100MA1HXTL1A")
OTHER = credit_code("91320100MA1HXTL2B")
ITEM = "administrative_penalty"
FIELDS = list(penalty("x", COMPANY)["fields"])
HEADER = ["source_id", "credit_code", "subject_name", "severity", "determined_on", *FIELDS]
SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


# ---- helpers --------------------------------------------------------------------------------


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def source_ids(db) -> set[str]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return set(session.execute(select(Record.source_id)).scalars())


def cells(record: dict) -> list[Any]:
    """A penalty record as a row of HEADER."""
    subject = record["subject"]
    return [
        record["source_id"],
        subject["credit_code"],
        subject["name"],
        record["severity"],
        record["determined_on"],
        *[record["fields"][f] for f in FIELDS],
    ]


def csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def penalties(n: int, prefix: str = "r") -> list[dict]:
    return [penalty(f"{prefix}{i}", COMPANY) for i in range(n)]


def write_csv(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(csv_line(v) for v in [HEADER, *map(cells, records)]), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def good_xlsx(path: Path, n: int = 2) -> Path:
    return write_xlsx(path, [HEADER, *map(cells, penalties(n, "x"))])


def rezip(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """The workbook with some parts replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, parts.get(info.filename) or old.read(info.filename))
    return target


def declare_size(path: Path, part: str, size: int) -> None:
    """Make the zip's central directory lie about a part's unpacked size."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == part.encode():
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{part} not in {path}")


# ---- callers --------------------------------------------------------------------------------


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider, kind="market_regulation", code="amr")


@pytest.fixture
def cli(db, tmp_path, run):  # type: ignore[no-untyped-def]
    """`xinyong import FILE` for a department created with `xinyong department create`;
    keyword arguments are settings (XINYONG_…) of that run."""
    created = run(
        "department", "create", "--code", "nj-scjg", "--name", "南京市市场监督管理局",
        "--region", "320100", "--kind", "market_regulation",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    runner = CliRunner()

    def import_file(path: Path, *extra: str, **settings: Any):  # type: ignore[no-untyped-def]
        env = {
            "XINYONG_DATABASE_URL": db.settings.database_url,
            "XINYONG_SECRET_KEY": db.settings.secret_key,
            "XINYONG_VAR_DIR": str(tmp_path / "var"),
            **{f"XINYONG_{k.upper()}": str(v) for k, v in settings.items()},
        }
        args = ["import", str(path), "--provider", "nj-scjg", "--item", ITEM, *extra]
        # Not caught: a traceback fails the test.
        return runner.invoke(cli_app, args, env=env, catch_exceptions=False)

    return import_file


def refused(result, code: str) -> str:  # type: ignore[no-untyped-def]
    """The command refused the file in one line — its code, Chinese, English — and exit 1."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = next((x for x in result.output.splitlines() if x.startswith(code)), None)
    assert line, f"no line starting with {code}: {result.output}"
    assert re.search(r"[\u4e00-\u9fff]", line) and re.search(r"\([a-z][ -~]+\)$", line), line
    return line


def error_file(path: Path) -> list[tuple[str, str, str]]:
    report = path.with_name(path.name + ".errors.csv")
    return [
        (r["行号"], r["字段"], r["代码"]) for r in csv.DictReader(report.open(encoding="utf-8-sig"))
    ]


@pytest.fixture
def console(client, db, clock):  # type: ignore[no-untyped-def]
    """The department console, logged in as a person of a market-regulation department."""
    make_caller(db, clock, role=Role.provider, kind="market_regulation", code="amr")
    log_in(client, db, clock, role=Role.provider, department="amr")

    def upload(name: str, content: bytes):  # type: ignore[no-untyped-def]
        """The form as a browser posts it, the file's name as given (no client escaping)."""
        form = client.get("/department/batches")
        values = {"csrf_token": csrf_of(form.text), "channel": "same_level", "item": ITEM}
        boundary = b"hostile-input-boundary"
        parts = [
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (boundary, k.encode(), v.encode())
            for k, v in values.items()
        ]
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n%s\r\n--%s--\r\n"
            % (boundary, name.encode(), content, boundary)
        )
        return client.post(
            "/department/batches",
            content=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"},
            follow_redirects=False,
        )

    return upload


# ---- M2: characters no stored text may hold ---------------------------------------------------


def _with(record: dict, where: str, value: str) -> dict:
    record = json.loads(json.dumps(record))
    if where == "subject.name":
        record["subject"]["name"] = value
    elif where == "source_id":
        record["source_id"] = value
    else:
        record["fields"][where.removeprefix("fields.")] = value
    return record


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("subject.name", "南京\x00测试有限公司"),
        ("source_id", "s\x00"),
        ("fields.violation_type", "虚假\x00宣传"),  # a one-line text field
        ("fields.violation_facts", "事实\x01"),  # a multi-line text field
        ("fields.decision_number", "宁\x7f号"),  # DEL
        ("subject.name", "南京\x85测试有限公司"),  # a C1 control (NEL)
        ("fields.penalty_authority_code", "\x00" + COMPANY[1:]),  # quoted back by its check
    ],
)
def test_a_control_character_is_a_row_error_and_the_good_rows_land(
    client, db, provider, where: str, value: str
) -> None:  # type: ignore[no-untyped-def]
    # TAB, LF and CR are text: a multi-line field keeps them.
    good = _with(penalty("good", COMPANY), "fields.violation_facts", "第一行\n\t第二行\r\n第三行")
    bad = _with(penalty("bad", OTHER), where, value)
    answer = push(client, provider, [good, bad, penalty("good-2", OTHER)])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 2
    assert [
        (r["index"], [(e["field"], e["code"]) for e in r["errors"]]) for r in body["rejected"]
    ] == [(1, [(where, "invalid_field")])]
    assert source_ids(db) == {"good", "good-2"}
    with db.transaction() as session:
        facts = session.execute(
            select(Record.fields).where(Record.source_id == "good")
        ).scalar_one()["violation_facts"]
    assert facts == "第一行\n\t第二行\r\n第三行"


def test_control_characters_in_keys_and_nested_values_never_reach_the_database(
    client, db, provider
) -> None:  # type: ignore[no-untyped-def]
    """A key is quoted back escaped (the answer is stored with the batch); an object or array
    holding NULs is no text at all."""
    nested = penalty("nested", OTHER)
    nested["fields"]["violation_type"] = {"k\x00": ["\x00", {"\x00": "\x00"}]}
    nested["fields"]["remarks"] = ["备注\x00"]
    keyed = penalty("keyed", OTHER)
    keyed["fields"]["备\x00注"] = "x"
    answer = push(client, provider, [nested, keyed, penalty("good", COMPANY)])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 1 and source_ids(db) == {"good"}
    errors = {r["index"]: {(e["field"], e["code"]) for e in r["errors"]} for r in body["rejected"]}
    assert errors == {
        0: {("fields.violation_type", "invalid_field"), ("fields.remarks", "invalid_field")},
        1: {("fields.备\\x00注", "unknown_field")},
    }
    assert "\\u0000" not in answer.text  # a NUL would be written \u0000 in JSON
    with db.transaction() as session:
        stored = session.execute(select(Batch.answer)).scalar_one()
    assert stored["rejected"][1]["errors"][0]["field"] == "fields.备\\x00注"


def test_a_record_with_thousands_of_keys_is_one_error(client, db, provider) -> None:  # type: ignore[no-untyped-def]
    """Not one error a key: 10,000 such records would answer 50 million errors."""
    flood = penalty("flood", OTHER)
    flood["fields"].update({f"k{i}": "x" for i in range(5000)})
    answer = push(client, provider, [flood, penalty("good", COMPANY)])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 1
    assert [(e["field"], e["code"]) for e in body["rejected"][0]["errors"]] == [
        ("fields", "invalid_field")
    ]


def test_a_csv_with_a_nul_imports_its_good_rows(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    records = penalties(3)
    records[1]["fields"]["violation_type"] = "虚假\x00宣传"
    path = write_csv(tmp_path / "nul.csv", records)
    result = cli(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "接收 2 条" in result.output
    assert source_ids(db) == {"r0", "r2"}
    assert error_file(path) == [("3", "违法行为类型", "invalid_field")]


def test_a_console_upload_with_a_nul_and_bad_bytes_keeps_its_good_rows(console, db) -> None:  # type: ignore[no-untyped-def]
    records = penalties(3)
    records[0]["subject"]["name"] = "南京\x00测试有限公司"
    lines = [csv_line(HEADER).encode(), *(csv_line(cells(r)).encode() for r in records)]
    lines[2] = lines[2].replace("虚假宣传".encode(), b"\xff\xfe")  # the second record
    answer = console("mixed\x00\x1b.csv", b"".join(lines))  # kept without its controls
    assert answer.status_code == 303, answer.text
    assert source_ids(db) == {"r2"}
    with db.transaction() as session:
        batch = session.execute(select(Batch)).scalar_one()
        rejected = batch.answer["rejected"]
    assert batch.filename == "mixed.csv"
    assert sorted(
        (r["index"], r["errors"][0]["field"] or "", r["errors"][0]["code"]) for r in rejected
    ) == [
        (2, "subject.name", "invalid_field"),
        (3, "", "invalid_encoding"),
    ]


# ---- L2: names as people read them -----------------------------------------------------------


def registration(source_id: str, code: str, name: str, **fields: Any) -> dict:
    """An organisation's registration record: it creates the subject and names it."""
    record = catalog_record("org_registration", source_id, {"credit_code": code, "name": name})
    record["fields"].update(fields)
    return record


def test_invisible_characters_leave_a_name_and_the_portal_finds_it(
    client, db, clock, provider
) -> None:  # type: ignore[no-untyped-def]
    sent = "\ufeff南京\u200b隐\u202e形\u2066科技\u2069有限公司\u3000"
    answer = push(client, provider, [registration("reg-1", COMPANY, sent)])
    assert answer.status_code == 200 and answer.json()["accepted"] == 1, answer.text
    with db.transaction() as session:
        assert session.execute(select(Subject.name)).scalar_one() == "南京隐形科技有限公司"
    run_jobs(db, clock, CollectionContext(db))  # the portal's search table catches up
    page = client.get("/search", params={"q": "南京隐形科技有限公司"})
    assert page.status_code == 200
    assert result_keys(page.text) == [COMPANY]
    assert result_names(page.text) == ["南京隐形科技有限公司"]
    # Typed with the invisible characters, the query finds it too: the same normalisation.
    assert result_keys(client.get("/search", params={"q": sent}).text) == [COMPANY]


def test_brackets_stay_full_width_and_either_kind_finds_the_name(
    client, db, clock, provider
) -> None:  # type: ignore[no-untyped-def]
    sent = "嘉成(南通)ＡＢＣ科技有限公司"  # half-width brackets, full-width letters
    answer = push(client, provider, [registration("reg-2", COMPANY, sent)])
    assert answer.status_code == 200 and answer.json()["accepted"] == 1, answer.text
    with db.transaction() as session:
        assert session.execute(select(Subject.name)).scalar_one() == "嘉成（南通）ABC科技有限公司"
    run_jobs(db, clock, CollectionContext(db))
    for typed in ("嘉成（南通）ABC", "嘉成(南通)ＡＢＣ"):
        assert result_keys(client.get("/search", params={"q": typed}).text) == [COMPANY], typed


def test_a_name_of_only_invisible_characters_is_refused_and_the_others_land(
    client, db, provider
) -> None:  # type: ignore[no-untyped-def]
    linked = registration(
        "reg-3",
        credit_code("91320100MA1HXTL3C"),
        "南京关联科技有限公司",
        legal_representative_name="\u200b\u200b",
        legal_representative_id_number=id_number("32010219800101123"),
    )
    records = [
        penalty("p-1", COMPANY, name="\u200b"),
        penalty("p-2", OTHER),
        linked,
    ]
    answer = push(client, provider, records)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 1 and source_ids(db) == {"p-2"}
    errors = {r["index"]: [(e["field"], e["code"]) for e in r["errors"]] for r in body["rejected"]}
    assert errors == {
        0: [("subject.name", "invalid_name")],
        2: [("fields.legal_representative_name", "invalid_name")],
    }
    assert count(db, SubjectLink) == 0


# ---- M5: Excel bombs and oversized files -----------------------------------------------------


def ratio_bomb(tmp_path: Path) -> Path:
    """A workbook whose sheet is a million empty rows: 6 MB that zip to a few kilobytes."""
    sheet = SHEET_START + b"<row/>" * 1_000_000 + SHEET_END
    return rezip(good_xlsx(tmp_path / "base.xlsx"), tmp_path / "bomb.xlsx", {SHEET: sheet})


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bomb = ratio_bomb(tmp_path)
    assert bomb.stat().st_size < 100_000
    line = refused(cli(bomb), "file_too_large")
    assert "压缩炸弹" in line
    assert count(db, Record) == 0 and count(db, Batch) == 0
    good = cli(good_xlsx(tmp_path / "good.xlsx"))
    assert good.exit_code == 0, good.output
    assert count(db, Record) == 2


def test_a_zip_directory_that_lies_about_a_size_is_caught_while_reading(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The directory says 200 bytes; the sheet unpacks to 4 MB of rows. Reading stops at
    what was declared."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 100_001)
    )
    path = rezip(
        good_xlsx(tmp_path / "base.xlsx"),
        tmp_path / "liar.xlsx",
        {SHEET: SHEET_START + rows + SHEET_END},
    )
    declare_size(path, SHEET, 200)
    refused(cli(path), "invalid_file")
    assert count(db, Record) == 0


def with_shared_strings(base: Path, target: Path, strings: list[str]) -> Path:
    """The workbook with a sheet of one string a row, each a shared string (openpyxl writes
    its strings inline), the first row the header."""
    header = b"".join(b'<c t="s"><v>%d</v></c>' % i for i in range(len(HEADER)))
    rows = b"".join(
        b'<row r="%d"><c t="s"><v>%d</v></c></row>' % (n, i)
        for n, i in enumerate(range(len(HEADER), len(HEADER) + len(strings)), start=2)
    )
    table = "".join(f"<si><t>{s}</t></si>" for s in [*HEADER, *strings])
    with zipfile.ZipFile(base) as book:
        types = book.read("[Content_Types].xml").replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    rezip(
        base,
        target,
        {
            SHEET: SHEET_START + b'<row r="1">' + header + b"</row>" + rows + SHEET_END,
            "[Content_Types].xml": types,
        },
    )
    with zipfile.ZipFile(target, "a") as book:
        book.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org'
            f'/spreadsheetml/2006/main">{table}</sst>',
        )
    return target


def test_a_flood_of_shared_strings_is_refused_before_openpyxl_holds_them(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = good_xlsx(tmp_path / "base.xlsx")
    path = with_shared_strings(base, tmp_path / "strings.xlsx", [f"串{i}" for i in range(300)])
    line = refused(cli(path, xlsx_max_shared_strings=200), "file_too_large")
    assert "共享字符串" in line
    assert count(db, Batch) == 0
    assert cli(good_xlsx(tmp_path / "good.xlsx"), xlsx_max_shared_strings=200).exit_code == 0


def test_a_workbook_bigger_unpacked_than_allowed_is_refused(
    console, db, tmp_path, settings
) -> None:  # type: ignore[no-untyped-def]
    """On the console (one batch): an unpacked size over XINYONG_UPLOAD_MAX_UNPACKED_MB,
    and the bomb, are 413 under the form; a good workbook is a batch."""
    bomb = console("bomb.xlsx", ratio_bomb(tmp_path).read_bytes())
    assert bomb.status_code == 413 and "压缩炸弹" in bomb.text
    settings.upload_max_unpacked_mb = 1
    text = "很长的违法事实" * 4_000  # 84 KB of UTF-8 in each of 40 rows
    big = write_xlsx(tmp_path / "big.xlsx", [HEADER, *([f"b{i}", text] for i in range(40))])
    answer = console("big.xlsx", big.read_bytes())
    assert answer.status_code == 413
    assert "解压后超过 1 MB" in answer.text
    assert count(db, Batch) == 0
    good = console("good.xlsx", good_xlsx(tmp_path / "good.xlsx").read_bytes())
    assert good.status_code == 303, good.text
    assert count(db, Record) == 2


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
def test_more_rows_than_the_command_allows_are_refused_whole(cli, db, tmp_path, suffix) -> None:  # type: ignore[no-untyped-def]
    records = penalties(30)
    path = tmp_path / f"rows{suffix}"
    if suffix == ".csv":
        write_csv(path, records)
    elif suffix == ".xlsx":
        write_xlsx(path, [HEADER, *map(cells, records)])
    else:
        path.write_text("".join(json.dumps({**r, "item": ITEM}) + "\n" for r in records))
    refused(cli(path, import_max_rows=20), "too_many_rows")
    assert count(db, Record) == 0
    assert cli(path, import_max_rows=30).exit_code == 0
    assert count(db, Record) == 30


def test_validation_workers_refuse_an_overlong_line_too(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = [json.dumps(r, ensure_ascii=False) for r in penalties(5)]
    lines[3] = json.dumps({**penalty("long", COMPANY), "pad": "x" * 3_000_000})
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = refused(cli(path, import_workers=2), "row_too_long")
    assert "第 4 行" in line
    assert count(db, Record) == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("x" * 2_000_000, "row_too_long"),  # one line of 2 MB (the limit is 1 MB)
        ("," * 1_000_000, "too_many_columns"),  # a million columns
        ('"' + "长" * 140_000 + '"', "field_too_long"),  # beyond the csv module's 131,072
    ],
)
def test_a_hostile_csv_is_one_clear_refusal(cli, db, tmp_path, body: str, code: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "hostile.csv"
    rows = [csv_line(HEADER), csv_line(cells(penalty("r0", COMPANY))), body + "\n"]
    path.write_text("".join(rows), encoding="utf-8")
    line = refused(cli(path), code)
    assert "第 3 行" in line
    assert count(db, Batch) == 0


# ---- L3: files that are not what they say ----------------------------------------------------


def test_gb18030_bytes_after_the_first_64_kib_of_a_utf8_file_are_a_row_error(
    cli, db, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    records = penalties(300)
    lines = [csv_line(HEADER).encode(), *(csv_line(cells(r)).encode() for r in records)]
    assert sum(map(len, lines[:250])) > 1 << 16
    lines[250] = csv_line(cells(records[249])).encode("gb18030")  # the 250th record, row 251
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"".join(lines))
    result = cli(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "接收 299 条" in result.output
    assert error_file(path) == [("251", "", "invalid_encoding")]


def test_utf8_bytes_in_a_gb18030_file_are_a_row_error(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    records = penalties(300)
    records[280]["subject"]["name"] = "南京中"  # three characters: nine bytes before a comma
    lines = [csv_line(v).encode("gb18030") for v in [HEADER, *map(cells, records)]]
    lines[281] = csv_line(cells(records[280])).encode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        lines[281].decode("gb18030")
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"".join(lines))
    result = cli(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "接收 299 条" in result.output
    assert error_file(path) == [("282", "", "invalid_encoding")]


def test_a_gb18030_file_is_judged_by_its_first_chinese_bytes(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """70 KB of ASCII rows first (refused: no such item), then GB18030 rows: the encoding is
    judged on the first bytes that are not ASCII, and every row is read in GB18030."""
    header = csv_line(["item", *HEADER]).encode()
    filler = [COMPANY, "ACME", "general", "2026-05-10", *["x"] * len(FIELDS)]
    ascii_rows = [csv_line(["no_such_item", f"a{i}", *filler]).encode() for i in range(800)]
    assert sum(map(len, ascii_rows)) > 1 << 16
    chinese = [csv_line([ITEM, *cells(r)]).encode("gb18030") for r in penalties(3)]
    path = tmp_path / "late.csv"
    path.write_bytes(header + b"".join(ascii_rows) + b"".join(chinese))
    result = cli(path)
    assert "Traceback" not in result.output
    assert "接收 3 条" in result.output
    assert {code for _, _, code in error_file(path)} == {"unknown_item"}
    with db.transaction() as session:
        assert session.execute(select(Subject.name)).scalar_one() == "南京测试科技有限公司"


def test_invalid_bytes_in_a_row_are_a_row_error(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = [csv_line(v).encode() for v in [HEADER, *map(cells, penalties(3))]]
    lines[2] = lines[2].replace("有限公司".encode(), b"\xc0\xaf\xff")
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"".join(lines))
    result = cli(path)
    assert result.exit_code == 1 and "接收 2 条" in result.output
    assert error_file(path) == [("3", "", "invalid_encoding")]


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("truncated.xlsx", lambda p: good_xlsx(p).read_bytes()[:3000], "invalid_file"),
        ("rows.xlsx", lambda p: b"source_id,credit_code\n1,2\n", "invalid_file"),
        ("book.csv", lambda p: good_xlsx(p).read_bytes(), "invalid_encoding"),
        ("rows.txt", lambda p: b"a,b\n", "unsupported_file"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_one_clear_line(
    cli, db, tmp_path, name: str, make, code: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(make(tmp_path / "source.xlsx"))
    refused(cli(path), code)
    assert count(db, Batch) == 0


def test_the_console_says_what_the_command_says(console, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    truncated = good_xlsx(tmp_path / "good.xlsx").read_bytes()[:3000]
    answer = console("truncated.xlsx", truncated)
    assert answer.status_code == 422
    assert "不是完好的 Excel 工作簿" in answer.text
    long_line = console("long.csv", (csv_line(HEADER) + "x" * 2_000_000 + "\n").encode())
    assert long_line.status_code == 413 and "第 2 行超过 1024 KB" in long_line.text
    assert count(db, Batch) == 0
