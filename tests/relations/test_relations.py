"""Related parties through the API, the CLI and the daily jobs, on both databases: ACME is on
the court's black list; its legal representative 李法人 is also BETA's; BETA is a shareholder of
GAMMA. BETA is two links from ACME and is flagged with the path; GAMMA, three links away, is
not; the person and ACME itself are not flagged. Related-party information is
government-shared: the public and subjects are refused, a department states its purpose and
the read is logged (issue 17 part 2 § 2)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, BETA, LEGAL_REP, World, make_world
from fixtures.relations import ACME_NAME, BETA_NAME, FLAG_PATH, GAMMA_NAME, relate
from xinyong.jobs import run_jobs
from xinyong.models import AuditEntry, RelatedPartyFlag, Role, Subject
from xinyong.records.service import CollectionContext
from xinyong.relations import repository


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return relate(make_world(client, db, clock))


def related(w: World, key: str, caller=None, **params):  # type: ignore[no-untyped-def]
    return w.client.get(
        f"/api/v1/subjects/{key}/related",
        params={"purpose": "政府采购 2026-007 供应商审查", **params},
        headers=(caller or w.user).headers,
    )


def test_a_subjects_related_parties_come_with_their_list_status_and_path(w: World) -> None:
    answer = related(w, BETA)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["subject"]["name"] == BETA_NAME and body["depth"] == 2
    by_name = {r["subject"]["name"]: r for r in body["related"]}
    assert set(by_name) == {"李法人", ACME_NAME, GAMMA_NAME}
    person = by_name["李法人"]
    assert person["distance"] == 1 and person["subject"]["credit_code"] is None
    assert person["subject"]["id_masked"] and LEGAL_REP not in json.dumps(body)
    acme = by_name[ACME_NAME]
    assert acme["distance"] == 2 and acme["lists"] == ["black"]
    assert acme["path_text"] == (
        f"李法人是{BETA_NAME}的法定代表人，也是{ACME_NAME}（黑名单）的法定代表人"
    )
    assert [e["role"] for e in acme["path"]] == ["legal_representative"] * 2
    gamma = by_name[GAMMA_NAME]
    assert gamma["distance"] == 1 and gamma["lists"] == []
    assert gamma["path_text"] == f"{BETA_NAME}是{GAMMA_NAME}的股东"


def test_related_parties_are_government_shared_and_each_read_is_logged(w: World) -> None:
    visitor = w.client.get(f"/api/v1/subjects/{BETA}/related", params={"purpose": "x"})
    assert visitor.status_code == 401
    with w.db.transaction() as session:
        beta = session.execute(select(Subject.id).where(Subject.credit_code == BETA)).scalar_one()
    subject = make_caller(w.db, w.clock, role=Role.subject, subject_id=beta)
    assert related(w, BETA, subject).status_code == 403
    missing = w.client.get(f"/api/v1/subjects/{BETA}/related", headers=w.user.headers)
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "missing_purpose"
    assert related(w, BETA).status_code == 200
    with w.db.transaction() as session:
        logged = (
            session.execute(select(AuditEntry).where(AuditEntry.action == "subject.related_read"))
            .scalars()
            .all()
        )
    assert [e.purpose for e in logged] == ["政府采购 2026-007 供应商审查"]
    # In the subject's own query log, as every read of its non-public information.
    beta_reads = w.client.get(f"/api/v1/subjects/{BETA}/queries", headers=subject.headers)
    assert beta_reads.status_code == 200, beta_reads.text
    assert "subject.related_read" in beta_reads.text


def test_the_scan_flags_what_is_two_links_from_a_black_listed_subject(w: World) -> None:
    scanned = w.client.post("/api/v1/related-party-scans", headers=w.authority.headers)
    assert scanned.status_code == 201, scanned.text
    assert scanned.json()["sources"] == 1 and scanned.json()["flagged"] == 1
    assert w.client.post("/api/v1/related-party-scans", headers=w.user.headers).status_code == 403
    flags = w.client.get(
        "/api/v1/related-party-flags",
        params={"purpose": "重点监管对象排查"},
        headers=w.market.headers,
    )
    assert flags.status_code == 200, flags.text
    [flag] = flags.json()["items"]
    assert flag["subject"]["credit_code"] == BETA and flag["black_subject"]["credit_code"] == ACME
    assert flag["distance"] == 2 and flag["path_text"] == FLAG_PATH
    assert flags.json()["total"] == 1 and flags.json()["scan"]["flagged"] == 1


def test_the_scan_reads_every_link_and_shareholding_as_columns(w: World) -> None:
    """PostgreSQL reads the whole graph by COPY into columns, SQLite by its cursor: the same
    edges as the links and shareholdings read one subject at a time."""
    with w.db.transaction() as session:
        edges = repository.all_edges(session)
        ids = session.execute(select(Subject.id)).scalars().all()
        expected = sorted(repository.edges_touching(session, ids))
    read = sorted(zip(edges.holder.tolist(), edges.of.tolist(), edges.role.tolist(), strict=True))
    assert read == expected
    # 李法人 of ACME and of BETA, and BETA a shareholder of GAMMA, at least.
    assert len(read) >= 3 and {role for _, _, role in read} >= {0, 4}


def test_no_links_no_edges(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        edges = repository.all_edges(session)
    assert len(edges) == 0 and edges.holder.dtype.kind == "i"


def test_the_daily_jobs_scan_once_a_day_and_a_scan_replaces_the_flags(w: World, db, clock) -> None:  # type: ignore[no-untyped-def]
    ctx = CollectionContext(db)
    assert run_jobs(db, clock, ctx)["related_party_scans"] == 1
    assert run_jobs(db, clock, ctx)["related_party_scans"] == 0
    clock.advance(days=1)
    assert run_jobs(db, clock, ctx)["related_party_scans"] == 1
    with db.transaction() as session:
        flagged = session.execute(select(RelatedPartyFlag.subject_id)).scalars().all()
    assert len(flagged) == 1


def test_the_cli_scans_and_shows(w: World, run) -> None:  # type: ignore[no-untyped-def]
    scanned = run("relations", "scan")
    assert scanned.exit_code == 0, scanned.output
    assert "黑名单主体 1 个" in scanned.output and "标记组织 1 家" in scanned.output
    shown = run("relations", "show", BETA, "--purpose", "联合惩戒核查", "--json")
    assert shown.exit_code == 0, shown.output
    names = {r["subject"]["name"] for r in json.loads(shown.output)["related"]}
    assert names == {"李法人", ACME_NAME, GAMMA_NAME}
    refused = run("relations", "show", BETA, "--purpose", " ")
    assert refused.exit_code == 1 and "missing_purpose" in refused.output
