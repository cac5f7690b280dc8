"""Complaints and tip-offs (失信举报, 003 联合奖惩 §（十五））: the public files a report about a
subject's failure, named or anonymous, with its attachments; it goes to the competent
department's queue as a task with its deadline; the department accepts it or not, replies,
and concludes — a substantiated complaint with the department's own record, pushed through the
normal collection and linked to the complaint. Each step is a procedure step with its actor and
an audit entry, and a change on the feed (topic ``complaint``).

Whoever sends a complaint, the public files it: no caller's identity is kept with it. The
informant's name and contact, if given, are stored encrypted and read only by the department
handling it, each read logged with its purpose (``complaint.informant_read``, on no subject's
query log). A complaint's rows in the shared tables — its steps, its task, its files, their
audit entries — are kept under subject 0 (``NO_SUBJECT``), no subject's: nothing a subject reads
by its own id can find them. The informant follows the complaint with the receipt code, shown
once (only its hash is kept)."""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.checks.rules import require_purpose
from xinyong.complaints import repository, rules
from xinyong.complaints.periods import periods_for, periods_spec
from xinyong.complaints.schemas import ComplaintIn, ComplaintRecordIn, ComplaintStepIn, InformantOut
from xinyong.core import audit
from xinyong.core.auth import PUBLIC, Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.labels import SECTOR_NAMES
from xinyong.core.ratelimit import RateLimited, RateLimiter
from xinyong.declarations.service import Attachment, checked_attachments
from xinyong.departments.service import list_departments
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound, XinyongError
from xinyong.feeds.changes import COMPLAINT, record_change
from xinyong.lists.service import procedure_collector
from xinyong.models import (
    Channel,
    Complaint,
    ComplaintState,
    Department,
    EvidenceFile,
    Role,
    Subject,
)
from xinyong.records.repository import record_id_in_batch, record_of_source
from xinyong.rights import evidence
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step, steps_of
from xinyong.settings import Settings
from xinyong.subjects.repository import existing_subjects, subject_ids_by_id_hash
from xinyong.tasks.service import COMPLAINT_HANDLING, close_tasks, open_task

__all__ = ["NO_SUBJECT", "PROCEDURE", "Attachment"]

PROCEDURE = "complaint"
# The subject id a complaint's rows in the shared tables (steps, tasks, evidence files and
# their audit entries) are kept under: none — subject ids are positive (core/ids.py).
NO_SUBJECT = 0
S = ComplaintState


@dataclass
class Keyed:
    """A complaint as the shared tables key its rows (rights/step.Procedure)."""

    subject_id: int
    id: int


def keyed(c: Complaint) -> Keyed:
    return Keyed(NO_SUBJECT, c.id)


def refuse(problem: rules.Problem) -> InvalidRequest:
    return InvalidRequest(
        problem.message, problem.message_en, field=problem.field, code=problem.code
    )


def out_of_turn(problem: rules.Problem, c: Complaint) -> Conflict:
    """A step the complaint's state (or its history) does not admit now: 409 with the state."""
    return Conflict(
        problem.message,
        problem.message_en,
        field=problem.field,
        code=problem.code,
        state=c.state.value,
    )


def unknown_complaint() -> NotFound:
    return NotFound(
        "举报不存在", "no such complaint", field="complaint_id", code="unknown_complaint"
    )


def new_receipt_code() -> str:
    """16 characters of base32: 80 random bits (secrets)."""
    return "".join(secrets.choice(rules.RECEIPT_ALPHABET) for _ in range(rules.RECEIPT_LENGTH))


class FilingLimited(RateLimited):
    """429 with ``Retry-After``: the address filed ``XINYONG_COMPLAINTS_PER_HOUR`` already."""

    def __init__(self, retry_after: int) -> None:
        XinyongError.__init__(
            self,
            f"提交举报过于频繁，请 {max(1, retry_after // 60)} 分钟后再试",
            f"too many complaints from this address; try again in {retry_after} seconds",
            retry_after=retry_after,
        )
        self.headers = {"Retry-After": str(retry_after)}


def admit_filing(limiter: RateLimiter, address: str) -> None:
    """Count a filing against the client's address (core/ratelimit: a token bucket of
    ``XINYONG_COMPLAINTS_PER_HOUR``, in this process)."""
    wait = limiter.wait(address)
    if wait > 0:
        raise FilingLimited(max(1, math.ceil(wait)))


def filing_limiter(settings: Settings) -> RateLimiter:
    """The per-address limit of filings, made with the app (app.state.complaints)."""
    per_hour = settings.complaints_per_hour
    return RateLimiter(
        per_minute=per_hour / 60, burst=per_hour, max_clients=settings.rate_limit_addresses
    )


# --- filing -----------------------------------------------------------------------------------


def _facts(d: Department) -> rules.DepartmentFacts:
    return rules.DepartmentFacts(id=d.id, code=d.code, kind=d.kind, region_code=d.region_code)


def department_by_code(session: Session, code: str, field: str = "department") -> Department:
    for d in list_departments(session):
        if d.code == code:
            return d
    raise InvalidRequest(
        f"部门 {code} 不存在", f"no department {code}", field=field, code="unknown_department"
    )


def platform_subject(session: Session, step: Step, c: Complaint | rules.SubjectNamed) -> int | None:
    """The platform's subject of the key the complaint names, if it holds one."""
    if c.credit_code:
        return existing_subjects(session, Subject.credit_code, [c.credit_code]).get(c.credit_code)
    if isinstance(c, Complaint):
        id_hash = c.id_hash or ""
    else:
        id_hash = step.ctx.cipher.lookup_hash(c.id_number or "")
    return subject_ids_by_id_hash(session, [id_hash]).get(id_hash)


def file_complaint(
    session: Session,
    step: Step,
    body: ComplaintIn,
    attachments: list[Attachment],
    *,
    admit: Callable[[], None] | None = None,
) -> tuple[Complaint, str]:
    """The public files a complaint; returns it and its receipt code (shown once). Every check
    first, then ``admit`` (the per-address limit), so that a refusal stores nothing and is
    not counted."""
    public = Step(step.ctx, PUBLIC, step.now)  # whoever sends it: nothing of the caller kept
    raw = body.subject
    named = rules.check_subject(
        raw.credit_code if raw else None,
        raw.id_number if raw else None,
        raw.name if raw else None,
        step.today,
    )
    if isinstance(named, rules.Problem):
        raise refuse(named)
    informant = body.informant
    problem = rules.check_storable(
        {
            "subject.name": named.name,
            "facts": body.facts,
            "place": body.place,
            **{
                f"informant.{k}": v
                for k, v in (informant.model_dump() if informant else {}).items()
            },
        }
    ) or rules.check_happened_on(body.happened_on, step.today)
    if problem is None and informant is not None:
        problem = rules.check_informant(informant.name, informant.phone, informant.email)
    if problem is not None:
        raise refuse(problem)
    if body.sector not in SECTOR_NAMES:
        raise InvalidRequest(
            "请从列表中选择失信行为所属领域",
            f"no sector {body.sector}",
            field="sector",
            code="unknown_sector",
            sectors=list(SECTOR_NAMES),
        )
    chosen = department_by_code(session, body.department) if body.department else None
    subject_id = platform_subject(session, step, named)
    subject = session.get(Subject, subject_id) if subject_id else None
    region = (subject.region_code if subject else None) or named.region_code
    routed = rules.route(
        _facts(chosen) if chosen else None,
        [_facts(d) for d in list_departments(session)],
        body.sector,
        region,
    )
    types = checked_attachments(attachments, rules.MAX_ATTACHMENTS)
    periods = periods_for(
        periods_spec(step.ctx.settings.complaint_periods_file),
        routed.kind if routed else body.sector,
    )
    # Before any row: a deadline in a year the calendar does not know is a 409.
    due = rules.due_on(calendar_for(session), step.today, periods["acceptance"])
    if admit is not None:
        admit()
    code = new_receipt_code()
    cipher = step.ctx.cipher
    c = Complaint(
        id=step.ctx.ids.next_id(),
        receipt_hash=rules.receipt_hash(code),
        subject_kind=named.kind,
        credit_code=named.credit_code,
        id_hash=cipher.lookup_hash(named.id_number) if named.id_number else None,
        id_cipher=cipher.encrypt(named.id_number) if named.id_number else None,
        id_masked=named.masked if named.id_number else None,
        subject_name=named.name or (subject.name if subject else ""),
        subject_id=subject_id,
        region_code=region,
        sector=body.sector,
        department_id=routed.id if routed else None,
        facts=body.facts,
        happened_on=body.happened_on,
        place=body.place,
        informant=_sealed(step, informant.model_dump()) if informant else None,
        state=S.received,
        filed_at=step.now,
        periods=periods,
        accept_due_on=due,
    )
    session.add(c)
    session.flush()
    stored = [
        evidence.store(session, public, subject_id=NO_SUBJECT, filename=a.filename, data=a.data)
        for a in attachments
    ]
    session.flush()
    if stored:
        evidence.take(
            session, PROCEDURE, keyed(c), [(f.id, "evidence") for f in stored], field="files"
        )
    _open_task(session, public, c, "受理", due)
    _step(
        session,
        public,
        c,
        "filed",
        sector=c.sector,
        department=routed.code if routed else None,
        accept_due_on=due.isoformat(),
        basis=periods["acceptance"]["basis"],
        attachments=[
            {"id": str(f.id), "sha256": f.sha256, "type": t}
            for f, t in zip(stored, types, strict=True)
        ],
    )
    return c, code


def _sealed(step: Step, informant: dict[str, Any]) -> str:
    """The informant's identity, encrypted (AES-GCM under the platform's key, as ID numbers)."""
    kept = {k: v for k, v in informant.items() if v not in (None, "")}
    return step.ctx.cipher.encrypt(orjson.dumps(kept).decode())


def _open_task(session: Session, step: Step, c: Complaint, what: str, due: Any) -> None:
    open_task(
        session,
        step,
        subject_id=NO_SUBJECT,
        kind=COMPLAINT_HANDLING,
        procedure=PROCEDURE,
        procedure_id=c.id,
        department_id=c.department_id,
        title=f"失信举报{what}：{c.subject_name or c.credit_code or c.id_masked}",
        due_on=due,
    )


def _step(session: Session, step: Step, c: Complaint, name: str, **detail: Any) -> None:
    """A step: its row, its audit entry (both under no subject), and a feed change that names
    neither the subject nor the informant."""
    add_step(session, step, PROCEDURE, keyed(c), name, **detail)
    record_change(
        session,
        at=step.now,
        topic=COMPLAINT,
        event=name,
        detail={
            "complaint": str(c.id),
            "state": c.state.value,
            "sector": c.sector,
            "department_id": c.department_id,
        },
    )


# --- who sees and handles ---------------------------------------------------------------------


def may_see(principal: Principal, c: Complaint) -> bool:
    """The credit authority every complaint; a department those routed to it. Never the
    subject, nor anyone else: the informant follows theirs by the receipt code."""
    if principal.role is Role.authority:
        return True
    if principal.role in (Role.provider, Role.user_department):
        return principal.department_id is not None and principal.department_id == c.department_id
    return False


def get_complaint(
    session: Session, principal: Principal, complaint_id: int, *, for_update: bool = False
) -> Complaint:
    """The complaint as ``principal`` may see it; for anyone else 404, never a hint."""
    c = repository.get_complaint(session, complaint_id, for_update=for_update)
    if c is None or not may_see(principal, c):
        raise unknown_complaint()
    return c


def complaint_page(
    session: Session, principal: Principal, q: repository.ComplaintQuery
) -> tuple[list[Complaint], int, int]:
    """The complaints the caller may see, as filtered: a department those routed to it, the
    authority any (``authority_queue``: those on its own queue)."""
    if principal.role is not Role.authority:
        q = repository.ComplaintQuery(
            **{
                **q.__dict__,
                "department_id": principal.department_id or -1,
                "authority_queue": False,
            }
        )
    return repository.page_of_complaints(session, q)


def not_competent() -> Forbidden:
    return Forbidden(
        "只有该举报的主管部门可以办理",
        "only the competent department handles this complaint",
        code="not_competent_department",
    )


# --- the steps --------------------------------------------------------------------------------


def _text(body: ComplaintStepIn, what: str) -> str:
    if not body.text or not body.text.strip():
        raise InvalidRequest(
            f"请填写{what}",
            f"the step {body.step} needs its text",
            field="text",
            code="complaint_text_required",
        )
    return body.text.strip()


def take_step(session: Session, step: Step, complaint_id: int, body: ComplaintStepIn) -> Complaint:
    """A step of the department handling the complaint (complaints/rules.TRANSITIONS)."""
    p = step.principal
    c = get_complaint(session, p, complaint_id, for_update=True)
    allowed = rules.may_refer if body.step == "referred" else rules.may_handle
    if not allowed(p.role, p.department_id, c.department_id):
        raise not_competent()
    problem = rules.refusal(body.step, c.state)
    if problem is None:
        problem = rules.check_storable({"text": body.text})
        if problem is not None:
            raise refuse(problem)
    if problem is not None:
        raise out_of_turn(problem, c)
    detail: dict[str, Any] = {}
    if p.department_id is not None:
        detail["by_department"] = session.get_one(Department, p.department_id).code
    if body.step == "accepted":
        due = rules.due_on(calendar_for(session), step.today, c.periods["handling"])
        close_tasks(session, step, subject_id=NO_SUBJECT, procedure_id=c.id)
        c.state, c.accepted_at, c.handle_due_on = S.accepted, step.now, due
        _open_task(session, step, c, "办理", due)
        detail.update(
            reply=(body.text or "").strip() or "您的举报已受理，我们将依法核查处理。",
            handle_due_on=due.isoformat(),
            basis=c.periods["handling"]["basis"],
        )
    elif body.step == "not_accepted":
        c.reason = _text(body, "不予受理的理由")
        _close(session, step, c, S.not_accepted)
        detail["reason"] = c.reason
    elif body.step == "replied":
        detail["reply"] = _text(body, "答复内容")
    elif body.step == "referred":
        detail.update(_refer(session, step, c, body))
    elif body.step == "extended":
        detail.update(_extend(session, step, c, body))
    elif body.step == "unsubstantiated":
        c.reply = _text(body, "答复举报人的内容")
        _close(session, step, c, S.unsubstantiated)
        detail["reply"] = c.reply
    else:  # substantiated
        reply = _text(body, "答复举报人的内容")
        detail.update(_substantiate(session, step, c, body))
        c.reply = reply
        _close(session, step, c, S.substantiated)
        detail["reply"] = reply
    _step(session, step, c, body.step, **detail)
    return c


def _close(session: Session, step: Step, c: Complaint, state: ComplaintState) -> None:
    close_tasks(session, step, subject_id=NO_SUBJECT, procedure_id=c.id)
    c.state, c.closed_at = state, step.now


def _extend(session: Session, step: Step, c: Complaint, body: ComplaintStepIn) -> dict[str, Any]:
    """The handling period extended by its rule's extension, from its last day (rules.
    extension_refusal says when it may be): the task moves to the new last day."""
    extended = any(s.step == "extended" for s in steps_of(session, NO_SUBJECT, c.id))
    problem = rules.extension_refusal(c.periods, extended, c.handle_due_on, step.today)
    if problem is not None:
        raise out_of_turn(problem, c)
    reason = _text(body, "延期理由")
    if not body.approval or not body.approval.strip():
        raise InvalidRequest(
            "请填写延期的批准情况（批准人、批准日期）",
            "an extension needs its approval: who approved it, and when",
            field="approval",
            code="complaint_approval_required",
        )
    assert c.handle_due_on is not None  # extension_refusal: accepted and not over
    previous = c.handle_due_on
    due = rules.due_on(calendar_for(session), previous, c.periods["extension"])
    close_tasks(session, step, subject_id=NO_SUBJECT, procedure_id=c.id)
    c.handle_due_on = due
    _open_task(session, step, c, "办理（已延期）", due)
    return {
        "reply": rules.told_extension(due, reason),
        "approval": body.approval.strip(),
        "previous_due_on": previous.isoformat(),
        "handle_due_on": due.isoformat(),
        "basis": c.periods["extension"]["basis"],
    }


def _refer(session: Session, step: Step, c: Complaint, body: ComplaintStepIn) -> dict[str, Any]:
    """To the competent department: its acceptance period runs again from today, by its own
    sector's periods."""
    if body.department is None:
        raise InvalidRequest(
            "请选择转交的主管部门",
            "name the department to refer to",
            field="department",
            code="unknown_department",
        )
    target = department_by_code(session, body.department)
    if target.id == c.department_id:
        raise Conflict(
            "该举报已在该部门办理",
            "the complaint is with that department already",
            field="department",
            code="already_there",
        )
    before = session.get(Department, c.department_id) if c.department_id else None
    c.periods = periods_for(periods_spec(step.ctx.settings.complaint_periods_file), target.kind)
    due = rules.due_on(calendar_for(session), step.today, c.periods["acceptance"])
    close_tasks(session, step, subject_id=NO_SUBJECT, procedure_id=c.id)
    c.department_id, c.accept_due_on = target.id, due
    _open_task(session, step, c, "受理", due)
    out: dict[str, Any] = {
        "from_department": before.code if before else None,
        "department": target.code,
        "accept_due_on": due.isoformat(),
    }
    if body.text and body.text.strip():
        out["note"] = body.text.strip()
    return out


def _substantiate(
    session: Session, step: Step, c: Complaint, body: ComplaintStepIn
) -> dict[str, Any]:
    """The department's own record: pushed now (``record``) or pushed already through the
    batch API (``record_source_id``); linked to the complaint either way."""
    if (body.record is None) == (body.record_source_id is None):
        raise InvalidRequest(
            "查证属实的，须报送本部门的失信信息：填写失信信息，或填写已报送信息的来源编号（二者选一）",
            "a substantiated complaint names the department's record: record or record_source_id",
            field="record",
            code="complaint_record_required",
        )
    department_id = step.principal.department_id
    if department_id is None:  # a token of no department writes no record
        raise not_competent()
    dept = session.get_one(Department, department_id)
    if body.record is not None:
        record_id = _push(session, step, c, dept, body.record)
        source_id = f"complaint:{c.id}"
    else:
        source_id = body.record_source_id or ""
        sid = platform_subject(session, step, c)
        found = record_of_source(session, sid, dept.id, source_id) if sid else None
        if found is None:
            raise InvalidRequest(
                f"本部门没有报送过该主体来源编号为 {source_id} 的信息",
                f"no record of this subject from the department under source id {source_id}",
                field="record_source_id",
                code="unknown_record",
            )
        record_id = found.id
    c.subject_id = platform_subject(session, step, c)
    c.record_id, c.record_source_id = record_id, source_id
    return {"record_id": str(record_id), "source_id": source_id, "department": dept.code}


def _push(
    session: Session, step: Step, c: Complaint, dept: Department, record: ComplaintRecordIn
) -> int:
    """The record in the department's name, collected like any other (Measures art. 15–17):
    a negative item its sector provides, source id ``complaint:{id}``."""
    catalog = published_catalog(session)
    item = catalog.items.get(record.item) if catalog else None
    if item is not None and not item.negative:
        raise InvalidRequest(
            "查证属实的举报应记入失信信息，请选择失信类信息项",
            f"{record.item} is not a negative item",
            field="record.item",
            code="record_not_negative",
        )
    subject_id = platform_subject(session, step, c)
    known = session.get(Subject, subject_id) if subject_id else None
    key = (
        {"credit_code": c.credit_code}
        if c.credit_code
        else {"id_number": step.ctx.cipher.decrypt(c.id_cipher or "")}
    )
    name = record.subject_name or (known.name if known else "") or c.subject_name
    raw: dict[str, Any] = {
        "item": record.item,
        "source_id": f"complaint:{c.id}",
        "subject": {**key, "name": name},
        "fields": record.fields,
    }
    if record.severity is not None:
        raw["severity"] = record.severity
    if record.determined_on is not None:
        raw["determined_on"] = record.determined_on.isoformat()
    collector = procedure_collector(session, step, dept, Channel.same_level)
    collector.feed([(0, raw)])
    answer = collector.finish()
    if answer["rejected"]:
        first = answer["rejected"][0]["errors"][0]
        raise InvalidRequest(
            f"失信信息无效：{first['message']}",
            f"the record is invalid: {first['message_en']}",
            field=f"record.{first['field']}" if first.get("field") else "record",
            code=first["code"],
        )
    subject_id = platform_subject(session, step, c)
    assert subject_id is not None  # the collector stored the subject with the record
    return record_id_in_batch(session, subject_id, collector.batch_id)


# --- the informant ----------------------------------------------------------------------------


def read_informant(
    session: Session, step: Step, complaint_id: int, purpose: str | None
) -> InformantOut:
    """The informant's name and contact, for the department handling the complaint while it
    is open, the read logged with its purpose (``complaint.informant_read``: on no subject's
    query log). An anonymous complaint has none."""
    p = step.principal
    c = get_complaint(session, p, complaint_id)
    if not rules.may_handle(p.role, p.department_id, c.department_id):
        raise not_competent()
    if c.state not in rules.OPEN:
        raise Conflict(
            "举报已办结，不再提供举报人联系方式",
            "the complaint is closed: the informant's contact is no longer read",
            code="complaint_closed",
            state=c.state.value,
        )
    if c.informant is None:
        raise NotFound("该举报为匿名举报", "the complaint is anonymous", code="anonymous_complaint")
    why = require_purpose(purpose)
    audit.log(
        session,
        actor=p.actor,
        action="complaint.informant_read",
        at=step.now,
        target_type="complaint",
        target_id=c.id,
        purpose=why[:200],
    )
    kept = orjson.loads(step.ctx.cipher.decrypt(c.informant))
    return InformantOut(
        name=kept.get("name", ""),
        phone=kept.get("phone"),
        email=kept.get("email"),
        address=kept.get("address"),
    )


def complaint_file(session: Session, step: Step, complaint_id: int, file_id: int) -> EvidenceFile:
    """An attachment of a complaint the caller may see, the read audited (Measures art. 36:
    every read traced); any other file is 404."""
    c = get_complaint(session, step.principal, complaint_id)
    row = next((f for f in evidence.files_of(session, NO_SUBJECT, c.id) if f.id == file_id), None)
    if row is None:
        raise NotFound("附件不存在", "no such attachment", field="file_id", code="unknown_file")
    audit.log(
        session,
        actor=step.principal.actor,
        action="complaint.file_read",
        at=step.now,
        target_type="evidence_file",
        target_id=row.id,
        purpose=f"complaint:{c.id}",
    )
    return row
