"""Authorised queries and the subject's query log, under /api/v1."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.authorisations import service
from xinyong.authorisations.schemas import GrantIn, GrantOut, QueryOut
from xinyong.core.api import (
    BigId,
    clock,
    current_principal,
    cursor,
    database,
    db_session,
    endpoint,
)
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.db import Database
from xinyong.errors import Forbidden, NotFound
from xinyong.models import Authorisation, Department, Role, Subject
from xinyong.rights.step import Step
from xinyong.subjects.service import find_subject

router = APIRouter(tags=["authorisations"])


def grant_out(session: Session, row: Authorisation, today: date) -> GrantOut:
    subject = session.get_one(Subject, row.subject_id)
    grantee = session.get_one(Department, row.grantee_id)
    return GrantOut(
        id=str(row.id),
        subject=subject.credit_code or subject.id_masked or "",
        subject_name=subject.name,
        grantee=grantee.code,
        grantee_name=grantee.name,
        items=list(row.items),
        purpose=row.purpose,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        granted_at=row.granted_at,
        revoked_at=row.revoked_at,
        live=service.is_live(row, today),
    )


@router.post(
    "/authorisations",
    status_code=201,
    response_model=GrantOut,
    **endpoint(
        Role.subject,
        errors={
            404: ["department_not_found"],
            422: ["not_authorised_item", "invalid_period"],
        },
        summary="Authorise a department or institution to read items (授权查询)",
    ),
)
def post_authorisation(
    body: GrantIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> GrantOut:
    """The subject authorises the grantee to read the named authorised-query items for the
    purpose, from `starts_on` (default today) through `ends_on` (at most three years) —
    Measures art. 22. Each read the grantee then makes is logged and shown to the subject."""
    assert principal.subject_id is not None  # a subject's token names its subject
    step = Step(request.app.state.collection, principal, clock(request).now())
    row = service.grant(
        session,
        step,
        subject_id=principal.subject_id,
        grantee_code=body.grantee,
        items=body.items,
        purpose=body.purpose,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    return grant_out(session, row, step.today)


@router.get(
    "/authorisations",
    response_model=list[GrantOut],
    **endpoint(
        Role.subject,
        Role.provider,
        Role.user_department,
        summary="Authorisations: the subject's own, or those given to the department",
    ),
)
def get_authorisations(
    request: Request, principal: Principal = current_principal, session: Session = db_session
) -> list[GrantOut]:
    """A subject sees the grants it gave; a department or institution those given to it."""
    today = local_date(clock(request).now())
    if principal.role is Role.subject:
        assert principal.subject_id is not None  # a subject's token names its subject
        rows = service.grants_of_subject(session, principal.subject_id)
    else:
        assert principal.department_id is not None  # a department's token names it
        rows = service.grants_to(session, principal.department_id)
    return [grant_out(session, row, today) for row in rows]


@router.delete(
    "/authorisations/{grant_id}",
    response_model=GrantOut,
    **endpoint(
        Role.subject,
        errors={404: ["unknown_grant"], 409: ["already_revoked"]},
        summary="Revoke an authorisation",
    ),
)
def delete_authorisation(
    grant_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> GrantOut:
    """From now on the grantee reads none of the items (its earlier reads stay logged)."""
    row = service.get_grant(session, grant_id)
    if row.subject_id != principal.subject_id:
        raise NotFound("授权不存在", "no such authorisation", field="id", code="unknown_grant")
    step = Step(request.app.state.collection, principal, clock(request).now())
    return grant_out(session, service.revoke(session, step, row), step.today)


@router.get(
    "/subjects/{key}/queries",
    response_model=list[QueryOut],
    **endpoint(
        Role.subject,
        Role.authority,
        errors={403: ["not_your_subject"], 404: ["subject_not_found"]},
        summary="Who read the subject's non-public information, when and why",
    ),
)
def get_queries(
    key: str,
    before: int | None = cursor("only reads older than this one (its `id`): paging"),
    limit: int = Query(default=200, ge=1, le=1000),
    others_only: bool = Query(default=False, description="leave out the subject's own reads"),
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> list[QueryOut]:
    """Every read of the subject's non-public information — archive reads by departments and
    authorised grantees, full ID numbers, evidence files — with who, when and the purpose
    given (004 §14; Measures art. 36), newest first, `limit` at a time (page back with
    `before`). The subject sees its own; the authority any."""
    subject = find_subject(session, key, cipher=db.cipher)
    if principal.role is Role.subject and principal.subject_id != subject.id:
        raise Forbidden(
            "只能查看本主体的查询记录",
            "a subject may see its own query log only",
            code="not_your_subject",
        )
    rows = service.queries_of(
        session, subject.id, limit=limit, others_only=others_only, before=before
    )
    return [QueryOut(**{**row, "id": str(row["id"])}) for row in rows]
