"""Two signings of the same acceptance at once: one commitment, the other 409
`commitment_pending` — on PostgreSQL the later waits on the unique index and fails there (its
savepoint turns that into the 409); on SQLite writers take turns and the later sees the first."""

from __future__ import annotations

import threading

from commitment_world import DOCUMENTS, MISSING, CommitmentWorld
from sqlalchemy import func, select

from xinyong.commitments.schemas import CommitmentIn
from xinyong.commitments.service import sign
from xinyong.core.auth import Principal
from xinyong.errors import Conflict
from xinyong.models import Commitment, Role
from xinyong.rights.step import Step


def test_two_signings_at_once_make_one_commitment(app, cw: CommitmentWorld) -> None:  # type: ignore[no-untyped-def]
    db = cw.w.db
    principal = Principal(role=Role.subject, subject_id=cw.acme_id, token_id=1)
    body = CommitmentIn(
        item=MISSING,
        template_version=1,
        department="amr",
        reference="R-1",
        confirmed=True,
        missing_documents=DOCUMENTS,
    )
    first_signed = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with db.transaction() as session:
            sign(session, Step(app.state.collection, principal, cw.w.clock.now()), body)
            session.flush()
            first_signed.set()
            # Hold the transaction open while the second signs.
            threading.Event().wait(1.0)

    def second() -> None:
        first_signed.wait(10)
        try:
            with db.transaction() as session:
                sign(session, Step(app.state.collection, principal, cw.w.clock.now()), body)
            outcome["second"] = "signed"
        except Conflict as exc:
            outcome["second"] = exc.code

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcome["second"] == "commitment_pending"
    with db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Commitment)).scalar_one() == 1
