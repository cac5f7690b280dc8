"""The lists and each list's publications."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.errors import NotFound
from xinyong.lists import repository as lists_repository
from xinyong.lists import rules as lists_rules
from xinyong.lists import schemas as lists_schemas
from xinyong.lists.rules import PUBLIC_STATES, makes_subject_public, publicly_visible
from xinyong.lists.service import entry_out
from xinyong.models import (
    CreditList,
    EntryState,
    ListKind,
    Subject,
    SubjectKind,
)
from xinyong.repairs import service as repairs
from xinyong.subjects import search
from xinyong.subjects.service import is_public
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, not_found, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)

# The publications of a list, as its page's tabs: the entries in force first, then the red
# list's public notice and the notices of those that left.
LIST_SECTIONS = {
    "listed": "名单",
    "notice": "公示",
    "exits": "退出公告",
    "corrections": "更正公告",
    "repairs": "信用修复公告",
}


@router.get("/lists", response_class=HTMLResponse, **audience(*EVERYONE))
def lists_page(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. The red, black and watch lists with their published standards
    (003 联合奖惩 §（三））; entries of public lists only."""
    counts = lists_repository.listed_counts(session)
    rows = [
        (lst, lists_schemas.spec_of(lst), counts.get(lst.id, 0))
        for lst in lists_repository.all_lists(session)
    ]
    order = {"red": 0, "black": 1, "watch": 2}
    rows.sort(key=lambda r: (order.get(r[1].kind, 3), r[0].id))
    return portal_page(
        request,
        "lists.html",
        rows=rows,
        repairs=_repair_notices(session, forms.request_today(request)),
    )


def _repair_notices(
    session: Session, today: date, *, list_code: str | None = None
) -> list[dict[str, Any]]:
    """Repairs in their public notice (Measures art. 35) as the public sees them — the same
    service call as GET /api/v1/repair-notices for the public: repairs of public information
    only. With ``list_code``: those of that list's entries."""
    out = []
    for repair in repairs.in_notice(session, public_only=True, after=None, limit=1000):
        target = repairs.describe(session, repairs.load_target(session, repair))
        if list_code is not None and target["list"] != list_code:
            continue
        subject = session.get_one(Subject, repair.subject_id)
        out.append(
            {
                "subject_name": subject.name,
                "subject": repairs.subject_key(subject),
                "key": _page_key_if_public(session, subject, today),
                "target": target,
                "opinion": (repair.opinion or {}).get("text", ""),
                "notice_ends_on": repair.notice_ends_on,
            }
        )
    return out


def _opening_section(session: Session, lst: CreditList, keys: list[str], today: date) -> str:
    """The tab a list's page opens on: the entries in force when there are any, else the first
    publication that has something to show, else the entries in force (empty)."""
    for key in keys:
        if lists_repository.publication_entries(session, lst, key, offset=0, limit=1):
            return key
        if key == "repairs" and _repair_notices(session, today, list_code=lst.code):
            return key
    return "listed"


def _page_key_if_public(session: Session, subject: Subject, today: date) -> str | None:
    if is_public(session, subject, today):
        return search.page_key(subject.credit_code, subject.id)
    return None


@router.get("/lists/{code}", response_class=HTMLResponse, **audience(*EVERYONE))
def list_page(
    code: str,
    request: Request,
    section: str | None = None,
    page: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: everyone. One list's publications: red candidates in public notice, the
    listed subjects, exit notices, corrections (entries revoked as listed in error) and
    credit-repair notices (exits after repair)."""
    try:
        lst = lists_repository.get_list(session, code[:64])
    except NotFound:
        return not_found(request)
    spec = lists_schemas.spec_of(lst)
    public = spec.disclosure == "public"
    sections = [
        (k, v) for k, v in LIST_SECTIONS.items() if k != "notice" or lst.kind == ListKind.red
    ]
    today = forms.request_today(request)
    if section not in dict(sections):
        section = (
            _opening_section(session, lst, [k for k, _ in sections], today) if public else "listed"
        )
    number = forms.page_number(page)
    size = search.PAGE_SIZE
    entries: list[dict[str, Any]] = []
    has_next = False
    if public:
        # Always within what the public may see: lists/rules.publicly_visible below.
        rows = lists_repository.publication_entries(
            session, lst, section, offset=(number - 1) * size, limit=size + 1
        )
        has_next = len(rows) > size
        for entry in rows[:size]:
            if not publicly_visible(lst, entry):  # never more than the API shows
                continue
            out = entry_out(session, entry, full=False)
            subject = session.get_one(Subject, entry.subject_id)
            linkable = subject.kind != SubjectKind.natural_person or makes_subject_public(
                lst, entry, today
            )
            entries.append(
                {
                    "entry": out,
                    "key": search.page_key(subject.credit_code, subject.id) if linkable else None,
                    "notice": (
                        lists_rules.exit_notice(lst, entry, entry.exit_reason)
                        if entry.state == EntryState.exited and entry.exit_reason
                        else None
                    ),
                }
            )
    notices = (
        _repair_notices(session, today, list_code=lst.code)
        if public and section == "repairs"
        else []
    )
    return portal_page(
        request,
        "list.html",
        repairs=notices,
        lst=lst,
        spec=spec,
        public=public,
        sections=sections,
        section=section,
        entries=entries,
        page=number,
        has_next=has_next,
        public_states=PUBLIC_STATES,
    )
