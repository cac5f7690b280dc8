"""Evidence files (证明材料, Measures art. 31) submitted with objections, appeals and repairs:
PDF, JPEG or PNG, at most 20 MB each, recognised by their content rather than their name."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.errors import Conflict, InvalidRequest, NotFound, XinyongError
from xinyong.models import EvidenceFile
from xinyong.rights.procedures import may_see
from xinyong.rights.schemas import EvidenceOut
from xinyong.rights.step import Procedure, Step

MAX_BYTES = 20 * 1024 * 1024
# The first bytes of each accepted format (ISO 32000 %PDF-; JPEG SOI marker; PNG signature).
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class FileTooLarge(XinyongError):
    status = 413
    code = "file_too_large"


class UnsupportedFileType(XinyongError):
    status = 415
    code = "unsupported_file_type"


def too_large() -> FileTooLarge:
    return FileTooLarge(
        "证明材料每个文件不得超过 20 MB", "an evidence file may hold at most 20 MB", field="file"
    )


def content_type_of(head: bytes) -> str:
    for magic, content_type in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    raise UnsupportedFileType(
        "证明材料只接受 PDF、JPEG 或 PNG 文件",
        "evidence files must be PDF, JPEG or PNG",
        field="file",
    )


def store(
    session: Session, step: Step, *, subject_id: int, filename: str, data: bytes
) -> EvidenceFile:
    """Keep an uploaded file for the subject; a procedure takes it later (:func:`take`)."""
    if len(data) > MAX_BYTES:
        raise too_large()
    row = EvidenceFile(
        subject_id=subject_id,
        id=step.ctx.ids.next_id(),
        filename=(filename or "file")[-200:],
        content_type=content_type_of(data[:16]),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=step.principal.actor,
        uploaded_at=step.now,
    )
    session.add(row)
    audit.log(
        session,
        actor=step.principal.actor,
        action="evidence.uploaded",
        at=step.now,
        subject_id=subject_id,
        target_type="evidence_file",
        target_id=row.id,
        detail={"sha256": row.sha256, "size": row.size, "content_type": row.content_type},
    )
    return row


def unknown_file(field: str) -> InvalidRequest:
    return InvalidRequest(
        "证明材料不存在或不属于该主体",
        "no such evidence file for this subject",
        field=field,
        code="unknown_file",
    )


def file_in_use(field: str) -> Conflict:
    return Conflict(
        "该证明材料已用于其他申请",
        "the evidence file is attached to another procedure already",
        field=field,
        code="file_in_use",
    )


def lacks_authorisation(agent_name: str | None, kinds: set[str]) -> bool:
    """An agent acts for the subject only with its letter of authorisation among the files
    (Measures art. 31, 34: the subject's own application, made through an agent)."""
    return bool(agent_name) and "authorisation" not in kinds


def check_unused(session: Session, subject_id: int, file_id: int, field: str) -> None:
    """The file is the subject's own and not yet taken by a procedure, checked without taking
    it (a dry run files nothing: :func:`take` checks again, locked)."""
    used = session.execute(
        select(EvidenceFile.procedure_id).where(
            EvidenceFile.subject_id == subject_id, EvidenceFile.id == file_id
        )
    ).one_or_none()
    if used is None:
        raise unknown_file(field)
    if used[0] is not None:
        raise file_in_use(field)


def take(
    session: Session,
    procedure: str,
    of: Procedure,
    files: list[tuple[int, str]],
    *,
    field: str = "evidence",
) -> list[EvidenceFile]:
    """Attach uploaded files (id, kind) to ``of``, the objection, appeal or repair
    ``procedure`` names. Each must be the subject's own and not yet used by another
    procedure."""
    taken = []
    for index, (file_id, kind) in enumerate(files):
        row = session.execute(
            select(EvidenceFile)
            .where(EvidenceFile.subject_id == of.subject_id, EvidenceFile.id == file_id)
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise unknown_file(f"{field}[{index}].file_id")
        if row.procedure_id is not None:
            raise file_in_use(f"{field}[{index}].file_id")
        row.procedure = procedure
        row.procedure_id = of.id
        row.kind = kind
        taken.append(row)
    return taken


def files_of(session: Session, subject_id: int, procedure_id: int) -> list[EvidenceFile]:
    return list(
        session.execute(
            select(EvidenceFile)
            .where(EvidenceFile.subject_id == subject_id, EvidenceFile.procedure_id == procedure_id)
            .order_by(EvidenceFile.id)
        ).scalars()
    )


def get_file(session: Session, file_id: int) -> EvidenceFile:
    row = session.execute(
        select(EvidenceFile).where(EvidenceFile.id == file_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(
            "证明材料不存在", "no such evidence file", field="file_id", code="unknown_file"
        )
    return row


def read(session: Session, principal: Principal, file_id: int, *, now: datetime) -> EvidenceFile:
    """An evidence file as ``principal`` may read it, the read audited: the subject that
    uploaded it, the authority, and a department that handles its procedure (Measures art.
    36: every read is traced); for anyone else 404, never a hint that it exists."""
    row = get_file(session, file_id)
    if not may_see(session, principal, row.subject_id, row.procedure_id, row.procedure):
        raise NotFound(
            "证明材料不存在", "no such evidence file", field="file_id", code="unknown_file"
        )
    audit.log(
        session,
        actor=principal.actor,
        action="evidence.read",
        at=now,
        subject_id=row.subject_id,
        target_type="evidence_file",
        target_id=row.id,
        purpose=f"{row.procedure or 'upload'}:{row.procedure_id or ''}",
    )
    return row


def evidence_out(row: EvidenceFile) -> EvidenceOut:
    return EvidenceOut(
        id=str(row.id),
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        kind=row.kind,
        uploaded_at=row.uploaded_at,
    )
