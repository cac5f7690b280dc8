"""Pages: the entries of every red, black and watch list as the credit authority oversees them
(lists/service), and the revocation of a wrongful listing — the authority's exit (lists/rules
``may_revoke``) with its whole remedy, as when an objection finds it (rights/remedy.py, 003
联合奖惩 §（二十四））: the entry leaves its list at once, its measures stop, a red entry's
benefits are flagged for recall, the related persons' records fall with it, and the subject
receives the written apology and clarification (Measures art. 33).

The revocation's POST takes it by ``_revoke_entry``: the form read into the payload of
approvals/kinds.py ``list_entry.revoke``, taken alone by a shared account or a token, prepared
by a person under its own name and approved by a 审核 (待审核)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.lists import repository as lists_repository
from xinyong.lists import service as lists_service
from xinyong.lists.schemas import ExitIn
from xinyong.models import LIVE_STATES, EntryState
from xinyong.rights.documents import documents_of
from xinyong.web.authority.common import (
    AUTHORITY,
    PAGE_ROWS,
    Decision,
    console_page,
    take_step,
)
from xinyong.web.department.common import step_rows, subject_key
from xinyong.web.forms import (
    page_visitor,
    parse_int,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/authority/entries", response_class=HTMLResponse, **AUTHORITY)
def entries_page(
    request: Request,
    list_code: str = Query(default="", alias="list"),
    state: str = "",
    before: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: authority. The entries of every list (or of one), newest first, by state."""
    lists = lists_repository.all_lists(session)
    chosen = next((x for x in lists if x.code == list_code), None)
    state = state if state in labels.ENTRY_STATES else ""
    rows = lists_repository.find_entries(
        session,
        list_id=chosen.id if chosen else None,
        state=EntryState(state) if state else None,
        before=parse_int(before),
        limit=PAGE_ROWS + 1,
    )
    names = {x.id: x.spec["name"] for x in lists}
    return console_page(
        request,
        "authority/entries.html",
        section="entries",
        lists=lists,
        chosen=chosen.code if chosen else "",
        state=state,
        entries=[
            {
                "entry": e,
                "list_name": names.get(e.list_id, ""),
                "subject": subject_key(s),
                "subject_name": s.name,
                "live": e.state in LIVE_STATES,
            }
            for e, s in rows[:PAGE_ROWS]
        ],
        older=rows[PAGE_ROWS - 1][0].id if len(rows) > PAGE_ROWS else None,
    )


def _entry_page(
    request: Request,
    session: Session,
    entry_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    entry = lists_repository.get_entry(session, entry_id)
    view = lists_service.entry_out(session, entry, full=True)
    letters = [
        d
        for d in documents_of(session, entry.subject_id)
        if d.procedure_id == entry.id or re.search(rf"名单条目 {entry.id}(?!\d)", d.body)
    ]
    return console_page(
        request,
        "authority/entry.html",
        status_code=status_code,
        section="entries",
        entry=view,
        live=entry.state in LIVE_STATES,
        steps=step_rows(session, view.steps),
        documents=letters,
        decision=_revoke_entry.shown(request, session, entry.id),
        errors=errors or {},
        form=form or {},
        done=done,
    )


@router.get("/authority/entries/{entry_id}", response_class=HTMLResponse, **AUTHORITY)
def entry_page(
    entry_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. A list entry: its basis, steps, objections and statements, the
    documents issued to the subject about it, and the revocation form while it is live."""
    return _entry_page(request, session, entry_id, done=done)


def _revocation_payload(values: dict[str, Any]) -> dict[str, Any]:
    """The revocation's form (POST /api/v1/list-entries/{id}/exit, reason revocation):
    ``explanation`` is what the exit notice and the letter to the subject say — as the kind
    ``list_entry.revoke`` takes it."""
    body = validated(
        ExitIn,
        {"reason": "revocation", "explanation": str(values.get("explanation", "")).strip()},
    )
    return {"explanation": body.explanation}


# The revocation: two persons when a person acts under its own name (approvals/kinds.py).
_revoke_entry = Decision("list_entry.revoke", _revocation_payload)


@router.post("/authority/entries/{entry_id}/revocation", response_class=HTMLResponse, **AUTHORITY)
def entry_revocation(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    explanation: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Revoke a listing found wrong: it leaves its list at once with the
    remedy (measures stop, related records revoked, the written apology and clarification)."""
    check_csrf(page_visitor(request), csrf_token)
    values = {"explanation": explanation}
    return take_step(
        request,
        session,
        _revoke_entry,
        entry_id,
        values,
        again=lambda problem: _entry_page(
            request,
            session,
            entry_id,
            status_code=problem.status,
            errors=problem.errors,
            form=values,
        ),
        then=f"/authority/entries/{entry_id}?done=revoked",
    )
