"""A batch file through the console (Measures art. 16, the transitional means of collection):
good rows land, bad rows come back by row number, field, code and Chinese message."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from department_pages import csrf_of, log_in
from sqlalchemy import func, select

from fixtures.helpers import penalty
from fixtures.lists import BETA, GAMMA, World
from xinyong.models import Batch, Record, Role

SPECIAL = ["item", "source_id", "credit_code", "subject_name", "severity", "determined_on"]


def penalty_csv(*records: dict) -> bytes:
    fields = list(records[0]["fields"])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SPECIAL + fields)
    for r in records:
        writer.writerow(
            [
                r["item"],
                r["source_id"],
                r["subject"]["credit_code"],
                r["subject"]["name"],
                r["severity"],
                r["determined_on"],
                *[r["fields"][f] for f in fields],
            ]
        )
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def provider(client, db, clock, world: World):  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.provider, department="amr")
    return client


def upload(client, content: bytes, name: str = "penalties.csv", **data):  # type: ignore[no-untyped-def]
    form = client.get("/department/batches")
    assert form.status_code == 200
    return client.post(
        "/department/batches",
        data={"csrf_token": csrf_of(form.text), "channel": "same_level", **data},
        files={"file": (name, content, "text/csv")},
        follow_redirects=False,
    )


def test_a_csv_with_a_good_and_a_bad_row(provider, db) -> None:  # type: ignore[no-untyped-def]
    good = penalty("f-1", BETA, "南京贝塔贸易有限公司")
    bad = penalty("f-2", "91320100MA1X2Y3W4Z", "南京坏码有限公司")
    answer = upload(provider, penalty_csv(good, bad))
    assert answer.status_code == 303
    report = provider.get(answer.headers["location"])
    assert report.status_code == 200
    text = report.text
    assert "1 条入库，0 条重复，1 条退回" in text
    row = re.search(r"<tr><td class=\"num\">3</td>.*?</tr>", text, flags=re.S)
    assert row, "row 3 (the bad one, after the header and the good row) is reported"
    assert "invalid_credit_code" in row.group(0) and "统一社会信用代码" in row.group(0)
    with db.transaction() as session:
        stored = session.execute(select(Record.source_id)).scalars().all()
        batch = session.execute(select(Batch).where(Batch.via == "file")).scalar_one()
    assert "f-1" in stored and "f-2" not in stored
    assert (batch.filename, batch.accepted, batch.rejected) == ("penalties.csv", 1, 1)

    errors = provider.get(f"/department/batches/{batch.id}/errors.csv")
    assert errors.status_code == 200
    lines = errors.content.decode("utf-8-sig").splitlines()
    # Chinese headers; the field by its name; the machine code in its one column, last.
    assert lines[0] == "行号,字段,错误说明,代码"
    assert lines[1].startswith("3,统一社会信用代码,") and lines[1].endswith(",invalid_credit_code")

    listing = provider.get("/department/batches")
    assert f'href="/department/batches/{batch.id}"' in listing.text

    again = upload(provider, penalty_csv(good))  # the same record again: a duplicate
    assert "0 条入库，1 条重复，0 条退回" in provider.get(again.headers["location"]).text


def test_jsonl_rows_are_numbered_by_line(provider) -> None:  # type: ignore[no-untyped-def]
    lines = [
        json.dumps(penalty("j-1", GAMMA, "南京伽马有限公司"), ensure_ascii=False),
        "{not json",
        json.dumps({**penalty("j-3", GAMMA), "item": "no_such_item"}),
    ]
    answer = upload(provider, "\n".join(lines).encode(), name="rows.jsonl")
    assert answer.status_code == 303
    text = provider.get(answer.headers["location"]).text
    assert "1 条入库" in text and "2 条退回" in text
    assert "malformed_json" in text and "unknown_item" in text


@pytest.mark.parametrize(
    ("content", "name", "data", "status", "message"),
    [
        (b"", "empty.csv", {}, 422, "文件是空的"),
        (b"a,b\n1,2\n", "rows.txt", {}, 422, "只接受"),
        (b"item,source_id\n", "header.csv", {}, 422, "文件中没有记录"),
        (b"PK\x03\x04 not really a workbook", "book.xlsx", {}, 422, "无法读取文件"),
        (b"item\nx\n", "one.csv", {"channel": "by_carrier_pigeon"}, 422, "请选择报送渠道"),
    ],
)
def test_bad_uploads_re_render_the_form_with_the_message(
    provider, content: bytes, name: str, data: dict, status: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    answer = upload(provider, content, name=name, **data)
    assert answer.status_code == status
    assert message in answer.text
    assert 'class="field-error"' in answer.text
    assert "上传数据文件" in answer.text  # the form again, not an error page


def test_too_many_rows_are_refused_whole(provider, db, settings) -> None:  # type: ignore[no-untyped-def]
    limit = settings.max_batch_records
    body = "item,source_id\n" + "".join(f"administrative_penalty,r{i}\n" for i in range(limit + 1))
    answer = upload(provider, body.encode())
    assert answer.status_code == 413
    assert f"一批最多 {limit} 条记录" in answer.text
    with db.transaction() as session:
        count = select(func.count()).select_from(Batch).where(Batch.via == "file")
        assert session.execute(count).scalar_one() == 0


def test_a_file_over_20_mb_is_refused_before_it_is_read(provider) -> None:  # type: ignore[no-untyped-def]
    answer = upload(provider, b"x" * (20 * 1024 * 1024 + 100 * 1024))
    assert answer.status_code == 413
    assert "文件超过 20 MB" in answer.text


def test_another_departments_batch_is_not_found(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    world.push(world.tax, penalty("t-1", BETA))  # by the API, as the tax department
    with db.transaction() as session:
        batch_id = session.execute(select(Batch.id)).scalars().all()[-1]
    log_in(client, db, clock, role=Role.provider, department="amr")
    assert client.get(f"/department/batches/{batch_id}").status_code in (403, 404)
    assert client.get("/department/batches/12345").status_code == 404
