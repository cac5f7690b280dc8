"""Complaints as people read them: the department's and the authority's view (everything but
the informant's identity), the informant's receipt (the progress and the replies, nothing of
who handled it), the options of the filing form, the authority's counts per department."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from xinyong.complaints import repository, rules
from xinyong.complaints.periods import periods_spec
from xinyong.complaints.schemas import (
    ComplaintDetailOut,
    ComplaintOptionsOut,
    ComplaintOut,
    DepartmentCountOut,
    DepartmentOptionOut,
    OptionOut,
    PeriodOut,
    ReceiptOut,
    ReplyOut,
)
from xinyong.complaints.service import NO_SUBJECT, keyed
from xinyong.core.labels import SECTOR_NAMES
from xinyong.departments.service import list_departments
from xinyong.errors import NotFound
from xinyong.models import Complaint, Department
from xinyong.rights import evidence
from xinyong.rights.steps import steps_of, steps_out
from xinyong.settings import Settings

# How the informant and the pages name the credit authority's own queue.
AUTHORITY_QUEUE = "公共信用信息工作机构"


def options(session: Session, settings: Settings) -> ComplaintOptionsOut:
    """What the filing form offers: the sectors, the departments, the default periods."""
    spec = periods_spec(settings.complaint_periods_file)
    acceptance, handling = spec.periods.acceptance, spec.periods.handling
    assert acceptance is not None and handling is not None  # the file's check
    return ComplaintOptionsOut(
        sectors=[OptionOut(code=k, name=v) for k, v in SECTOR_NAMES.items()],
        departments=[
            DepartmentOptionOut(code=d.code, name=d.name, kind=d.kind)
            for d in list_departments(session)
        ],
        acceptance=PeriodOut.model_validate(acceptance.model_dump(by_alias=True)),
        handling=PeriodOut.model_validate(handling.model_dump(by_alias=True)),
        max_attachments=rules.MAX_ATTACHMENTS,
        max_attachment_bytes=evidence.MAX_BYTES,
    )


def department_of(session: Session, c: Complaint) -> Department | None:
    return session.get(Department, c.department_id) if c.department_id else None


def subject_shown(c: Complaint) -> str:
    """The subject's key as shown: the credit code, or the masked ID number."""
    return c.credit_code or c.id_masked or ""


def complaint_out(session: Session, c: Complaint, today: date) -> ComplaintOut:
    dept = department_of(session, c)
    return ComplaintOut(
        id=str(c.id),
        subject=subject_shown(c),
        subject_name=c.subject_name,
        subject_kind=c.subject_kind.value,
        subject_known=c.subject_id is not None,
        facts=c.facts,
        happened_on=c.happened_on,
        place=c.place,
        sector=c.sector,
        department=dept.code if dept else None,
        department_name=dept.name if dept else AUTHORITY_QUEUE,
        named=c.informant is not None,
        state=c.state.value,
        filed_at=c.filed_at,
        accept_due_on=c.accept_due_on,
        accepted_at=c.accepted_at,
        handle_due_on=c.handle_due_on,
        due_on=rules.current_due(c.state, c.accept_due_on, c.handle_due_on),
        overdue=rules.is_overdue(c.state, c.accept_due_on, c.handle_due_on, today),
        periods=c.periods,
        reason=c.reason,
        reply=c.reply,
        closed_at=c.closed_at,
        record_id=str(c.record_id) if c.record_id else None,
        record_source_id=c.record_source_id,
    )


def complaint_detail(session: Session, c: Complaint, today: date) -> ComplaintDetailOut:
    return ComplaintDetailOut(
        **complaint_out(session, c, today).model_dump(),
        attachments=[
            evidence.evidence_out(f) for f in evidence.files_of(session, NO_SUBJECT, c.id)
        ],
        steps=steps_out(session, keyed(c)),
    )


def unknown_receipt() -> NotFound:
    return NotFound(
        "回执码无效或举报不存在，请核对后重新输入",
        "no complaint of that receipt code",
        field="receipt_code",
        code="unknown_receipt",
    )


def receipt(session: Session, code: str) -> ReceiptOut:
    """What the informant sees with the receipt code; a code not issued (or malformed) is the
    same 404, ``unknown_receipt``."""
    normal = rules.normal_receipt(code)
    if len(normal) != rules.RECEIPT_LENGTH:
        raise unknown_receipt()
    c = repository.by_receipt_hash(session, rules.receipt_hash(normal))
    if c is None:
        raise unknown_receipt()
    dept = department_of(session, c)
    replies = []
    for s in steps_of(session, NO_SUBJECT, c.id):
        key = rules.TOLD.get(s.step)
        text = s.detail.get(key) if key else None
        if text:
            replies.append(ReplyOut(at=s.at, step=s.step, text=str(text)))
    return ReceiptOut(
        state=c.state.value,
        progress=rules.PROGRESS[c.state],
        subject=subject_shown(c),
        subject_name=c.subject_name,
        filed_at=c.filed_at,
        department_name=dept.name if dept else AUTHORITY_QUEUE,
        due_on=rules.current_due(c.state, c.accept_due_on, c.handle_due_on),
        replies=replies,
        closed_at=c.closed_at,
    )


def counts(session: Session, today: date) -> list[DepartmentCountOut]:
    """Per department (and the authority's own queue): complaints by state, open and overdue;
    the most overdue first."""
    names = {d.id: d for d in list_departments(session)}
    rows: dict[int | None, dict[str, int]] = {}
    for department_id, state, n, late in repository.counts_by_department(session, today):
        row = rows.setdefault(department_id, {"overdue": 0})
        row[state] = n
        row["overdue"] += late
    out = []
    for department_id, row in rows.items():
        dept = names.get(department_id) if department_id is not None else None
        out.append(
            DepartmentCountOut(
                department=dept.code if dept else None,
                department_name=dept.name if dept else AUTHORITY_QUEUE,
                received=row.get("received", 0),
                accepted=row.get("accepted", 0),
                not_accepted=row.get("not_accepted", 0),
                substantiated=row.get("substantiated", 0),
                unsubstantiated=row.get("unsubstantiated", 0),
                open=row.get("received", 0) + row.get("accepted", 0),
                overdue=row["overdue"],
            )
        )
    return sorted(out, key=lambda r: (-r.overdue, -r.open, r.department or ""))
