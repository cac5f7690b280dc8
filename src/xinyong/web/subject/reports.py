"""The subject's own credit reports (信用报告, Measures art. 7: free of charge): issue one as
of now or the end of a past day, list those issued, download each as a signed PDF or JSON."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.credit_reports import documents, repository, service
from xinyong.errors import NotFound
from xinyong.models import ReportBasis
from xinyong.web import forms
from xinyong.web.site import check_csrf
from xinyong.web.subject.common import SUBJECT, console_page, subject_id_of

router = APIRouter(include_in_schema=False)


def _reports_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    issued: str = "",
) -> Response:
    sid = subject_id_of(forms.page_visitor(request))
    reports = [r for r in repository.of_subject(session, sid) if r.basis is ReportBasis.own]
    return console_page(
        request,
        "subject/reports.html",
        status_code=status_code,
        section="reports",
        reports=reports,
        others=repository.count_of_subject(session, sid) - len(reports),
        errors=errors or {},
        issued=issued,
        today=forms.request_today(request),
    )


@router.get("/me/reports", response_class=HTMLResponse, **SUBJECT)
def reports_page(request: Request, issued: str = "", session: Session = db_session) -> Response:
    """Audience: subject. Its own credit reports and the form to issue one (POST
    /api/v1/reports with its own token)."""
    return _reports_page(request, session, issued=issued[:40])


@router.post("/me/reports", response_class=HTMLResponse, **SUBJECT)
def report_issue(
    request: Request,
    csrf_token: str = Form(default=""),
    as_of: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Issue its own report, as of now or the end of the day given."""
    v = forms.page_visitor(request)
    check_csrf(v, csrf_token)
    try:
        day = None
        if as_of.strip():
            try:
                day = date.fromisoformat(as_of.strip())
            except ValueError:
                raise forms.Problem({"as_of": "请填写有效的日期"}) from None
        report = forms.attempt(
            session,
            lambda: service.issue_own(
                session,
                v.principal,
                issuer=service.issuer_of(request.app.state.db),
                purpose=None,
                as_of=day,
                now=forms.request_now(request),
            ),
            {"as_of": "as_of"},
        )
    except forms.Problem as bad:
        return _reports_page(request, session, status_code=bad.status, errors=bad.errors)
    return forms.redirect("/me/reports", issued=report.number)


@router.get("/me/reports/{number}.{fmt}", response_class=HTMLResponse, **SUBJECT)
def report_download(
    number: str, fmt: str, request: Request, session: Session = db_session
) -> Response:
    """Audience: subject. One of its own reports, signed, as PDF or JSON (as GET
    /api/v1/reports/{number}); another's or an unknown number is the 404 page."""
    if fmt not in ("pdf", "json"):
        raise NotFound("页面不存在", "no such page")
    report = service.read(session, forms.page_visitor(request).principal, number[:64])
    copy = documents.Copy.of(report)
    keys = documents.keys_of(request.app.state.db)
    if fmt == "pdf":
        return forms.download(
            documents.pdf_document(copy, keys), f"{number}.pdf", "application/pdf"
        )
    return forms.download(documents.json_bytes(copy, keys), f"{number}.json", "application/json")
