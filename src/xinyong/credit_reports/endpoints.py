"""POST /api/v1/reports, GET /api/v1/reports/{number}, …/batches/{batch},
…/{number}/verification: credit reports issued, fetched as signed JSON or PDF, verified
(docs/reports.md)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from xinyong.core.api import clock, current_principal, database, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.core.ratelimit import RATE_LIMITED, anonymous_lookup
from xinyong.credit_reports import documents, repository, rules, service, signing
from xinyong.credit_reports.schemas import (
    ReportDocumentOut,
    ReportIn,
    ReportOut,
    ReportsOut,
    VerificationOut,
)
from xinyong.db import Database
from xinyong.models import Role

router = APIRouter(tags=["credit reports"])

REQUESTERS = (Role.subject, Role.provider, Role.user_department, Role.authority)
NUMBER = Path(max_length=64, description="the report's number, XY-YYYYMMDD-XXXX-XXXX-XXXX")
KEY_MISSING = {409: ["signing_key_missing"]}
BINARY = {"type": "string", "format": "binary"}


def _with_content(spec: dict, media: dict[str, dict]) -> dict:
    """The 200 answer's media types besides JSON, in OpenAPI."""
    spec["responses"] = {
        200: {"description": "the document", "content": media},
        **spec["responses"],
    }
    return spec


@router.post(
    "/reports",
    status_code=201,
    response_model=ReportsOut,
    **endpoint(
        *REQUESTERS,
        errors={
            403: ["report_not_permitted"],
            404: ["subject_not_found"],
            413: ["too_many_reports"],
            422: ["missing_purpose", "as_of_in_future", "invalid_credit_code", "invalid_id_number"],
        },
        summary="Issue credit reports (信用报告) of one subject or a list",
    ),
)
def post_reports(
    body: ReportIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> ReportsOut:
    """Issues a report of each subject named, as of the moment of issue or the end of
    `as_of`, and registers it: its number and the SHA-256 of its content. Who may have one
    (403 `report_not_permitted` otherwise):

    - a subject, its own — free (Measures art. 7, 22); with a subject's token `subjects` may
      be left out;
    - a department or institution holding the subject's live authorisation (Measures art.
      22): what the authorisation covers;
    - an administrative department, for 信用审查 inside its procedures (Measures art. 25):
      organisations only; a natural person's report is the person's and its authorised
      readers'. Banks (sector `banking`) read by authorisation only.

    Departments state a `purpose` (422 `missing_purpose`). Every report issued is in the
    subject's query log. A list of up to 1,000 subjects (413 `too_many_reports` beyond) is
    issued in one transaction — all or none — and fetched as one zip (`batch`). Fetch each
    report with GET /api/v1/reports/{number}."""
    now = clock(request).now()
    issuer = service.issuer_of(db)
    if body.subjects is None and principal.role is Role.subject and principal.subject_id:
        reports = [
            service.issue_own(
                session, principal, issuer=issuer, purpose=body.purpose, as_of=body.as_of, now=now
            )
        ]
    else:
        reports = service.issue(
            session,
            principal,
            body.subjects or [],
            issuer=issuer,
            purpose=body.purpose,
            as_of=body.as_of,
            now=now,
        )
    return ReportsOut(batch=reports[0].batch, reports=[ReportOut.of(r) for r in reports])


@router.get(
    "/reports/batches/{batch}",
    response_class=StreamingResponse,
    **_with_content(
        endpoint(
            *REQUESTERS,
            errors={403: ["report_not_permitted"], 404: ["report_not_found"], **KEY_MISSING},
            summary="A list's credit reports as one zip",
        ),
        {"application/zip": {"schema": BINARY}},
    ),
)
def get_batch(
    request: Request,
    batch: str = Path(max_length=32),
    format: Literal["pdf", "json"] = Query(default="pdf", description="the files in the zip"),
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> Response:
    """The reports issued by one POST /api/v1/reports for a list, each signed, with
    `manifest.csv` (subject, number, SHA-256), streamed as each is made: a PDF takes about a
    second, so 1,000 take minutes here — `xinyong report issue` renders a list on every
    core."""
    reports = repository.of_batch(session, batch)
    if not reports:
        raise rules.unknown_number()
    if not rules.may_read(principal, reports[0]):
        raise rules.not_readable()
    keys = documents.keys_of(db)
    copies = [documents.Copy.of(r) for r in reports]
    made = ((c, documents.document(c, keys, format)) for c in copies)
    return StreamingResponse(
        documents.zip_stream(made, format),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="reports-{batch}.zip"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/reports/{number}",
    response_model=ReportDocumentOut,
    **_with_content(
        endpoint(
            *REQUESTERS,
            errors={403: ["report_not_permitted"], 404: ["report_not_found"], **KEY_MISSING},
            summary="A credit report as signed JSON or PDF",
        ),
        {"application/json": {}, "application/pdf": {"schema": BINARY}},
    ),
)
def get_report(
    request: Request,
    number: str = NUMBER,
    format: Literal["json", "pdf"] | None = Query(
        default=None, description="default: by the Accept header (application/pdf), else JSON"
    ),
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> Response:
    """To whom it was issued only: the subject for its own, the department (any of its
    tokens or people) that asked for it; anyone else 403 `report_not_permitted`, a number not
    issued 404 `report_not_found`. The PDF is signed PAdES with the platform's key, carries
    its content as `report.json` and a QR code of its verification address on every page;
    the JSON carries the content, its SHA-256 and a detached signature. Either is verified
    offline by `xinyong report verify FILE`."""
    report = service.read(session, principal, number)
    wanted = format or ("pdf" if "application/pdf" in request.headers.get("accept", "") else "json")
    copy = documents.Copy.of(report)
    keys = documents.keys_of(db)
    headers = {"Cache-Control": "no-store", "X-Report-SHA256": report.sha256}
    if wanted == "pdf":
        headers["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
        return Response(documents.pdf_document(copy, keys), media_type="application/pdf",
                        headers=headers)  # fmt: skip
    return Response(documents.json_bytes(copy, keys), media_type="application/json",
                    headers=headers)  # fmt: skip


@router.get(
    "/reports/{number}/verification",
    response_model=VerificationOut,
    **endpoint(
        *REQUESTERS,
        Role.public,
        errors={404: ["report_not_found"], **RATE_LIMITED},
        summary="Verify a credit report by its number",
    ),
)
def get_verification(
    number: str = NUMBER,
    _limit: None = anonymous_lookup,
    session: Session = db_session,
    db: Database = Depends(database),
) -> VerificationOut:
    """Anyone: whether a report of this number was issued by this platform, with its
    content's SHA-256 to compare with the one printed on the report, and what it covered —
    the subject masked, the moment it is as of, the entries of each section — never the
    content (the page /verify/{number} shows the same). A number not issued: 404
    `report_not_found`. Without a token, limited per address."""
    fingerprint = signing.certificate_fingerprint(db.settings.report_keys)
    return VerificationOut.of(service.verification(session, number), fingerprint)
