"""Pages: a provider's list entries and each entry's workflow (lists/service): propose,
decide an objection, confirm, exit, rectification, interview."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.approvals.repository import latest_decision_on
from xinyong.approvals.rules import needs_approval
from xinyong.core import labels
from xinyong.core.api import MAX_BIGINT, BigId, db_session
from xinyong.core.clock import local_date
from xinyong.lists import repository as lists_repository
from xinyong.lists import service as lists_service
from xinyong.lists.repository import (
    entries_of_department,
    entry_counts_of_department,
    entry_of_department,
    list_of_entry,
)
from xinyong.lists.schemas import EntryIn, ExitIn, InterviewIn, ObjectionDecisionIn, StepIn
from xinyong.lists.service import entry_out
from xinyong.models import LIVE_STATES, CreditList, Department, EntryState
from xinyong.records.repository import records_with_item_names
from xinyong.subjects.archive import read_archive
from xinyong.subjects.service import find_subject
from xinyong.web.department.common import (
    PAGE_ROWS,
    PROVIDERS,
    console_page,
    list_names,
    own_department,
    step_rows,
    subject_key,
)
from xinyong.web.forms import (
    Problem,
    attempt,
    page_visitor,
    parse_int,
    redirect,
    request_now,
    request_step,
    request_today,
    validated,
)
from xinyong.web.site import Visitor, check_csrf
from xinyong.web.staffing import prepare

# Confirming an entry is a decision of two persons when a person acts under its own name
# (approvals/kinds.py).
CONFIRM = "list_entry.confirm"

router = APIRouter(include_in_schema=False)


def _lists_it_identifies(session: Session, dept: Department) -> list[CreditList]:
    """The lists the department identifies (谁主管、谁认定)."""
    return [x for x in lists_repository.all_lists(session) if x.identifying_sector == dept.kind]


def _lists_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    state: str = "",
    before: int | None = None,
    propose: dict[str, Any] | None = None,
) -> Response:
    v = page_visitor(request)
    dept = own_department(session, v)
    rows = entries_of_department(
        session,
        dept.id,
        state=EntryState(state) if state in labels.ENTRY_STATES else None,
        before=before,
        limit=PAGE_ROWS + 1,
    )
    names = list_names(session)
    entries = [
        {
            "entry": e,
            "subject": subject_key(s),
            "subject_name": s.name,
            "list": names.get(e.list_code, e.list_code),
        }
        for e, s in rows[:PAGE_ROWS]
    ]
    return console_page(
        request,
        "department/lists.html",
        status_code=status_code,
        section="lists",
        department=dept,
        counts=entry_counts_of_department(session, dept.id),
        entries=entries,
        state=state if state in labels.ENTRY_STATES else "",
        older=rows[PAGE_ROWS - 1][0].id if len(rows) > PAGE_ROWS else None,
        lists=_lists_it_identifies(session, dept),
        propose=propose or {"form": {}, "errors": {}, "candidates": None},
    )


def _basis_candidates(
    request: Request, session: Session, v: Visitor, lst: CreditList, key: str
) -> list[dict[str, Any]]:
    """The subject's active records of the list's basis items, read as GET
    /subjects/{key}/archive reads them (logged with the purpose: 名单认定)."""
    db = request.app.state.db
    subject = find_subject(session, key, cipher=db.cipher)
    now = request_now(request)
    archive = read_archive(
        session,
        subject,
        v.principal,
        cipher=db.cipher,
        now=now,
        today=local_date(now),
        purpose=f"名单认定：{lst.spec['name']}",
    )
    basis = set(lst.spec["basis_items"])
    return [
        r.model_dump()
        for records in archive.categories.values()
        for r in records
        if r.item in basis and r.standing == "active"
    ]


@router.get("/department/lists", response_class=HTMLResponse, **PROVIDERS)
def lists_page(
    request: Request,
    state: str = "",
    before: str = "",
    list_code: str = Query(default="", alias="list"),
    subject: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: provider. The department's list entries by state, and the proposal form for
    the lists it identifies (谁主管、谁认定): with `list` and `subject`, the subject's active
    records of the list's basis items to choose from."""
    # Any value is a filter: one no list has finds nothing (never an error page).
    list_code, subject = list_code[:64], subject[:64]
    propose: dict[str, Any] = {"form": {"list": list_code, "subject": subject}, "errors": {}}
    propose["candidates"] = None
    if list_code and subject.strip():
        v = page_visitor(request)
        dept = own_department(session, v)
        lst = next((x for x in _lists_it_identifies(session, dept) if x.code == list_code), None)
        if lst is None:
            propose["errors"] = {"list": "本部门不是该名单的认定部门"}
        else:
            try:
                propose["candidates"] = attempt(
                    session,
                    lambda: _basis_candidates(request, session, v, lst, subject.strip()),
                    PROPOSE_FIELDS,
                )
            except Problem as problem:
                propose["errors"] = problem.errors
    return _lists_page(request, session, state=state, before=parse_int(before), propose=propose)


# The proposal form's fields by the names the service's errors give them.
PROPOSE_FIELDS = {
    "key": "subject",
    "subject": "subject",
    "list": "list",
    "basis_records": "basis_records",
    "reason": "reason",
    "listed_until": "listed_until",
    "responsible_persons": "responsible_persons",
}


_PERSON_SPLIT = re.compile(r"[,，\t;；]")


def _responsible_persons(text: str) -> list[dict[str, Any]]:
    """One person a line: ID number, name and, optionally, position."""
    persons = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in _PERSON_SPLIT.split(line)]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
            raise Problem(
                {"responsible_persons": f"第 {number} 行应为“身份证号码，姓名，职务（可省略）”"}
            )
        persons.append(
            {
                "id_number": parts[0],
                "name": parts[1],
                "position": (parts[2] or None) if len(parts) > 2 else None,
            }
        )
    return persons


@router.post("/department/lists/{code}/entries", response_class=HTMLResponse, **PROVIDERS)
def propose_entry(
    code: str,
    request: Request,
    csrf_token: str = Form(default=""),
    subject: str = Form(default=""),
    basis_records: list[str] = Form(default=[]),
    basis_text: str = Form(default=""),
    reason: str = Form(default=""),
    listed_until: str = Form(default=""),
    responsible_persons: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Propose a subject for a list (POST /api/v1/lists/{code}/entries):
    its basis records, the reason, optionally a shorter period and the directly responsible
    persons (Measures art. 29)."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    chosen = [*basis_records, *re.split(r"[\s,，;；]+", basis_text)]
    chosen = [c.strip() for c in chosen if c.strip()]
    form = {
        "list": code,
        "subject": subject,
        "basis_text": " ".join(dict.fromkeys(chosen)),
        "reason": reason,
        "listed_until": listed_until,
        "responsible_persons": responsible_persons,
    }
    try:
        # Ids in the API's range (core/api.py): ASCII digits, 1 to the largest BIGINT.
        ids = list(dict.fromkeys(parse_int(c) for c in chosen))
        if not all(ids):
            message = f"依据信息编号应为数字（1 至 {MAX_BIGINT}），多个以空格或逗号分隔"
            raise Problem({"basis_records": message})
        body = validated(
            EntryIn,
            {
                "subject": subject.strip(),
                "basis_records": ids,
                "reason": reason.strip(),
                "listed_until": listed_until.strip() or None,
                "responsible_persons": _responsible_persons(responsible_persons),
            },
        )
        entry = attempt(
            session,
            lambda: lists_service.propose_entry(session, request_step(request), code, body),
            PROPOSE_FIELDS,
        )
    except Problem as problem:
        return _lists_page(
            request,
            session,
            status_code=problem.status,
            propose={"form": form, "errors": problem.errors, "candidates": None},
        )
    return redirect(f"/department/lists/entries/{entry.id}", done="proposed")


def _entry_page(
    request: Request,
    session: Session,
    entry_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    forms: dict[str, dict[str, str]] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    entry = entry_of_department(session, v.principal.department_id or 0, entry_id)
    view = entry_out(session, entry, full=True)
    lst = list_of_entry(session, entry)
    basis = records_with_item_names(
        session, entry.subject_id, [int(r) for r in entry.basis_records]
    )
    today = request_today(request)
    live = entry.state in LIVE_STATES
    latest = latest_decision_on(session, CONFIRM, entry.id)
    pending = latest if latest is not None and latest.outcome is None else None
    returned = latest if latest is not None and latest.outcome == "returned" else None
    return console_page(
        request,
        "department/entry.html",
        status_code=status_code,
        section="lists",
        entry=view,
        steps=step_rows(session, view.steps),
        actors=actor_labels(session, (o.filed_by for o in view.objections)),
        spec=lst.spec,
        basis=[{"record": r, "item_name": n} for r, n in basis],
        today=today,
        can={
            "decide": entry.state == EntryState.notice,
            "confirm": entry.state in (EntryState.notice, EntryState.candidate) and pending is None,
            "exit": live,
            "repair_exit": entry.state == EntryState.listed,
            "rectify": entry.state == EntryState.listed
            and entry.rectify_by is not None
            and entry.rectified_at is None,
        },
        errors=errors or {},
        forms=forms or {},
        done=done,
        pending_confirm=pending,
        returned_confirm=returned,
        two_person=needs_approval(v.principal),
    )


@router.get("/department/lists/entries/{entry_id}", response_class=HTMLResponse, **PROVIDERS)
def entry_page(
    entry_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. One of the department's entries: its steps, objections and the
    workflow actions open to it (decide an objection, confirm, exit, rectification,
    interview)."""
    return _entry_page(request, session, entry_id, done=done)


def _entry_action(
    request: Request,
    session: Session,
    entry_id: int,
    csrf_token: str,
    name: str,
    form: dict[str, str],
    act: Callable[[Visitor], Any],
) -> Response:
    """One workflow step from the entry page: CSRF, the department's own entry, the service
    call; a refusal re-renders the page with the message beside the form."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    entry_of_department(session, v.principal.department_id or 0, entry_id)
    try:
        act(v)
    except Problem as problem:
        return _entry_page(
            request,
            session,
            entry_id,
            status_code=problem.status,
            errors={name: problem.errors},
            forms={name: form},
        )
    return redirect(f"/department/lists/entries/{entry_id}", done=name)


@router.post(
    "/department/lists/entries/{entry_id}/objections/{objection_id}/decision",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def entry_objection_decision(
    entry_id: BigId,
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    upheld: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Decide an objection (陈述申辩) to an entry in its notice: upheld
    withdraws the candidate (POST …/objections/{oid}/decision)."""

    def act(v: Visitor) -> None:
        if upheld not in ("yes", "no"):
            raise Problem({"upheld": "请选择：异议成立或不成立"})
        body = validated(ObjectionDecisionIn, {"upheld": upheld == "yes", "reason": reason.strip()})
        attempt(
            session,
            lambda: lists_service.decide_objection(
                session,
                request_step(request),
                entry_id,
                objection_id,
                upheld=body.upheld,
                reason=body.reason,
            ),
        )

    form = {"upheld": upheld, "reason": reason, "objection": str(objection_id)}
    return _entry_action(request, session, entry_id, csrf_token, "decide", form, act)


@router.post(
    "/department/lists/entries/{entry_id}/confirm", response_class=HTMLResponse, **PROVIDERS
)
def entry_confirm(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Confirm and publish the entry after its notice period, every
    objection decided (POST /api/v1/list-entries/{id}/confirm). A person acting under its own
    name prepares the confirmation; a 审核 of the department approves it (待审核)."""

    def act(v: Visitor) -> None:
        if needs_approval(v.principal):
            prepare(request, session, CONFIRM, entry_id, {})
            return
        attempt(
            session, lambda: lists_service.confirm_entry(session, request_step(request), entry_id)
        )

    answer = _entry_action(request, session, entry_id, csrf_token, "confirm", {}, act)
    if answer.status_code == 303 and needs_approval(page_visitor(request).principal):
        return redirect(f"/department/lists/entries/{entry_id}", done="prepared")
    return answer


@router.post("/department/lists/entries/{entry_id}/exit", response_class=HTMLResponse, **PROVIDERS)
def entry_exit(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    explanation: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Take the entry off its list after repair, or revoke it as an error
    (POST /api/v1/list-entries/{id}/exit)."""

    def act(v: Visitor) -> None:
        body = validated(ExitIn, {"reason": reason, "explanation": explanation.strip()})
        attempt(
            session,
            lambda: lists_service.exit_entry(
                session,
                request_step(request),
                entry_id,
                reason=body.reason,
                explanation=body.explanation,
            ),
        )

    form = {"reason": reason, "explanation": explanation}
    return _entry_action(request, session, entry_id, csrf_token, "exit", form, act)


@router.post(
    "/department/lists/entries/{entry_id}/rectification",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def entry_rectification(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Record that the subject rectified (限期整改; POST
    /api/v1/list-entries/{id}/rectification)."""

    def act(v: Visitor) -> None:
        body = validated(StepIn, {"reason": reason.strip()})
        attempt(
            session,
            lambda: lists_service.record_rectification(
                session, request_step(request), entry_id, body.reason
            ),
        )

    return _entry_action(request, session, entry_id, csrf_token, "rectify", {"reason": reason}, act)


@router.post(
    "/department/lists/entries/{entry_id}/interviews", response_class=HTMLResponse, **PROVIDERS
)
def entry_interview(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    interview_type: str = Form(default=""),
    interviewed_on: str = Form(default=""),
    interviewee_name: str = Form(default=""),
    interviewee_position: str = Form(default=""),
    content: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Record a prompting or warning interview (约谈) past the
    rectification deadline (POST /api/v1/list-entries/{id}/interviews): it enters the
    subject's archive as an `interview` record."""
    form = {
        "interview_type": interview_type,
        "interviewed_on": interviewed_on,
        "interviewee_name": interviewee_name,
        "interviewee_position": interviewee_position,
        "content": content,
    }

    def act(v: Visitor) -> None:
        body = validated(
            InterviewIn,
            {
                "interview_type": interview_type,
                "interviewed_on": interviewed_on.strip(),
                "interviewee_name": interviewee_name.strip(),
                "interviewee_position": interviewee_position.strip() or None,
                "content": content.strip(),
            },
        )
        attempt(
            session,
            lambda: lists_service.record_interview(
                session, request_step(request), entry_id, fields=body.model_dump()
            ),
        )

    return _entry_action(request, session, entry_id, csrf_token, "interview", form, act)
