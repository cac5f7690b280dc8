"""API shapes of credit reports (docs/reports.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from xinyong.credit_reports import rules
from xinyong.models import CreditReport


class ReportIn(BaseModel):
    subjects: list[str] | None = Field(
        default=None,
        description=f"credit codes or ID numbers, 1 to {rules.MAX_BATCH} (more: 413 "
        "`too_many_reports`); a subject's own token may leave it out for its own report",
        json_schema_extra={"items": {"type": "string", "maxLength": 64}},
    )
    purpose: str | None = Field(
        default=None,
        max_length=200,
        description="what the report is for (信用审查 of a procurement, a loan under an "
        "authorisation…): required of departments and institutions; logged in the subject's "
        "query log (004 §14)",
    )
    as_of: date | None = Field(
        default=None,
        description="YYYY-MM-DD: the report as of the end of that past day (Asia/Shanghai); "
        "default: the moment it is issued",
    )


class ReportOut(BaseModel):
    """One report issued: its number and digest, whose it is, and where to fetch it."""

    number: str
    sha256: str = Field(description="SHA-256 of the report's content (canonical JSON)")
    basis: str = Field(description="own | review | authorised")
    subject_name: str
    subject_key: str = Field(description="credit code, or masked ID number")
    as_of: datetime
    issued_at: datetime
    counts: dict[str, int] = Field(description="entries per section of the report")
    url: str = Field(description="GET it as JSON, or as PDF with Accept: application/pdf")
    verify_url: str

    @classmethod
    def of(cls, report: CreditReport) -> ReportOut:
        subject = report.content["subject"]
        return cls(
            number=report.number,
            sha256=report.sha256,
            basis=report.basis.value,
            subject_name=subject["name"],
            subject_key=subject["key"],
            as_of=report.as_of,
            issued_at=report.issued_at,
            counts=report.content["cover"]["counts"],
            url=f"/api/v1/reports/{report.number}",
            verify_url=report.content["verify_url"],
        )


class ReportsOut(BaseModel):
    batch: str | None = Field(
        description="for a list of subjects: GET /api/v1/reports/batches/{batch} as a zip"
    )
    reports: list[ReportOut]


class ReportDocumentOut(BaseModel):
    """The JSON format: the content, its digest, and a detached signature over the content's
    canonical bytes (sorted keys, no spaces, UTF-8) with the platform's certificate."""

    format: str
    number: str
    sha256: str
    content: dict[str, Any]
    signature: dict[str, str]


class VerificationOut(BaseModel):
    """What anyone may know of a report by its number: genuine (issued by this platform),
    what it covered — the subject masked, the moment, the counts — never its content."""

    genuine: bool
    number: str
    sha256: str
    subject_kind: str
    subject_name: str = Field(description="masked")
    subject_key: str = Field(description="masked")
    as_of: datetime
    issued_at: datetime
    counts: dict[str, int]
    certificate_fingerprint: str | None = Field(
        description="SHA-256 of the signing certificate, to compare with the PDF's"
    )

    @classmethod
    def of(cls, report: CreditReport, fingerprint: str | None) -> VerificationOut:
        summary = report.summary
        return cls(
            genuine=True,
            number=report.number,
            sha256=report.sha256,
            subject_kind=summary["subject_kind"],
            subject_name=summary["subject_name"],
            subject_key=summary["subject_key"],
            as_of=report.as_of,
            issued_at=report.issued_at,
            counts=summary["counts"],
            certificate_fingerprint=fingerprint,
        )
