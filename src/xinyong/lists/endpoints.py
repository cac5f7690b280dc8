"""The lists, their publications and each entry's workflow under /api/v1."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

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
from xinyong.core.ratelimit import RATE_LIMITED, anonymous_lookup
from xinyong.db import Database
from xinyong.errors import NotFound
from xinyong.lists import repository, service
from xinyong.lists.rules import public_states, publicly_visible
from xinyong.lists.schemas import (
    EntryIn,
    EntryOut,
    ExitIn,
    InterviewIn,
    ListOut,
    ListsIn,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
    StepIn,
)
from xinyong.lists.service import entry_out
from xinyong.models import (
    CreditList,
    EntryState,
    ListEntry,
    Role,
)
from xinyong.rights.step import Step
from xinyong.subjects.service import find_visible_subject

router = APIRouter(tags=["lists"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
DEPARTMENTS = (Role.provider, Role.user_department, Role.authority)
ENTRY_404 = {404: ["unknown_entry"]}
IDENTIFYING_403 = {403: ["not_identifying_department"]}


def _step(request: Request, principal: Principal) -> Step:
    return Step(request.app.state.collection, principal, clock(request).now())


def _may_see_all(principal: Principal, entry: ListEntry) -> bool:
    return principal.is_department or (
        principal.role is Role.subject and principal.subject_id == entry.subject_id
    )


def _visible_entry(session: Session, principal: Principal, entry_id: int) -> EntryOut:
    entry = repository.get_entry(session, entry_id)
    if _may_see_all(principal, entry):
        return entry_out(session, entry, full=True)
    lst = session.get_one(CreditList, entry.list_id)
    if not publicly_visible(lst, entry):
        # Never confirm that an entry exists to someone who may not see it.
        raise NotFound(
            "名单条目不存在", "no such list entry", field="entry_id", code="unknown_entry"
        )
    return entry_out(session, entry, full=False)


@router.get(
    "/lists",
    response_model=list[ListOut],
    **endpoint(*EVERYONE, summary="The lists and their identification standards (认定标准)"),
)
def get_lists(session: Session = db_session) -> list[ListOut]:
    """Every red, black and watch list: kind, field, identifying sector, published standard,
    basis items, validity and notice periods (003 联合奖惩 §（三）–（六））."""
    counts = repository.listed_counts(session)
    return [
        ListOut.model_validate({**row.spec, "active_entries": counts.get(row.id, 0)})
        for row in repository.all_lists(session)
    ]


@router.post(
    "/lists",
    **endpoint(
        Role.authority,
        errors={409: ["list_kind_fixed"], 422: ["unknown_item"]},
        summary="Publish new or revised lists",
    ),
)
def post_lists(
    body: ListsIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict:
    """Creates lists and revises their standards; a list is never removed (its entries keep
    it). Returns the codes that changed."""
    changed = service.publish_lists(session, body, actor=principal.actor, now=clock(request).now())
    return {"changed": changed}


@router.get(
    "/lists/{code}/entries",
    response_model=list[EntryOut],
    **endpoint(*EVERYONE, errors={404: ["unknown_list"]}, summary="A list's publications"),
)
def get_list_entries(
    code: str,
    state: Literal["notice", "candidate", "listed", "exited", "withdrawn"] | None = Query(
        default=None
    ),
    after: int | None = cursor("entry id to continue after"),
    limit: int = Query(default=100, ge=1, le=1000),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[EntryOut]:
    """The public sees public lists only: red candidates in public notice, listed subjects
    and exit notices (003 联合奖惩 §（二十））; departments see every entry."""
    lst = repository.get_list(session, code)
    states = None if state is None else [EntryState(state)]
    full = principal.is_department
    if not full:
        # lists/rules.publicly_visible, as a condition on the list's entries.
        visible = public_states(lst)
        states = [s for s in states or visible if s in visible]
        if not states:
            return []
    rows = repository.entries_of_list(session, lst.id, states=states, after=after, limit=limit)
    return [entry_out(session, e, full=full) for e in rows]


@router.post(
    "/lists/{code}/entries",
    status_code=201,
    response_model=EntryOut,
    **endpoint(
        Role.provider,
        errors={
            **IDENTIFYING_403,
            404: ["unknown_list", "subject_not_found"],
            409: ["already_listed", "blocked_by_list", "calendar_year_unknown"],
            422: ["invalid_basis", "invalid_credit_code", "invalid_id_number", "invalid_date"],
        },
        summary="Propose a subject for a list (认定)",
    ),
)
def post_entry(
    code: str,
    body: EntryIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> EntryOut:
    """By the list's identifying department only, resting on at least one active record of
    the list's basis items. A red candidate is cross-checked against every black and watch
    entry in force (409 `blocked_by_list` names the blocking entry) and goes into public
    notice; a black candidate goes into prior notice to the subject (事前告知); a watch
    candidate waits for confirmation."""
    entry = service.propose_entry(session, _step(request, principal), code, body)
    session.flush()
    return entry_out(session, entry, full=True)


@router.get(
    "/list-entries/{entry_id}",
    response_model=EntryOut,
    **endpoint(*EVERYONE, errors=ENTRY_404, summary="A list entry with its steps"),
)
def get_entry(
    entry_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> EntryOut:
    """Its steps and objections are shown to the subject itself and to departments; the public
    sees what the list publishes."""
    return _visible_entry(session, principal, entry_id)


@router.get(
    "/subjects/{key}/list-entries",
    response_model=list[EntryOut],
    tags=["subjects"],
    **endpoint(
        *EVERYONE,
        errors={
            404: ["subject_not_found"],
            422: ["invalid_credit_code", "invalid_id_number"],
            **RATE_LIMITED,
        },
        summary="A subject's list entries",
    ),
)
def get_subject_entries(
    key: str,
    request: Request,
    principal: Principal = current_principal,
    _limit: None = anonymous_lookup,
    session: Session = db_session,
    db: Database = Depends(database),
) -> list[EntryOut]:
    """Every entry with its steps for the subject itself and departments (Measures art. 17:
    lists are part of the archive); the public sees published entries of public lists. A
    natural person is known to the public only while an entry in force on a public list names
    them: otherwise 404 `subject_not_found`, as for an unknown key. Anonymous look-ups are
    limited per address (429 `rate_limited`, `Retry-After`)."""
    today = local_date(clock(request).now())
    subject = find_visible_subject(session, key, principal, cipher=db.cipher, today=today)
    out = []
    for entry in repository.entries_of_subject(session, subject.id):
        if _may_see_all(principal, entry):
            out.append(entry_out(session, entry, full=True))
        elif publicly_visible(session.get_one(CreditList, entry.list_id), entry):
            out.append(entry_out(session, entry, full=False))
    return out


@router.post(
    "/list-entries/{entry_id}/objections",
    status_code=201,
    response_model=ObjectionOut,
    **endpoint(
        Role.subject,
        Role.provider,
        Role.user_department,
        Role.authority,
        errors={**ENTRY_404, 409: ["not_in_notice"]},
        summary="Object, or state the subject's case (陈述申辩), in the notice period",
    ),
)
def post_objection(
    entry_id: BigId,
    body: ObjectionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ObjectionOut:
    """The subject itself, or a department that finds the information wrong. The identifying
    department decides each objection before it may confirm."""
    o = service.file_objection(session, _step(request, principal), entry_id, body.statement)
    return ObjectionOut(
        id=str(o.id),
        statement=o.statement,
        filed_by=o.filed_by,
        filed_at=o.filed_at,
        upheld=None,
        decision_reason=None,
        decided_at=None,
    )


@router.post(
    "/list-entries/{entry_id}/objections/{objection_id}/decision",
    response_model=EntryOut,
    **endpoint(
        Role.provider,
        errors={
            **IDENTIFYING_403,
            404: ["unknown_entry", "unknown_objection"],
            409: ["already_decided"],
        },
        summary="Decide an objection (认定单位核实处理)",
    ),
)
def post_objection_decision(
    entry_id: BigId,
    objection_id: BigId,
    body: ObjectionDecisionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> EntryOut:
    """An upheld objection withdraws the candidate; a rejected one lets it go on."""
    entry = service.decide_objection(
        session,
        _step(request, principal),
        entry_id,
        objection_id,
        upheld=body.upheld,
        reason=body.reason,
    )
    session.flush()
    return entry_out(session, entry, full=True)


@router.post(
    "/list-entries/{entry_id}/confirm",
    response_model=EntryOut,
    **endpoint(
        Role.provider,
        errors={
            **IDENTIFYING_403,
            **ENTRY_404,
            409: ["invalid_state", "notice_period_running", "objection_pending", "blocked_by_list"],
            422: ["invalid_basis"],
        },
        summary="Confirm and publish an entry",
    ),
)
def post_confirm(
    entry_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> EntryOut:
    """After the notice period with every objection decided. A black entry, once confirmed,
    removes the subject from every red list (benefits flagged for recall) and writes the
    failure into the archives of the organisation's responsible persons (Measures art. 29)."""
    entry = service.confirm_entry(session, _step(request, principal), entry_id)
    session.flush()
    return entry_out(session, entry, full=True)


@router.post(
    "/list-entries/{entry_id}/exit",
    response_model=EntryOut,
    **endpoint(
        Role.provider,
        Role.authority,
        errors={**IDENTIFYING_403, **ENTRY_404, 409: ["invalid_state"]},
        summary="Take an entry off its list: after repair, or revoked as an error",
    ),
)
def post_exit(
    entry_id: BigId,
    body: ExitIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> EntryOut:
    """An exit notice is published and measures stop at once. Leaving a black list starts the
    monitoring period (重点监测); a red entry revoked as an error has its benefits flagged for
    recall. The authority may revoke; repair exits are the identifying department's."""
    entry = service.exit_entry(
        session,
        _step(request, principal),
        entry_id,
        reason=body.reason,
        explanation=body.explanation,
    )
    session.flush()
    return entry_out(session, entry, full=True)


@router.post(
    "/list-entries/{entry_id}/rectification",
    response_model=EntryOut,
    **endpoint(
        Role.provider,
        errors={**IDENTIFYING_403, **ENTRY_404, 409: ["no_rectification", "already_rectified"]},
        summary="Record that the subject rectified (限期整改)",
    ),
)
def post_rectification(
    entry_id: BigId,
    body: StepIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> EntryOut:
    entry = service.record_rectification(session, _step(request, principal), entry_id, body.reason)
    session.flush()
    return entry_out(session, entry, full=True)


@router.post(
    "/list-entries/{entry_id}/interviews",
    status_code=201,
    **endpoint(
        Role.provider,
        errors={
            **IDENTIFYING_403,
            **ENTRY_404,
            409: ["no_rectification", "rectification_not_overdue"],
        },
        summary="Record a prompting or warning interview (约谈)",
    ),
)
def post_interview(
    entry_id: BigId,
    body: InterviewIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict:
    """Past the rectification deadline without rectification (谁认定、谁约谈, 002 §（九））. The
    interview enters the subject's archive as an `interview` record."""
    record_id = service.record_interview(
        session, _step(request, principal), entry_id, fields=body.model_dump()
    )
    return {"record_id": str(record_id), "item": "interview"}
