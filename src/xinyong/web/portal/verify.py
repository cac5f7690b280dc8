"""Verifying a credit report by its number (/verify, /verify/{number}): the address every
page of a report carries in its QR code. Genuine or not, and what it covered — the subject
masked, the moment it is as of, the entries of each section — never its content."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.credit_reports import rules, service, signing
from xinyong.credit_reports.schemas import VerificationOut
from xinyong.errors import NotFound
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, count_look_up, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)


@router.get("/verify", response_class=HTMLResponse, **audience(*EVERYONE))
def verify_form(request: Request, number: str = "") -> Response:
    """Audience: everyone. The form to type a report's number; with ``?number=`` it goes to
    that number's page."""
    if number.strip():
        return forms.redirect(f"/verify/{number.strip()[:64]}")
    return portal_page(request, "verify.html", report=None, number="", sections=rules.SECTIONS)


@router.get("/verify/{number}", response_class=HTMLResponse, **audience(*EVERYONE))
def verify_page(number: str, request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. Whether the platform issued a report of this number (as GET
    /api/v1/reports/{number}/verification), its content's SHA-256 and the platform
    certificate's fingerprint to compare with the PDF's; a number not issued is said so,
    404. Limited per address for visitors not logged in."""
    count_look_up(request)
    number = number[:64]
    try:
        found = service.verification(session, number)
    except NotFound:
        return portal_page(
            request,
            "verify.html",
            status_code=404,
            report=None,
            number=number,
            sections=rules.SECTIONS,
        )
    fingerprint = signing.certificate_fingerprint(request.app.state.db.settings.report_keys)
    return portal_page(
        request,
        "verify.html",
        report=VerificationOut.of(found, fingerprint),
        number=number,
        sections=rules.SECTIONS,
    )
