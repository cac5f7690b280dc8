"""What the authority's and the departments' pages of the oversight show alike: a month from the
address, a report as a table of cells, the notices with who acknowledged them by name
(docs/oversight.md, docs/notices.md)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.core.auth import Principal
from xinyong.notices.schemas import NoticeOut
from xinyong.notices.service import pdf_for, readable_notice
from xinyong.oversight.documents import COLUMNS, cell, headers
from xinyong.oversight.schemas import CollectionReport, UseReport
from xinyong.reports.dual_publicity import Month
from xinyong.web.forms import download, request_today


def month_or_last(request: Request, text: str | None) -> Month:
    """The month the address names, or the last month over (the one whose notices are out)."""
    return Month.parse(text) if text else Month.of(request_today(request)).previous()


def table(report: CollectionReport | UseReport) -> dict[str, Any]:
    """A report as a page's table: the headers, and each department's row with its cells."""
    return {
        "headers": headers(report.kind),
        "rows": [
            {"row": r, "cells": [cell(r, key) for key in COLUMNS[report.kind]]}
            for r in report.departments
        ],
    }


def acknowledgers(session: Session, notices: list[NoticeOut]) -> dict[str, str]:
    """Who acknowledged each notice, by name (a person with its department, a system)."""
    return actor_labels(
        session, (r.acknowledged_by for n in notices for r in n.recipients if r.acknowledged_by)
    )


def notice_document(session: Session, principal: Principal, notice_id: int) -> Response:
    """The notice itself as it was sent (a self-contained page), for the caller who may read
    it (403 ``notice_not_addressed``, 404 ``unknown_notice`` else)."""
    notice = readable_notice(session, principal, notice_id)
    return HTMLResponse(notice.body_html, headers={"Cache-Control": "no-store"})


def notice_pdf(session: Session, principal: Principal, notice_id: int) -> Response:
    pdf, name = pdf_for(session, principal, notice_id)
    return download(pdf, name, "application/pdf")
