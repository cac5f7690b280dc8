"""Notices under /api/v1 (docs/notices.md): the authority reads every notice with each
recipient's acknowledgement; a department reads those addressed to it, and acknowledges them."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, clock, current_principal, db_session, endpoint, page_offset
from xinyong.core.auth import Principal
from xinyong.models import Role
from xinyong.notices.schemas import NoticeBodyOut, NoticesOut, RecipientOut
from xinyong.notices.service import acknowledgement, notice_for, notices_for, pdf_for

router = APIRouter(tags=["notices"])

READERS = (Role.authority, Role.provider, Role.user_department)
DEPARTMENTS = (Role.provider, Role.user_department)


@router.get(
    "/notices",
    response_model=NoticesOut,
    **endpoint(*READERS, summary="Notices (通报) sent to departments"),
)
def list_notices(
    kind: str | None = Query(default=None, max_length=64, description="only notices of a kind"),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> NoticesOut:
    """Newest first. The authority reads every notice with each recipient's acknowledgement
    (who, when); a department the notices addressed to it, with its own acknowledgement."""
    return notices_for(session, principal, kind=kind, limit=limit, offset=offset)


@router.get(
    "/notices/{notice_id}",
    response_model=NoticeBodyOut,
    **endpoint(
        *READERS,
        errors={403: ["notice_not_addressed"], 404: ["unknown_notice"]},
        summary="One notice, with its HTML",
    ),
)
def get_notice(
    notice_id: BigId,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> NoticeBodyOut:
    """The notice with its body (a self-contained HTML document). A notice addressed to other
    departments is 403 `notice_not_addressed`."""
    return notice_for(session, principal, notice_id)


def _pdf(spec: dict) -> dict:
    """The 200 answer is a PDF, in OpenAPI."""
    spec["responses"] = {
        200: {
            "description": "the notice's PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        **spec["responses"],
    }
    return spec


@router.get(
    "/notices/{notice_id}/pdf",
    response_class=Response,
    **_pdf(
        endpoint(
            *READERS,
            errors={403: ["notice_not_addressed"], 404: ["unknown_notice"]},
            summary="One notice as PDF",
        )
    ),
)
def get_notice_pdf(
    notice_id: BigId,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> Response:
    """The notice's PDF, as it was sent."""
    pdf, name = pdf_for(session, principal, notice_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/notices/{notice_id}/acknowledgement",
    response_model=RecipientOut,
    **endpoint(
        *DEPARTMENTS,
        errors={403: ["notice_not_addressed"], 404: ["unknown_notice"]},
        summary="Acknowledge a notice (签收)",
    ),
)
def post_acknowledgement(
    notice_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> RecipientOut:
    """The caller's department acknowledges the notice: who and when are kept, audited and on
    the change feed (topic `notice`). Once: acknowledging again answers the first
    acknowledgement. A notice addressed to other departments is 403 `notice_not_addressed`."""
    return acknowledgement(session, principal, notice_id, now=clock(request).now())
