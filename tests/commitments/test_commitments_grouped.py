"""Online signings that arrive together are committed in groups (core/group_commit.py): from
threads through the API, every signing answered 201 is stored with its step, audit entry and
feed change; the chain verifies and the feed has no gap; a refused signing among them gets its
own 4xx and stores nothing."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from commitment_world import CommitmentWorld, error
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.group_commit import GroupWriter
from xinyong.models import AuditEntry, Change, ChangeHead, Commitment, ProcedureStep


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
