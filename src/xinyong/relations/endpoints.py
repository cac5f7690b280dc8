"""GET /api/v1/subjects/{key}/related, GET /api/v1/related-party-flags, POST
/api/v1/related-party-scans: related parties (关联关系), government-shared (docs/relations.md)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.checks.rules import require_purpose
from xinyong.core.api import (
    clock,
    current_principal,
    database,
    db_session,
    endpoint,
    page_offset,
)
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.db import Database
from xinyong.models import Role
from xinyong.relations import scan, service
from xinyong.relations.schemas import FlagsOut, RelatedOut, ScanOut
from xinyong.subjects.service import find_visible_subject

router = APIRouter(tags=["related parties"])

# Related-party information is government-shared, never public (issue 17 part 2 § 2).
GOVERNMENT = (Role.provider, Role.user_department, Role.authority)
PURPOSE = Query(
    default=None,
    max_length=200,
    description="why you read it (required: every read of government-shared data is logged "
    "with its purpose, 004 §14)",
)


@router.get(
    "/subjects/{key}/related",
    response_model=RelatedOut,
    **endpoint(
        *GOVERNMENT,
        errors={
            404: ["subject_not_found"],
            422: ["missing_purpose", "invalid_credit_code", "invalid_id_number"],
        },
        summary="A subject's related parties (关联关系) to two links, with their list status",
    ),
)
def get_related(
    key: str,
    request: Request,
    purpose: str | None = PURPOSE,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> RelatedOut:
    """The organisations and persons within two links of the subject — the legal
    representative, principal, actual controller and responsible persons of the registration
    and of list entries, and corporate shareholders where collected — nearest first, each
    with the kinds of list entries in force today (red, black, watch) and the path
    (「张三是南京甲公司（黑名单）的法定代表人，也是南京乙公司的法定代表人」)."""
    reason = require_purpose(purpose)
    now = clock(request).now()
    subject = find_visible_subject(session, key, principal, cipher=db.cipher, today=local_date(now))
    return service.related_subjects(
        session, subject, actor=principal.actor, now=now, purpose=reason
    )


@router.get(
    "/related-party-flags",
    response_model=FlagsOut,
    **endpoint(
        *GOVERNMENT,
        errors={422: ["missing_purpose"]},
        summary="Organisations within two links of a black-listed subject (关联风险)",
    ),
)
def get_flags(
    request: Request,
    purpose: str | None = PURPOSE,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset("the first flag to list"),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> FlagsOut:
    """What the latest scan flagged for supervision: each organisation, the nearest
    black-listed subject, its entry and the path; nearest first. The scan runs with the
    daily jobs (`xinyong relations scan` runs it now)."""
    reason = require_purpose(purpose)
    now = clock(request).now()
    return service.read_flags(
        session, actor=principal.actor, now=now, purpose=reason, limit=limit, offset=offset
    )


@router.post(
    "/related-party-scans",
    status_code=201,
    response_model=ScanOut,
    **endpoint(Role.authority, summary="Scan the related-party graph now"),
)
def post_scan(
    request: Request,
    principal: Principal = current_principal,
    db: Database = Depends(database),
) -> ScanOut:
    """Reads every link in force, searches from every black-listed subject in force, and
    replaces the flags; one scan at a time (it waits for a running one)."""
    return service.scan_out(scan.run_scan(db, now=clock(request).now(), actor=principal.actor))
