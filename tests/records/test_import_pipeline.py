"""File imports validated in worker processes store exactly what the one-process path stores:
the same records (fields, protected ID numbers, validity), subjects, names, links, duplicates
and rejections — also across several chunks and flushes — and values with the characters
COPY's text format escapes survive both paths unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from fixtures.database import empty_database
from fixtures.helpers import credit_code, id_number, make_caller, penalty, push
from xinyong.defaults import ensure_defaults
from xinyong.demo.generator import DemoGenerator
from xinyong.departments.service import get_department
from xinyong.models import Channel, Record, Role, Subject, SubjectLink, SubjectName
from xinyong.records import files, importer, pipeline, service
from xinyong.records.importer import import_path

CATALOG = Path(__file__).parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
COMPANY = credit_code("91320100MA1PPE01X")
KIND = "market_regulation"
AWKWARD = '制表符\t换行\n回车\r反斜杠\\引号"'


def demo_records(clock, n: int) -> list[dict]:  # type: ignore[no-untyped-def]
    items = json.loads(CATALOG.read_text(encoding="utf-8"))["items"]
    allowed = {i["code"] for i in items if KIND in i["sources"]}
    generator = DemoGenerator(items, seed=3, today=clock.now().date())
    out: list[dict] = []
    for record in generator.records(n):
        if record["item"] in allowed:
            record.pop("provider")
            out.append(record)
        if len(out) == n:
            break
    return out


def awkward_penalty(source_id: str) -> dict:
    record = penalty(source_id, COMPANY)
    record["fields"]["violation_type"] = AWKWARD
    return record


def data(clock) -> list[dict]:  # type: ignore[no-untyped-def]
    records = demo_records(clock, 300)
    registration = next(r for r in records if r["item"] == "org_registration")
    renamed = json.loads(json.dumps(registration))
    renamed["source_id"] += "-renamed"
    renamed["subject"]["name"] = renamed["fields"]["name"] = "改名后的测试有限公司"
    new_holder = renamed["fields"]
    if "legal_representative_id_number" in new_holder:
        new_holder["legal_representative_id_number"] = id_number("32010219800101123")
        new_holder["legal_representative_name"] = "新代表"
    return [
        *records,
        *records[:5],  # the same records again: stored once
        renamed,
        awkward_penalty("tab\\back\tslash"),
        penalty("bad", "123"),  # rejected
    ]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    return path


def snapshot(db) -> dict:  # type: ignore[no-untyped-def]
    cipher = db.cipher
    with db.transaction() as session:
        subjects = session.execute(select(Subject)).scalars().all()
        key = {s.id: s.credit_code or s.id_hash for s in subjects}
        return {
            "subjects": sorted(
                (
                    key[s.id],
                    str(s.kind),
                    s.name,
                    s.id_masked,
                    s.id_cipher and cipher.decrypt(s.id_cipher),
                    s.region_code,
                    s.registering_authority,
                    s.entity_type,
                    s.is_government_agency,
                )
                for s in subjects
            ),
            "records": sorted(
                (
                    key[r.subject_id],
                    r.item_code,
                    r.source_id,
                    json.dumps(r.fields, ensure_ascii=False, sort_keys=True),
                    json.dumps(
                        {k: cipher.decrypt(v) for k, v in (r.protected or {}).items()},
                        sort_keys=True,
                    ),
                    str(r.severity),
                    r.determined_on,
                    r.expires_on,
                    str(r.category),
                    str(r.disclosure),
                    str(r.channel),
                    str(r.standing),
                )
                for r in session.execute(select(Record)).scalars()
            ),
            "names": sorted(
                (key[n.subject_id], n.name) for n in session.execute(select(SubjectName)).scalars()
            ),
            "links": sorted(
                (key[link.subject_id], key[link.person_id], str(link.role), link.ended_at is None)
                for link in session.execute(select(SubjectLink)).scalars()
            ),
        }


def run_import(db, clock, path: Path, workers: int) -> dict:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.provider, code="pipe")
    answer = import_path(
        db,
        path,
        provider="pipe",
        item=None,
        channel=Channel.same_level,
        actor="test",
        now=clock.now(),
        workers=workers,
    )
    answer.pop("batch_id")
    return answer


def reset(db, clock) -> None:  # type: ignore[no-untyped-def]
    empty_database(db)
    with db.transaction() as session:
        ensure_defaults(session, now=clock.now())  # the catalog and the validity rule


def one_active_link_per_role(links: list[tuple]) -> bool:
    active = [(org, role) for org, _, role, is_active in links if is_active]
    return len(active) == len(set(active))


@pytest.mark.slow
def test_workers_store_what_one_process_stores(db, clock, tmp_path, monkeypatch):
    # many small blocks and chunks for the workers, one flush on both paths
    monkeypatch.setattr(files, "BLOCK_BYTES", 8192)
    monkeypatch.setattr(pipeline, "CHUNK", 7)
    monkeypatch.setattr(service, "CHUNK_ROWS", 1_000_000)
    records = data(clock)
    path = write_jsonl(tmp_path / "records.jsonl", records)
    parallel = run_import(db, clock, path, workers=2)
    stored_parallel = snapshot(db)
    reset(db, clock)
    single = run_import(db, clock, path, workers=1)
    assert parallel == single
    assert snapshot(db) == stored_parallel
    assert parallel["duplicates"] == 5
    assert [r["index"] for r in parallel["rejected"]] == [len(records)]
    # the second registration replaced the first one's legal representative
    assert any(not active for *_, active in stored_parallel["links"])
    assert one_active_link_per_role(stored_parallel["links"])


@pytest.mark.slow
@pytest.mark.parametrize("source", ["jsonl", "rows"])
def test_workers_across_many_flushes(db, clock, tmp_path, monkeypatch, source):
    monkeypatch.setattr(files, "BLOCK_BYTES", 8192)
    monkeypatch.setattr(pipeline, "CHUNK", 7)
    monkeypatch.setattr(service, "CHUNK_ROWS", 30)
    records = data(clock)
    path = write_jsonl(tmp_path / "records.jsonl", records)
    if source == "rows":  # the workers get parsed rows, as from a CSV file
        monkeypatch.setattr(importer, "JSONL_SUFFIXES", ())
    answer = run_import(db, clock, path, workers=2)
    assert (answer["accepted"], answer["duplicates"]) == (len(records) - 6, 5)
    assert [r["index"] for r in answer["rejected"]] == [len(records)]
    stored = snapshot(db)
    assert len(stored["records"]) == len(records) - 6
    assert stored["names"]  # the renamed organisation keeps its old name
    assert one_active_link_per_role(stored["links"])


def test_blocks_cover_every_line_once(tmp_path):
    path = tmp_path / "lines.jsonl"
    lines = [b"x" * (i % 50) for i in range(1000)]
    path.write_bytes(b"\n".join(lines))  # no newline after the last line
    seen = []
    for block in files.FileBlocks(path, item=None, size=100):
        with path.open("rb") as handle:
            handle.seek(block.offset)
            chunk = handle.read(block.length)
        seen.extend(enumerate(chunk.split(b"\n"), start=block.first_line))
    got = [(n, line) for n, line in seen if line]
    assert got == [(n, line) for n, line in enumerate(lines, start=1) if line]


@pytest.mark.parametrize("workers", [1, 2])
def test_copy_special_characters_survive_an_import(db, clock, tmp_path, workers):
    path = write_jsonl(tmp_path / "awkward.jsonl", [awkward_penalty("a\\b\tc\nd")])
    answer = run_import(db, clock, path, workers=workers)
    assert answer["accepted"] == 1, answer
    with db.transaction() as session:
        record = session.execute(select(Record)).scalar_one()
    assert record.source_id == "a\\b\tc\nd"
    assert record.fields["violation_type"] == '制表符\t换行\n回车\r反斜杠\\引号"'


def test_copy_special_characters_survive_the_api(db, clock, client):  # type: ignore[no-untyped-def]
    caller = make_caller(db, clock, role=Role.provider)
    response = push(client, caller, [awkward_penalty("x\\y\tz")])
    assert response.status_code == 200 and response.json()["accepted"] == 1, response.text
    with db.transaction() as session:
        record = session.execute(select(Record)).scalar_one()
    assert record.source_id == "x\\y\tz"
    assert record.fields["violation_type"] == '制表符\t换行\n回车\r反斜杠\\引号"'


def collect(db, clock, records: list[dict], *, overlap: bool) -> dict:  # type: ignore[no-untyped-def]
    """One batch through a Collector, writing on a thread of its own or not."""
    ctx = service.CollectionContext(db)
    with db.transaction() as session:
        collector = service.Collector(
            session,
            ctx,
            provider=get_department(session, "pipe"),
            channel=Channel.same_level,
            via="file",
            actor="test",
            now=clock.now(),
            overlap=overlap,
        )
        try:
            collector.feed(enumerate(records))
            answer = collector.finish()
        finally:
            collector.close()
    answer.pop("batch_id")
    return answer


@pytest.mark.slow
def test_writing_on_a_thread_stores_what_writing_in_line_stores(db, clock, monkeypatch):
    if db.dialect != "postgresql":
        pytest.skip("imports write on a thread on PostgreSQL only")
    # many flushes: subjects made in one are named again in later ones, before or after
    # their rows are written
    monkeypatch.setattr(service, "CHUNK_ROWS", 30)
    records = data(clock)
    make_caller(db, clock, role=Role.provider, code="pipe")
    overlapped = collect(db, clock, records, overlap=True)
    stored = snapshot(db)
    reset(db, clock)
    make_caller(db, clock, role=Role.provider, code="pipe")
    assert collect(db, clock, records, overlap=False) == overlapped
    assert snapshot(db) == stored
    assert overlapped["duplicates"] == 5


@pytest.mark.parametrize("overlap", [False, True])
def test_a_subject_created_meanwhile_by_another_import_is_used(db, clock, monkeypatch, overlap):
    if db.dialect != "postgresql":
        pytest.skip("on SQLite a batch's transaction holds the only write lock")
    # the look-up finds nothing, then another import commits the same organisation before
    # this one writes: this batch's records go to that subject, in every flush
    monkeypatch.setattr(service, "CHUNK_ROWS", 2)
    make_caller(db, clock, role=Role.provider, code="pipe")
    look_up = service.existing_subjects
    raced: list[bool] = []

    def existing_then_race(session, column, keys):  # type: ignore[no-untyped-def]
        found = look_up(session, column, keys)
        if column.key == "credit_code" and COMPANY in keys and not raced:
            raced.append(True)
            assert collect(db, clock, [penalty("other-1", COMPANY)], overlap=False)["accepted"]
        return found

    monkeypatch.setattr(service, "existing_subjects", existing_then_race)
    records = [penalty(f"p-{i}", COMPANY) for i in range(7)]
    answer = collect(db, clock, [*records, records[0]], overlap=overlap)
    assert raced
    assert (answer["accepted"], answer["duplicates"]) == (7, 1)
    with db.transaction() as session:
        subjects = session.execute(select(Subject.id).where(Subject.credit_code == COMPANY))
        (subject_id,) = subjects.scalars().all()
        stored = session.execute(select(Record.subject_id, Record.source_id)).all()
    assert sorted(stored) == sorted(
        [(subject_id, "other-1"), *((subject_id, f"p-{i}") for i in range(7))]
    )
