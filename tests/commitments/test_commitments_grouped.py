"""Online signings that arrive together are committed in groups (core/group_commit.py): from
threads through the API, every signing answered 201 is stored with its step, audit entry and
feed change; the chain verifies and the feed has no gap; a refused signing among them gets its
own 4xx and stores nothing."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from commitment_world import CommitmentWorld, error
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from fixtures.helpers import Caller, make_caller
from xinyong.core import audit
from xinyong.core.crypto import token_hash
from xinyong.core.group_commit import GroupWriter
from xinyong.departments.service import revoke_token
from xinyong.models import (
    ApiToken,
    AuditEntry,
    Change,
    ChangeHead,
    Commitment,
    ProcedureStep,
    Role,
)


def _sign_at_once(cw: CommitmentWorld, bodies: list[dict]) -> list:  # type: ignore[type-arg]
    """The signings from threads, all in one group: the app's writer is held by a write of
    ours until every signing waits in its queue."""
    writer: GroupWriter = cw.client.app.state.signings
    started, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        started.set()
        assert release.wait(30)

    with ThreadPoolExecutor(len(bodies) + 1) as pool:
        held = pool.submit(writer.run, hold)
        assert started.wait(10)
        answers = [pool.submit(cw.sign, **over) for over in bodies]
        for _ in range(3000):
            if writer._queue.qsize() == len(bodies):
                break
            time.sleep(0.01)
        assert writer._queue.qsize() == len(bodies)
        release.set()
        held.result(30)
        return [a.result(60) for a in answers]


def _whole(cw: CommitmentWorld) -> tuple[int, int, int, int]:
    """(commitments, their steps, their entries, their changes), after checking the chain and
    the feed's numbering."""
    with cw.w.db.transaction() as session:
        assert audit.verify(session).ok
        seqs = list(session.execute(select(Change.seq).order_by(Change.seq)).scalars())
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        assert seqs[-1] == session.execute(select(ChangeHead.seq)).scalar_one()
        return (
            session.execute(select(func.count()).select_from(Commitment)).scalar_one(),
            session.execute(
                select(func.count()).where(ProcedureStep.procedure == "commitment")
            ).scalar_one(),
            session.execute(
                select(func.count()).where(AuditEntry.action == "commitment.signed")
            ).scalar_one(),
            session.execute(select(func.count()).where(Change.topic == "commitment")).scalar_one(),
        )


def test_signings_at_once_are_all_stored_chained_and_numbered(cw: CommitmentWorld) -> None:
    answers = _sign_at_once(cw, [{"reference": f"并发-{k}"} for k in range(24)])
    assert [a.status_code for a in answers] == [201] * 24, [a.text for a in answers]
    ids = {a.json()["id"] for a in answers}
    assert len(ids) == 24
    assert all([s["step"] for s in a.json()["steps"]] == ["signed"] for a in answers)
    assert _whole(cw) == (24, 24, 24, 24)
    # Each one readable afterwards as it was answered.
    one = answers[7].json()
    again = cw.client.get(f"/api/v1/commitments/{one['id']}", headers=cw.acme.headers).json()
    assert again["text_sha256"] == one["text_sha256"] and again["reference"] == "并发-7"


def test_a_refused_signing_among_good_ones_is_refused_alone(cw: CommitmentWorld) -> None:
    bodies: list[dict] = [{"reference": f"好-{k}"} for k in range(12)]
    bodies[3] = {"reference": "坏-版本", "template_version": 99}
    bodies[8] = {"reference": "坏-部门", "department": "nowhere"}
    bodies[10] = {"reference": "坏-事项", "item": "no_such_item"}
    answers = _sign_at_once(cw, bodies)
    assert answers[3].status_code == 409 and error(answers[3])["code"] == "template_not_current"
    assert answers[8].status_code == 422 and error(answers[8])["code"] == "unknown_department"
    assert answers[10].status_code == 422
    assert error(answers[10])["code"] == "unknown_commitment_item"
    good = [a for k, a in enumerate(answers) if k not in (3, 8, 10)]
    assert [a.status_code for a in good] == [201] * 9, [a.text for a in good]
    assert _whole(cw) == (9, 9, 9, 9)
    with cw.w.db.transaction() as session:
        refs = set(session.execute(select(Commitment.reference)).scalars())
    assert not any(r.startswith("坏") for r in refs)


def test_the_same_acceptance_signed_twice_at_once_is_one_commitment(cw: CommitmentWorld) -> None:
    """In one group the later ones see the first's pending commitment (same transaction):
    one 201, the others 409 `commitment_pending` (across processes, the unique index decides:
    test_commitments_concurrent.py)."""
    answers = _sign_at_once(cw, [{"reference": "同一受理"} for _ in range(6)])
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409, 409, 409, 409, 409], [a.text for a in answers]
    assert all(error(a)["code"] == "commitment_pending" for a in answers if a.status_code == 409)
    assert _whole(cw) == (1, 1, 1, 1)


def test_each_answer_is_what_a_read_of_the_commitment_shows(cw: CommitmentWorld) -> None:
    """The answer to a signing is built from what it wrote, not read back: it is the same
    document, field for field, as a later read — alone, in a group, and on paper."""
    alone = cw.signed(reference="单独")
    grouped = _sign_at_once(cw, [{"reference": f"成组-{k}"} for k in range(3)])
    paper = cw.paper(reference="纸质")
    answers = [alone, *(a.json() for a in grouped), paper]
    for answer in answers:
        again = cw.client.get(f"/api/v1/commitments/{answer['id']}", headers=cw.acme.headers)
        assert again.status_code == 200
        assert again.json() == answer
    assert [s["step"] for s in paper["steps"]] == ["signed", "accepted"]


def test_a_group_of_online_signings_runs_no_statement_per_signing(cw: CommitmentWorld) -> None:
    """Each online signing of a group is checked against what the group read for all of them,
    and its rows are appended with the group's: no savepoint is opened and no commitment is
    inserted one by one, however many sign together."""
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread().name.startswith("xinyong-group"):  # not the tokens' reads
            statements.append(" ".join(statement.split()).upper())

    cw.signed(reference="先签")  # the process's item list and calendar read and kept
    event.listen(cw.w.db.engine, "before_cursor_execute", seen)
    try:
        small = _sign_at_once(cw, [{"reference": f"小-{k}"} for k in range(2)])
        in_small = len(statements)
        statements.clear()
        large = _sign_at_once(cw, [{"reference": f"大-{k}"} for k in range(12)])
    finally:
        event.remove(cw.w.db.engine, "before_cursor_execute", seen)
    assert [a.status_code for a in small + large] == [201] * 14
    assert not [s for s in statements if s.startswith(("SAVEPOINT", "INSERT INTO COMMITMENTS"))]
    # The group of 12 runs what the group of 2 ran (the reads of the group, its appends).
    assert len(statements) == in_small, statements
    assert _whole(cw) == (15, 15, 15, 15)


def test_a_pending_commitment_stored_meanwhile_elsewhere_is_the_409(cw: CommitmentWorld) -> None:
    """Another transaction stores a pending commitment of the same acceptance after the group
    read the pending ones: appending the group's rows clashes with it, the group runs again
    with each signing inserting its own row, and only that signing is refused. (PostgreSQL:
    on SQLite the group holds the only write lock from its first read to its commit.)"""
    db = cw.w.db
    if db.dialect != "postgresql":
        pytest.skip("SQLite: no other transaction writes while a group runs")
    elsewhere = cw.signed(reference="别处")

    runs: list[int] = []

    def store_elsewhere(session: Session) -> None:
        # A copy of that commitment, pending under the reference one of the group signs,
        # committed by another connection while the group's transaction is open (once: the
        # group runs twice).
        runs.append(1)
        if len(runs) > 1:
            return
        with db.transaction() as other:
            row = other.execute(
                select(Commitment).where(Commitment.reference == "别处")
            ).scalar_one()
            values = {c.key: getattr(row, c.key) for c in Commitment.__table__.columns}
            other.execute(insert(Commitment), [dict(values, id=row.id + 1, reference="撞车")])

    writer: GroupWriter = cw.client.app.state.signings
    started, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        started.set()
        assert release.wait(30)

    bodies = [{"reference": r} for r in ("甲", "撞车", "乙")]
    with ThreadPoolExecutor(len(bodies) + 2) as pool:
        held = pool.submit(writer.run, hold)
        assert started.wait(10)
        stored = pool.submit(writer.run, store_elsewhere)
        while writer._queue.qsize() < 1:
            time.sleep(0.01)
        answers = [pool.submit(cw.sign, **b) for b in bodies]
        for _ in range(3000):
            if writer._queue.qsize() == len(bodies) + 1:
                break
            time.sleep(0.01)
        release.set()
        held.result(30)
        stored.result(60)
        answers = [a.result(60) for a in answers]
    assert [a.status_code for a in answers] == [201, 409, 201], [a.text for a in answers]
    assert error(answers[1])["code"] == "commitment_pending"
    assert len(runs) == 2  # the group ran again
    assert error(answers[1])["detail"]["commitment_id"] == str(int(elsewhere["id"]) + 1)
    # The two signed, the one signed before and its copy; steps, entries and changes of the
    # three signed through the API only.
    assert _whole(cw) == (4, 3, 3, 3)


def _revoke(cw: CommitmentWorld, token: str) -> None:
    with cw.w.db.transaction() as session:
        row = session.execute(
            select(ApiToken).where(ApiToken.token_hash == token_hash(token))
        ).scalar_one()
        revoke_token(session, row.id, actor="test", now=cw.w.clock.now())


def test_a_revoked_or_unknown_token_signs_nothing_in_a_group(cw: CommitmentWorld) -> None:
    """The door leaves the token of a valid signing to its group, which reads the tokens of
    all its signings at once: a revoked token and an unknown one are 401 there, nothing of
    theirs stored, and the others of the group sign."""
    revoked = make_caller(cw.w.db, cw.w.clock, role=Role.subject, subject_id=cw.acme_id)
    _revoke(cw, revoked.token)
    writer: GroupWriter = cw.client.app.state.signings
    started, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        started.set()
        assert release.wait(30)

    callers = [cw.acme, revoked, Caller("xy_" + "0" * 40, None), cw.acme]
    with ThreadPoolExecutor(len(callers) + 1) as pool:
        held = pool.submit(writer.run, hold)
        assert started.wait(10)
        answers = [pool.submit(cw.sign, c, reference=f"令牌-{k}") for k, c in enumerate(callers)]
        for _ in range(3000):
            if writer._queue.qsize() == len(callers):
                break
            time.sleep(0.01)
        release.set()
        held.result(30)
        answers = [a.result(60) for a in answers]
    assert [a.status_code for a in answers] == [201, 401, 401, 201], [a.text for a in answers]
    assert {error(a)["code"] for a in answers[1:3]} == {"not_authenticated"}
    assert _whole(cw) == (2, 2, 2, 2)


def test_the_door_still_answers_before_the_body(cw: CommitmentWorld) -> None:
    """A signing whose body is not valid has its caller checked at the door, as at every
    endpoint: no token or a revoked one is 401, not the body's 422; a good caller gets the
    422."""
    revoked = make_caller(cw.w.db, cw.w.clock, role=Role.subject, subject_id=cw.acme_id)
    _revoke(cw, revoked.token)
    bad = {"item": "enterprise_registration_missing"}  # no template_version, no reference
    for headers in ({}, revoked.headers):
        answer = cw.client.post("/api/v1/commitments", json=bad, headers=headers)
        assert answer.status_code == 401 and error(answer)["code"] == "not_authenticated"
    answer = cw.client.post("/api/v1/commitments", json=bad, headers=cw.acme.headers)
    assert answer.status_code == 422 and error(answer)["code"] == "invalid_request"
    # A valid body without a token never reaches the group.
    answer = cw.client.post(
        "/api/v1/commitments",
        json={"item": "x", "template_version": 1, "reference": "r"},
    )
    assert answer.status_code == 401
