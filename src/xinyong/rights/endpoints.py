"""Evidence files and the documents issued to a subject, under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, clock, current_principal, database, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.db import Database
from xinyong.errors import Forbidden, InvalidRequest
from xinyong.models import Role
from xinyong.rights import documents, evidence
from xinyong.rights.schemas import DocumentOut, EvidenceOut
from xinyong.rights.step import Step
from xinyong.subjects.service import find_subject

router = APIRouter(tags=["rights"])

CHUNK = 1 << 20


def request_step(request: Request, principal: Principal) -> Step:
    """A step of a rights procedure taken through the API: by the caller, now."""
    return Step(request.app.state.collection, principal, clock(request).now())


def acting_subject(
    session: Session, principal: Principal, key: str | None, db: Database, *, field: str
) -> int:
    """The subject a caller acts for: a subject's own token acts for itself only (403 for any
    other); the authority acts for the subject it names (an agent at its counter), and so does
    a department (the scan of a paper commitment it records)."""
    if principal.role is Role.subject:
        if key is not None:
            other = find_subject(session, key, cipher=db.cipher)
            if other.id != principal.subject_id:
                raise Forbidden(
                    "只能为本主体办理",
                    "a subject may act for itself only",
                    field=field,
                    code="not_your_subject",
                )
        return principal.subject_id  # type: ignore[return-value]  # a subject token names one
    if key is None:
        raise InvalidRequest(
            "须指明信息主体", "name the subject", field=field, code="missing_subject"
        )
    return find_subject(session, key, cipher=db.cipher).id


@router.post(
    "/evidence",
    status_code=201,
    response_model=EvidenceOut,
    **endpoint(
        Role.subject,
        Role.provider,
        Role.user_department,
        Role.authority,
        errors={
            403: ["not_your_subject"],
            404: ["subject_not_found"],
            413: ["file_too_large"],
            415: ["unsupported_file_type"],
            422: ["missing_subject"],
        },
        summary="Upload an evidence file (证明材料)",
    ),
)
async def post_evidence(
    request: Request,
    file: UploadFile = File(description="PDF, JPEG or PNG, at most 20 MB"),
    subject: str | None = Form(
        default=None,
        description="credit code or ID number; the authority or a department names the subject",
    ),
    principal: Principal = current_principal,
    db: Database = Depends(database),
) -> EvidenceOut:
    """Upload one file for a later objection, appeal or repair — or, by a department, the
    scan of a paper commitment or the evidence of its fulfilment, for the subject it names
    (`POST /commitments`, `/commitments/{id}/fulfilment`); refer to it by its `id`. The
    type is judged by content (PDF, JPEG, PNG only: 415, an empty file too) and the size is
    capped at 20 MB (413)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > evidence.MAX_BYTES:
            raise evidence.too_large()
        chunks.append(chunk)
    data = b"".join(chunks)
    evidence.content_type_of(data[:16])
    with db.transaction() as session:
        subject_id = acting_subject(session, principal, subject, db, field="subject")
        row = evidence.store(
            session,
            request_step(request, principal),
            subject_id=subject_id,
            filename=file.filename or "file",
            data=data,
        )
        return evidence.evidence_out(row)


@router.get(
    "/evidence/{file_id}",
    **endpoint(
        Role.subject,
        Role.provider,
        Role.authority,
        errors={404: ["unknown_file"]},
        summary="Download an evidence file",
    ),
    response_class=Response,
)
def get_evidence(
    file_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> Response:
    """The subject that uploaded it, the authority, and a department that handles its
    procedure may read it; every read is audited. Others get 404, never a hint it exists."""
    row = evidence.read(session, principal, file_id, now=clock(request).now())
    return Response(
        row.content,
        media_type=row.content_type,
        headers={"Content-Disposition": f'attachment; filename="file-{row.id}"'},
    )


@router.get(
    "/subjects/{key}/documents",
    response_model=list[DocumentOut],
    **endpoint(
        Role.subject,
        Role.provider,
        Role.user_department,
        Role.authority,
        errors={404: ["subject_not_found"], 403: ["not_your_subject"]},
        summary="Documents issued to a subject (decisions, apologies)",
    ),
)
def get_documents(
    key: str,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> list[DocumentOut]:
    """Decisions of the subject's objections, appeals and repairs, and the written apology
    and clarification after a wrongful listing (003 联合奖惩 §（二十四））, oldest first."""
    subject = find_subject(session, key, cipher=db.cipher)
    if principal.role is Role.subject and principal.subject_id != subject.id:
        raise Forbidden(
            "只能查看本主体的文书",
            "a subject may read its own documents only",
            code="not_your_subject",
        )
    return [
        DocumentOut(
            id=str(d.id),
            kind=d.kind,
            title=d.title,
            body=d.body,
            procedure=d.procedure,
            procedure_id=str(d.procedure_id) if d.procedure_id is not None else None,
            issued_by=d.issued_by,
            issued_at=d.issued_at,
        )
        for d in documents.documents_of(session, subject.id)
    ]
