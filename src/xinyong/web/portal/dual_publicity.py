"""双公示: the licence and penalty decisions, public and active."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.departments.service import list_departments
from xinyong.subjects import search
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)


def _date(value: str | None) -> tuple[date | None, str | None]:
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "日期格式应为 YYYY-MM-DD，如 2026-06-15"


@router.get("/dual-publicity", response_class=HTMLResponse, **audience(*EVERYONE))
def dual_publicity_page(
    request: Request,
    tab: str | None = None,
    department: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    item: str | None = None,
    category: str | None = None,
    page: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: everyone. 双公示 (000 §（十五））: the licence and penalty decisions, public and
    active, newest decision first, by department, decision date and type."""
    tab = tab if tab in search.DUAL_TABS else "licensing"
    departments = list_departments(session)
    by_code = {d.code: d for d in departments}
    errors: dict[str, str] = {}
    provider = None
    if department:
        provider = by_code.get(department)
        if provider is None:
            errors["department"] = "没有这个部门"
    start, errors_from = _date(date_from)
    end, errors_to = _date(date_to)
    if errors_from:
        errors["date_from"] = errors_from
    if errors_to:
        errors["date_to"] = errors_to
    if start and end and start > end:
        errors["date_to"] = "截止日期早于起始日期"
    items = search.dual_items(session, tab)
    if item and item not in {i.code for i in items}:
        errors["item"] = "没有这个事项"
    categories = sorted({c for i in items for c in i.categories})
    if category and category not in categories:
        errors["category"] = "没有这个类别"
    form = {
        "tab": tab,
        "department": department or "",
        "date_from": (date_from or "").strip()[:20],
        "date_to": (date_to or "").strip()[:20],
        "item": item or "",
        "category": category or "",
    }
    result = None
    if not errors:
        result = search.dual_publicity(
            session,
            tab=tab,
            today=forms.request_today(request),
            provider_id=provider.id if provider else None,
            date_from=start,
            date_to=end,
            item=item or None,
            category=category or None,
            page=forms.page_number(page),
        )
    return portal_page(
        request,
        "dual_publicity.html",
        status_code=400 if errors else 200,
        tabs=search.DUAL_TABS,
        tab=tab,
        items=items,
        categories=categories,
        departments=departments,
        form=form,
        errors=errors,
        result=result,
    )
