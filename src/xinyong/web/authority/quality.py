"""Pages: data quality across the providers (quality/, docs/quality.md) — each provider's quality
score for a month with its findings by rule and its overdue items, the findings themselves
(filtered by department, rule and state; each read logged with its purpose), and the rules in
force with the score's formula.

- ``GET /authority/quality``: ``month`` (YYYY-MM, default this month), ``department``, ``rule``,
  ``state``, ``page``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.errors import XinyongError
from xinyong.quality import service
from xinyong.quality.repository import FindingFilter
from xinyong.quality.ruleset import rule_set_in_force
from xinyong.quality.schemas import STATES
from xinyong.quality.scores import scores_out
from xinyong.reports.dual_publicity import Month
from xinyong.risk.service import basis_text
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.forms import page as render_page
from xinyong.web.forms import page_number, page_visitor, request_now, request_today

router = APIRouter(include_in_schema=False)
PAGE_ROWS = 50


@router.get("/authority/quality", response_class=HTMLResponse, **AUTHORITY)
def quality_page(
    request: Request,
    month: str = "",
    department: str = "",
    rule: str = "",
    state: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: authority. Every provider's quality score of the month (lowest first) with
    its findings by rule, its open findings and overdue items; the findings, filtered; the
    rules in force and the score's formula."""
    v = page_visitor(request)
    rule_set = rule_set_in_force(session)
    rules = {r.code: r.title for r in rule_set.rules}
    error, status = None, 200
    try:
        chosen = Month.parse(month) if month.strip() else Month.of(request_today(request))
    except XinyongError as exc:
        chosen, error, status = Month.of(request_today(request)), exc.message, exc.status
    scores = scores_out(session, chosen)
    codes = {s.department for s in scores.scores}
    department = department if department in codes else ""
    rule = rule if rule in rules else ""
    state = state if state in STATES else ""
    number = page_number(page)
    findings, total = service.findings_for(
        session,
        v.principal,
        FindingFilter(
            rule=rule or None,
            state=state or None,
            limit=PAGE_ROWS,
            offset=(number - 1) * PAGE_ROWS,
        ),
        now=request_now(request),
        department=department or None,
    )
    query = {"month": month, "department": department, "rule": rule, "state": state}
    return render_page(
        request,
        "authority/quality.html",
        status_code=status,
        section="quality",
        error=error,
        month=chosen,
        scores=scores,
        rule_set=rule_set,
        rules=rules,
        bases={
            r.code: basis_text(r.basis.title, r.basis.number, r.basis.article)
            for r in rule_set.rules
        },
        findings=findings,
        facts=service.fact_texts(session, findings),
        total=total,
        filters=query,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        query=urlencode({k: val for k, val in query.items() if val}),
        quality={
            "states": labels.FINDING_STATES,
            "facts": labels.QUALITY_FACTS,
            "severities": labels.QUALITY_SEVERITIES,
        },
    )
