"""Self-declaration (自主申报) under /api/v1: the categories, declaring, verification."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, current_principal, cursor, db_session, endpoint, json_part
from xinyong.core.auth import Principal
from xinyong.declarations import rules, service
from xinyong.declarations.schemas import (
    CategoriesOut,
    DeclarationIn,
    DeclarationOut,
    VerificationIn,
)
from xinyong.models import Role
from xinyong.rights import evidence
from xinyong.rights.endpoints import request_step

router = APIRouter(tags=["declarations"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
READERS = (Role.subject, Role.provider, Role.user_department, Role.authority)
CHUNK = 1 << 20


@router.get(
    "/declaration-categories",
    response_model=CategoriesOut,
    **endpoint(*EVERYONE, summary="What a subject may declare (自主申报信息类别)"),
)
def get_declaration_categories() -> CategoriesOut:
    """The five categories (资质证照, 生产经营, 合同履行, 表彰奖励, 社会公益) with their
    fields, who may read a verified declaration of each, the sectors competent to verify it,
    the catalog items whose records may confirm it automatically, and the truthfulness text
    a subject confirms with its version (000 §（五））."""
    return service.categories_out()


def _read(file: UploadFile) -> service.Attachment:
    """One upload, read no further than its limit (413 ``file_too_large`` past 20 MB)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := file.file.read(CHUNK):
        size += len(chunk)
        if size > evidence.MAX_BYTES:
            raise evidence.too_large()
        chunks.append(chunk)
    return service.Attachment(
        filename=(file.filename or "file")[-200:],
        claimed=file.content_type,
        data=b"".join(chunks),
    )


@router.post(
    "/declarations",
    status_code=201,
    response_model=DeclarationOut,
    **endpoint(
        Role.subject,
        errors={
            400: ["malformed_json"],
            409: ["commitment_text_not_current", "calendar_year_unknown"],
            413: ["file_too_large", "body_too_large"],
            422: [
                "unknown_declaration_category",
                "missing_declaration_field",
                "invalid_declaration_field",
                "missing_legal_representative",
                "not_confirmed",
                "unknown_department",
                "department_not_competent",
                "too_many_attachments",
                "attachment_type_mismatch",
                "unsupported_attachment_type",
            ],
        },
        summary="Declare information about oneself (自主申报)",
    ),
)
def post_declaration(
    request: Request,
    declaration: str = Form(
        description="the declaration as JSON (DeclarationIn): category, fields, "
        "legal_representative, department, commitment_version, confirmed"
    ),
    files: list[UploadFile] = File(
        default=[],
        description=f"attachments: PDF, JPEG or PNG, at most 20 MB each, at most "
        f"{rules.MAX_ATTACHMENTS}",
    ),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DeclarationOut:
    """A subject declares for itself, as `multipart/form-data`: the `declaration` part (JSON)
    and its attachments as `files`. The `fields` are the category's
    (`GET /declaration-categories`; 422 `missing_declaration_field` with `detail.missing`,
    `invalid_declaration_field`); an organisation states its `legal_representative`; the
    subject confirms the truthfulness text of `commitment_version` (`confirmed: true`), which
    is stored rendered whole with its SHA-256. Attachments are judged by their content: one
    that claims a type it is not (422 `attachment_type_mismatch`) or is none of PDF, JPEG and
    PNG (422 `unsupported_attachment_type`) is refused, and nothing is stored. The platform
    verifies the declaration at once where the subject's registration and records confirm it
    (`state` `verified`, `verified_by` `automatic`); otherwise it goes to the competent
    department — the one named in `department` if its sector is competent (else 422
    `department_not_competent`), or the platform's choice — with a deadline in working days
    (`due_on`)."""
    body = json_part(DeclarationIn, declaration, "declaration", "申报信息")
    attachments = [_read(f) for f in files]
    d = service.declare(session, request_step(request, principal), body, attachments)
    session.flush()
    return service.declaration_out(session, d)


@router.get(
    "/declarations",
    response_model=list[DeclarationOut],
    **endpoint(*READERS, summary="Declarations: the subject's own, the department's, or all"),
)
def get_declarations(
    state: Literal["pending", "verified", "rejected", "false"] | None = Query(default=None),
    category: Literal["qualification", "operation", "contract", "honour", "public_interest"]
    | None = Query(default=None),
    after: int | None = cursor("declaration id to continue after"),
    limit: int = Query(default=100, ge=1, le=1000),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[DeclarationOut]:
    """A subject sees its own declarations, a department those routed to it for
    verification, the authority every one; oldest first, `after` the last id of the page
    before."""
    rows = service.find_declarations(
        session, principal, state=state, category=category, after=after, limit=limit
    )
    return [service.declaration_out(session, d) for d in rows]


@router.get(
    "/declarations/{declaration_id}",
    response_model=DeclarationOut,
    **endpoint(
        *READERS, errors={404: ["unknown_declaration"]}, summary="A declaration, with its steps"
    ),
)
def get_declaration(
    declaration_id: BigId,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DeclarationOut:
    """For the subject itself, the competent department and the authority; 404 for anyone
    else."""
    return service.declaration_out(
        session, service.get_declaration(session, principal, declaration_id)
    )


@router.post(
    "/declarations/{declaration_id}/verification",
    response_model=DeclarationOut,
    **endpoint(
        *rules.VERIFIERS,
        errors={
            403: ["not_competent_department"],
            404: ["unknown_declaration"],
            409: ["invalid_state"],
            422: ["missing_decision_number"],
        },
        summary="Verify a declaration (核验自主申报信息)",
    ),
)
def post_verification(
    declaration_id: BigId,
    body: VerificationIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DeclarationOut:
    """The competent department (the one the declaration was routed to) or the authority:
    `verified`, `rejected` (not shown true), or `false` (shown untrue, also after it was
    verified: 409 `invalid_state` with `detail.reason` `already_verified` for any other step
    then). A false declaration needs the decision's `decision_number` and writes a
    `broken_commitment` record in the department's name, linked as `record_id`. The
    department's verification task closes with the step."""
    d = service.verify(session, request_step(request, principal), declaration_id, body)
    session.flush()
    return service.declaration_out(session, d)
