"""告知承诺 (审批替代型) on the accepting department's task queue (tasks/service): the
verification (核查) it owes from the day it grants on a commitment, and the revocation (撤销
许可) it owes once the commitment is found false or not kept. service.py calls these in the
transaction of the step that opens or closes each task; the rules and their citations are in
rules.py (``verification_due_on``, ``prompts_revocation``, ``revocation_due_on``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from xinyong.commitments import rules
from xinyong.commitments.schemas import CommitmentItemSpec
from xinyong.core.calendar import calendar_for
from xinyong.models import Commitment, Subject, Task
from xinyong.rights.step import Step
from xinyong.tasks.service import (
    COMMITMENT_VERIFICATION,
    LICENCE_REVOCATION,
    close_tasks,
    open_task,
)

PROCEDURE = "commitment"
# Why the grant is to be revoked, as the task's title says it.
GROUNDS = {"false": "告知承诺经核查不实", "breached": "未履行告知承诺"}


def open_verification(
    session: Session, step: Step, c: Commitment, spec: CommitmentItemSpec
) -> Task | None:
    """On the grant (the acceptance) of a 告知承诺: its verification on the department's
    queue, due at the end of the item's verification period. Other types: nothing."""
    if not rules.is_granted_on_commitment(c.type.value) or spec.verification is None:
        return None
    due = rules.verification_due_on(calendar_for(session), step.today, spec.verification)
    subject = session.get_one(Subject, c.subject_id)
    title = f"核查告知承诺：{subject.name}，{spec.name}（{spec.verification.method}）"
    return _open(session, step, c, COMMITMENT_VERIFICATION, title, due)


def after_determination(session: Session, step: Step, c: Commitment, item_name: str) -> None:
    """A determination closes the verification; a 告知承诺 found false or not kept opens the
    revocation of what was granted on it (rules.prompts_revocation)."""
    close_tasks(
        session, step, subject_id=c.subject_id, procedure_id=c.id, kind=COMMITMENT_VERIFICATION
    )
    if not rules.prompts_revocation(c.type.value, c.state.value):
        return
    due = rules.revocation_due_on(calendar_for(session), step.today)
    subject = session.get_one(Subject, c.subject_id)
    title = f"撤销许可：{subject.name}，{item_name}（{GROUNDS[c.state.value]}）"
    _open(session, step, c, LICENCE_REVOCATION, title, due)


def _open(session: Session, step: Step, c: Commitment, kind: str, title: str, due: date) -> Task:
    """A task of the commitment on its accepting department's queue."""
    return open_task(
        session,
        step,
        subject_id=c.subject_id,
        kind=kind,
        procedure=PROCEDURE,
        procedure_id=c.id,
        department_id=c.department_id,
        title=title,
        due_on=due,
    )


def close_revocation(session: Session, step: Step, c: Commitment) -> None:
    close_tasks(session, step, subject_id=c.subject_id, procedure_id=c.id, kind=LICENCE_REVOCATION)
