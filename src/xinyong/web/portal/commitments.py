"""信用承诺专栏: the public commitments (002 §（一）: 承诺内容和履约情况向社会公开), with the
national portal's fields — 承诺类型, 承诺事由, 做出承诺日期, 承诺受理单位, 承诺履约状态 —
searchable by subject name or credit code. Audience: everyone.

What is public: commitments of the items whose ``published`` is set, once their department has
accepted them (an online commitment not yet accepted may still be withdrawn), of organisations.
A natural person's commitments are not in the column (personal information, Measures art. 36);
they show only on the person's own public page, which exists only while an entry in force on
a public list names them (lists/rules.makes_subject_public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.commitments import repository as commitment_repository
from xinyong.commitments import service as commitment_service
from xinyong.core.api import db_session
from xinyong.core.clock import local_date
from xinyong.core.identifiers import IdentifierError, validate_credit_code
from xinyong.models import Commitment, Department, Subject
from xinyong.subjects import search
from xinyong.web import forms
from xinyong.web.commitment_views import LABELS, item_names
from xinyong.web.portal.common import EVERYONE, count_look_up, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)

# Pages a visitor may turn to: beyond, the search should be narrowed.
MAX_PAGE = 500


def public_row(c: Commitment, subject: Subject, dept: Department, names: dict[str, str]) -> dict:
    """A commitment as the public reads it: never an ID number, never the text's personal
    details — the fields of the national portal's column."""
    return {
        "subject_name": subject.name,
        "subject_code": subject.credit_code or "",
        "key": search.page_key(subject.credit_code, subject.id),
        "type": c.type.value,
        "item_name": names.get(c.item_code, c.item_code),
        "signed_on": local_date(c.signed_at),
        "department": dept.name,
        "state": c.state.value,
        "due_on": c.due_on,
    }


def public_commitments_of(session: Session, subject: Subject, *, limit: int = 50) -> list[dict]:
    """A subject's public commitments, for its public page (the page decides who is public)."""
    names = item_names(session)
    rows = commitment_repository.published_commitments(
        session,
        item_codes=commitment_service.published_item_codes(session),
        subject_id=subject.id,
        organisations_only=False,
        limit=limit,
    )
    return [public_row(c, s, d, names) for c, s, d in rows]


def _query(q: str) -> dict[str, Any]:
    """A credit code is looked up exactly; anything else is a part of a name. An ID number is
    never searched (the column holds organisations only)."""
    text = " ".join(q.split())[:60]
    if len(text) == 18 and text.isascii() and text.isalnum():
        try:
            return {"credit_code": validate_credit_code(text.upper())}
        except IdentifierError:
            return {"name": text}
    return {"name": text} if text else {}


@router.get("/commitments", response_class=HTMLResponse, **audience(*EVERYONE))
def commitments_column(
    request: Request, q: str = "", page: str = "1", session: Session = db_session
) -> Response:
    """Audience: everyone. 信用承诺专栏: public commitments, newest first, by subject name or
    credit code, 20 a page. Searching counts against the anonymous look-up limit."""
    if q.strip():
        count_look_up(request)
    number = min(forms.page_number(page), MAX_PAGE)
    size = search.PAGE_SIZE
    rows = commitment_repository.published_commitments(
        session,
        item_codes=commitment_service.published_item_codes(session),
        **_query(q),
        offset=(number - 1) * size,
        limit=size + 1,
    )
    names = item_names(session)
    q_shown = " ".join(q.split())[:60]
    return portal_page(
        request,
        "commitments.html",
        labels=LABELS,
        rows=[public_row(c, s, d, names) for c, s, d in rows[:size]],
        q=q_shown,
        params={"q": q_shown} if q_shown else {},
        page=number,
        has_next=len(rows) > size and number < MAX_PAGE,
    )
