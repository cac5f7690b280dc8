"""Issuing credit reports and reading them back (002 §（三）; 000 §（三）,（十六）; Measures art. 7,
22, 25; 004 §14).

    request (subject key(s), purpose, as-of day)
      → who may have it (rules.report_basis: own | review | authorised) → 403 otherwise
      → its content as of the moment (content.compose) → SHA-256 (rules.digest)
      → the register row (credit_reports) + the subject's query log (audit ``report.issued``)

One transaction for a request, however many subjects (up to rules.MAX_BATCH): all issued or
none. The documents — the signed PDF, the signed JSON — are made from the registered content
when they are asked for (documents.py), any number of times, always with the same digest."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from xinyong.authorisations.service import granted_items
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.crypto import IdCipher
from xinyong.credit_reports import repository, rules
from xinyong.credit_reports.content import Order, compose
from xinyong.db import Database
from xinyong.errors import XinyongError
from xinyong.models import CreditReport, ReportBasis, Subject
from xinyong.subjects.repository import subjects_by_id
from xinyong.subjects.service import find_visible_subject


@dataclass(frozen=True)
class Issuer:
    """Who issues the reports and where they are verified (settings: report_issuer,
    public_url), and the cipher the subject look-up needs."""

    name: str
    public_url: str
    cipher: IdCipher

    def verify_url(self, number: str) -> str:
        return f"{self.public_url.rstrip('/')}/verify/{number}"


def issuer_of(db: Database) -> Issuer:
    settings = db.settings
    return Issuer(settings.report_issuer, settings.public_url, db.cipher)


def _reader_name(principal: Principal, basis: ReportBasis) -> str:
    if basis is ReportBasis.own:
        return "信息主体本人"
    return principal.department_name or principal.department_code or principal.actor


def issue(
    session: Session,
    principal: Principal,
    keys: Sequence[str],
    *,
    issuer: Issuer,
    purpose: str | None,
    as_of: date | None,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> list[CreditReport]:
    """Reports of the subjects named by ``keys`` (credit codes or ID numbers; repeats once),
    issued to ``principal``. A subject the caller may not know is 404 ``subject_not_found``;
    one it may not have a report of, 403 ``report_not_permitted`` — naming its place in the
    list, and nothing is issued."""
    unique = list(dict.fromkeys(k.strip() for k in keys))
    rules.require_batch_size(len(unique))
    moment = rules.as_of_moment(as_of, now)
    batch = secrets.token_hex(8) if len(unique) > 1 else None
    reports = []
    for index, key in enumerate(unique):
        try:
            subject = find_visible_subject(
                session, key, principal, cipher=issuer.cipher, today=local_date(now)
            )
            reports.append(
                _issue_one(
                    session,
                    principal,
                    subject,
                    issuer=issuer,
                    purpose=purpose,
                    as_of=as_of,
                    moment=moment,
                    now=now,
                    batch=batch,
                )
            )
        except XinyongError as exc:
            if len(unique) > 1 and exc.field in ("key", "subject"):
                exc.field = f"subjects[{index}]"
            raise
        if progress is not None:
            progress(1)
    return reports


def issue_own(
    session: Session,
    principal: Principal,
    *,
    issuer: Issuer,
    purpose: str | None,
    as_of: date | None,
    now: datetime,
) -> CreditReport:
    """The subject's own report (Measures art. 7: free), from its token or its console."""
    subject = subjects_by_id(session, [principal.subject_id or 0]).get(principal.subject_id or 0)
    if subject is None:
        raise rules.not_readable()
    moment = rules.as_of_moment(as_of, now)
    return _issue_one(
        session,
        principal,
        subject,
        issuer=issuer,
        purpose=purpose,
        as_of=as_of,
        moment=moment,
        now=now,
        batch=None,
    )


def _issue_one(
    session: Session,
    principal: Principal,
    subject: Subject,
    *,
    issuer: Issuer,
    purpose: str | None,
    as_of: date | None,
    moment: datetime,
    now: datetime,
    batch: str | None,
) -> CreditReport:
    live_grant = bool(
        principal.department_id
        and granted_items(session, principal.department_id, subject.id, local_date(now))
    )
    basis = rules.report_basis(principal, subject.id, subject.kind, live_grant=live_grant)
    stated = rules.require_purpose(basis, purpose)
    number = rules.new_number(local_date(now))
    content = compose(
        session,
        Order(
            subject=subject,
            principal=principal,
            basis=basis,
            purpose=stated,
            reader=_reader_name(principal, basis),
            number=number,
            as_of=moment,
            as_of_day=as_of,
            now=now,
            issuer=issuer.name,
            verify_url=issuer.verify_url(number),
        ),
        issuer.cipher,
    )
    sha256 = rules.digest(content)
    counts = content["cover"]["counts"]
    report = CreditReport(
        number=number,
        subject_id=subject.id,
        basis=basis,
        requested_by=principal.actor,
        department_id=principal.department_id,
        purpose=stated,
        as_of=moment,
        issued_at=now,
        sha256=sha256,
        summary=rules.summary(
            number,
            subject.kind,
            subject.name,
            subject.credit_code or subject.id_masked or "",
            moment,
            now,
            counts,
        ),
        content=content,
        batch=batch,
    )
    session.add(report)
    shown = [e for s in content["sections"] for e in s["entries"] if e["kind"] == "record"]
    # The subject's query log (004 §14; Measures art. 36): every report issued, whoever asked.
    audit.log(
        session,
        actor=principal.actor,
        action="report.issued",
        at=now,
        subject_id=subject.id,
        target_type="credit_report",
        target_id=number,
        purpose=stated,
        detail={
            "number": number,
            "basis": basis.value,
            "as_of": moment.isoformat(),
            "sha256": sha256,
            "records": len(shown),
            "non_public_records": sum(1 for e in shown if e["disclosure"] != "public"),
            **_authorised_items(content),
        },
    )
    return report


def _authorised_items(content: dict) -> dict[str, list[str]]:
    """The authorised-query items the report shows, for the query log (as the archive's read
    names them: the subject sees which of its grants were used)."""
    items = sorted(
        {
            e["item"]
            for s in content["sections"]
            for e in s["entries"]
            if e["kind"] == "record" and e["disclosure"] == "authorised"
        }
    )
    return {"authorised_items": items} if items else {}


def read(session: Session, principal: Principal, number: str) -> CreditReport:
    """A report issued before, to the one it was issued to (rules.may_read): 404
    ``report_not_found`` for a number not issued, 403 ``report_not_permitted`` for another's."""
    report = repository.get(session, number)
    if report is None:
        raise rules.unknown_number()
    if not rules.may_read(principal, report):
        raise rules.not_readable()
    return report


def verification(session: Session, number: str) -> CreditReport:
    """The register's row for a number anyone verifies (only its summary is shown)."""
    report = repository.get(session, number) if rules.is_number(number) else None
    if report is None:
        raise rules.unknown_number()
    return report
