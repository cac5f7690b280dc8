"""The demo data carries credit commitments and self-declarations made through the real
procedures: every type, in the states a year of work leaves them, each determination with what
it brings with it."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from fixtures.demo import FULL, kept_demo
from xinyong.models import Commitment, CommitmentState, Declaration, DeclarationState, Record, Task


def test_demo_commitments_are_of_every_type_and_coherent(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    result = kept_demo(client, db, clock, **FULL)
    with db.transaction() as session:
        commitments = list(session.execute(select(Commitment)).scalars())
        records = {
            r.id: r
            for r in session.execute(
                select(Record).where(Record.item_code == "broken_commitment")
            ).scalars()
        }
        open_tasks = list(session.execute(select(Task).where(Task.closed_at.is_(None))).scalars())
    assert result.commitments == len(commitments) > 20
    assert {c.type.value for c in commitments} >= {
        "approval_substitute",
        "missing_documents",
        "self_discipline",
        "voluntary",
    }
    states = Counter(c.state for c in commitments)
    assert states[CommitmentState.fulfilled] and states[CommitmentState.pending]
    for c in commitments:
        assert c.signed_at <= clock.now()
        if c.state in (CommitmentState.breached, CommitmentState.false):
            # the breach record, in the accepting department's name
            assert records[c.record_id].provider_id == c.department_id
        if c.state is not CommitmentState.pending:
            assert c.accepted_at is not None and c.closed_at is not None
    # Tasks left open are those of commitments still waiting: never a closed one's.
    waiting = {c.id for c in commitments if c.state is CommitmentState.pending}
    assert all(t.procedure_id in waiting for t in open_tasks if t.procedure == "commitment")
    # Declarations: licences the platform verified itself, honours left to departments.
    with db.transaction() as session:
        declarations = list(session.execute(select(Declaration)).scalars())
    assert result.declarations == len(declarations) > 0
    by_state = Counter((d.category.value, d.state) for d in declarations)
    assert by_state[("qualification", DeclarationState.verified)]
    assert (
        by_state[("honour", DeclarationState.pending)]
        or by_state[("honour", DeclarationState.verified)]
    )
    # The 信用承诺专栏 shows them.
    page = client.get("/commitments")
    assert page.status_code == 200 and "承诺履约状态" in page.text
