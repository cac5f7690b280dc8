"""GET /api/v1/subjects/{key} and /archive."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.api import clock, current_principal, database, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.ratelimit import RATE_LIMITED, anonymous_lookup
from xinyong.db import Database
from xinyong.models import Category, Role
from xinyong.records.schemas import ArchiveOut, SubjectOut
from xinyong.subjects.archive import read_archive, subject_out
from xinyong.subjects.rules import sees_full_id_number
from xinyong.subjects.service import find_visible_subject
from xinyong.validity.service import check_as_of

router = APIRouter(tags=["subjects"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
KEY_ERRORS = {
    404: ["subject_not_found"],
    422: ["invalid_credit_code", "invalid_id_number"],
    **RATE_LIMITED,
}


@router.get(
    "/subjects/{key}",
    response_model=SubjectOut,
    **endpoint(
        *EVERYONE, errors=KEY_ERRORS, summary="A subject (信息主体) by credit code or ID number"
    ),
)
def get_subject(
    key: str,
    request: Request,
    purpose: str | None = Query(default=None, max_length=200),
    principal: Principal = current_principal,
    _limit: None = anonymous_lookup,
    session: Session = db_session,
    db: Database = Depends(database),
) -> SubjectOut:
    """The subject's identity, name history and linked persons. ID numbers are masked (first 6
    and last 4) except for the person itself and the authority.

    A natural person is known to the public (and to another subject's token) only while an
    entry in force on a public list names them; otherwise the answer is 404
    `subject_not_found`, the same as for an ID number the platform does not know. Departments
    and the person itself read any person. Without a token, look-ups are limited per address
    (429 `rate_limited`, `Retry-After`; docs/settings.md)."""
    now = clock(request).now()
    subject = find_visible_subject(session, key, principal, cipher=db.cipher, today=local_date(now))
    if subject.id_cipher and sees_full_id_number(principal, subject.id):
        audit.log(
            session,
            actor=principal.actor,
            action="subject.read",
            at=now,
            subject_id=subject.id,
            target_type="subject",
            target_id=subject.id,
            purpose=(purpose or "本人查询")[:200],
            detail={"full_id_numbers": True},
        )
    return subject_out(session, subject, principal, db.cipher)


@router.get(
    "/subjects/{key}/archive",
    response_model=ArchiveOut,
    **endpoint(
        *EVERYONE,
        errors={**KEY_ERRORS, 422: [*KEY_ERRORS[422], "missing_purpose", "as_of_in_future"]},
        summary="A subject's credit archive (信用档案)",
    ),
)
def get_archive(
    key: str,
    request: Request,
    purpose: str | None = Query(
        default=None,
        max_length=200,
        description="why you read it; required of departments (every read of non-public "
        "data is logged with its purpose, 004 §14)",
    ),
    category: Category | None = Query(default=None),
    as_of: date | None = Query(
        default=None,
        description="YYYY-MM-DD: the archive as it stood at the end of that day (Asia/Shanghai) "
        "— what was public then, for the public (docs/workflows/validity.md)",
    ),
    principal: Principal = current_principal,
    _limit: None = anonymous_lookup,
    session: Session = db_session,
    db: Database = Depends(database),
) -> Response:
    """Records by category with their standing, filtered by the caller's right to each
    disclosure class (Measures art. 19–22): the public sees active public records only;
    departments also government-shared ones and the archive's history; authorised-query
    items need the subject's authorisation or the subject itself. With `as_of`, the records
    received by the end of that day, with their standing then and counted only if still within
    their validity that day; `as_of_in_future` for a day after today.

    A natural person not public today is 404 `subject_not_found` to the public, as for
    `GET /subjects/{key}` — also with `as_of`: what was public on a past day is shown only
    of a subject public now. Without a token, look-ups are limited per address."""
    now = clock(request).now()
    subject = find_visible_subject(session, key, principal, cipher=db.cipher, today=local_date(now))
    if as_of is not None:
        check_as_of(as_of, now.date())
    archive = read_archive(
        session,
        subject,
        principal,
        cipher=db.cipher,
        now=now,
        today=now.date(),
        purpose=purpose,
        category=category,
        as_of=as_of,
    )
    # Already a validated model: serialise it once, skipping FastAPI's second validation
    # (response_model still documents it).
    return Response(archive.model_dump_json(), media_type="application/json")
