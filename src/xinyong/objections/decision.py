"""The objection's decision document (异议处理决定书, Measures art. 32): what was objected to
and on what ground, then the finding and what follows from it — for every kind of target
(objections/service.py, objections/evaluation.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong.core.clock import local_date
from xinyong.core.labels import DOCUMENT_KINDS, OBJECTION_GROUNDS
from xinyong.models import Objection, Subject
from xinyong.objections.repository import PROCEDURE
from xinyong.rights import documents
from xinyong.rights.step import Step


def issue_decision(session: Session, step: Step, obj: Objection, target: str, finding: str) -> None:
    """Issue the document: ``target`` names what was objected to, ``finding`` follows."""
    subject = session.get_one(Subject, obj.subject_id)
    documents.issue(
        session,
        step,
        PROCEDURE,
        obj,
        kind="objection_decision",
        title=f"{DOCUMENT_KINDS['objection_decision']}（异议 {obj.id}）",
        body=(
            f"{subject.name}：\n"
            f"你（单位）于 {local_date(obj.filed_at).isoformat()} "
            f"对{target}提出的异议申请"
            f"（理由：{OBJECTION_GROUNDS[obj.ground]}），"
            f"{finding}"
        ),
    )
