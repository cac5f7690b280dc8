"""Documents issued to a subject and kept in its archive: decisions of its procedures and the
written apology and clarification after a wrongful listing (003 联合奖惩 §（二十四）:
对因错误认定而被列入失信名单的主体 … 书面道歉并澄清)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.models import Document
from xinyong.rights.step import Procedure, Step


def issue(
    session: Session,
    step: Step,
    procedure: str,
    of: Procedure,
    *,
    kind: str,
    title: str,
    body: str,
) -> Document:
    """A document of ``of``, the objection, appeal or repair ``procedure`` names."""
    doc = Document(
        subject_id=of.subject_id,
        id=step.ctx.ids.next_id(),
        kind=kind,
        title=title[:200],
        body=body,
        procedure=procedure,
        procedure_id=of.id,
        issued_by=step.principal.actor,
        issued_at=step.now,
    )
    session.add(doc)
    audit.log(
        session,
        actor=step.principal.actor,
        action=f"document.{kind}",
        at=step.now,
        subject_id=of.subject_id,
        target_type="document",
        target_id=doc.id,
        detail={"title": doc.title, "procedure": procedure, "procedure_id": of.id},
    )
    return doc


def documents_of(session: Session, subject_id: int) -> list[Document]:
    return list(
        session.execute(
            select(Document).where(Document.subject_id == subject_id).order_by(Document.id)
        ).scalars()
    )
