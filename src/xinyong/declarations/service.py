"""Self-declaration (自主申报 / 自愿注册, 002 §（五）; 000 §（五）; 001 §（五）; 004 §12).

A subject declares information about itself — qualifications, operations, contract
performance, honours, public-interest work — with its attachments, and confirms the standard
truthfulness commitment, stored whole with its SHA-256 as commitments store theirs. The
platform verifies it at once where the subject's registration and records confirm it; the rest
goes to the competent department as a task with a deadline in working days. Each step is a
procedure step with its actor and an audit entry, and a change on the feed (topic
``declaration``). A declaration found false breaks its truthfulness commitment: a negative
record (broken_commitment) in the name of the department that finds it, through the normal
collection path (Measures art. 12（六））. Verified declarations count where records count
(:func:`verified_declarations`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from xinyong.commitments.rules import digest
from xinyong.core.auth import SYSTEM, Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.clock import local_date
from xinyong.core.labels import DECLARATION_CATEGORIES, DECLARATION_STATES
from xinyong.declarations import repository, rules
from xinyong.declarations.schemas import (
    CATEGORIES,
    COMMITMENT_TEXT,
    COMMITMENT_VERSION,
    FALSE_DECLARATION,
    CategoriesOut,
    CategoryOut,
    DeclarationIn,
    DeclarationOut,
    FieldOut,
    VerificationIn,
)
from xinyong.departments.service import list_departments
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.feeds.changes import DECLARATION, record_change
from xinyong.lists.service import collect_one, subject_ref
from xinyong.models import (
    Channel,
    Declaration,
    DeclarationCategory,
    DeclarationState,
    Department,
    Disclosure,
    LinkRole,
    Role,
    Severity,
    Standing,
    Subject,
    SubjectKind,
)
from xinyong.records.repository import archive_records
from xinyong.rights import evidence
from xinyong.rights.procedures import subject_key
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step, steps_of, steps_out
from xinyong.subjects.repository import linked_persons_in_force
from xinyong.subjects.rules import effective_standing
from xinyong.tasks.service import DECLARATION_VERIFICATION, close_tasks, open_task

PROCEDURE = "declaration"
REGISTRATION_ITEM = "org_registration"


@dataclass(frozen=True)
class Attachment:
    """A file uploaded with a declaration, as it came: its name, the type its part claims,
    its bytes (already bounded by the endpoint)."""

    filename: str
    claimed: str | None
    data: bytes


# --- the categories ---------------------------------------------------------------------------


def _field_type(schema: dict[str, Any]) -> str:
    options = schema.get("anyOf", [schema])
    kinds = [o for o in options if o.get("type") != "null"]
    first = kinds[0] if kinds else {}
    return str(first.get("format") or first.get("type") or "string")


def categories_out() -> CategoriesOut:
    """What a subject needs to declare: each category's fields, who may read it once
    verified, the competent sectors, the records that may confirm it, and the truthfulness
    text with its version."""
    out = []
    for code, spec in CATEGORIES.items():
        schema = spec.model.model_json_schema()
        required = set(schema.get("required", []))
        out.append(
            CategoryOut(
                code=code.value,
                disclosure=spec.disclosure.value,
                sectors=list(spec.sectors),
                default_sector=spec.default_sector,
                confirmed_by=rules.confirming_items(spec),
                fields=[
                    FieldOut(name=name, required=name in required, type=_field_type(prop))
                    for name, prop in schema["properties"].items()
                ],
            )
        )
    return CategoriesOut(
        commitment_version=COMMITMENT_VERSION,
        commitment_text=COMMITMENT_TEXT,
        max_attachments=rules.MAX_ATTACHMENTS,
        max_attachment_bytes=evidence.MAX_BYTES,
        categories=out,
    )


# --- declaring --------------------------------------------------------------------------------


def _refuse(problem: rules.Problem) -> InvalidRequest:
    return InvalidRequest(
        problem.message,
        problem.message_en,
        field=problem.field,
        code=problem.code,
        **dict(problem.detail or {}),
    )


def checked_attachments(
    attachments: list[Attachment], most: int = rules.MAX_ATTACHMENTS
) -> list[str]:
    """Each attachment's type by its content, before anything is stored: at most ``most``,
    each at most 20 MB, a PDF, JPEG or PNG that is what it claims (also complaints')."""
    if len(attachments) > most:
        raise InvalidRequest(
            f"附件最多 {most} 个",
            f"at most {most} attachments",
            field="files",
            code="too_many_attachments",
        )
    types = []
    for a in attachments:
        if len(a.data) > evidence.MAX_BYTES:
            raise evidence.too_large()
        found = rules.attachment_type(a.filename, a.claimed, a.data[:16])
        if isinstance(found, rules.Problem):
            raise _refuse(found)
        types.append(found)
    return types


def _department(session: Session, code: str | None) -> rules.DepartmentFacts | None:
    if code is None:
        return None
    for d in list_departments(session):
        if d.code == code:
            return _facts(d)
    raise InvalidRequest(
        f"部门 {code} 不存在",
        f"no department {code}",
        field="department",
        code="unknown_department",
    )


def _facts(d: Department) -> rules.DepartmentFacts:
    return rules.DepartmentFacts(id=d.id, code=d.code, kind=d.kind, region_code=d.region_code)


def _registration_and_records(
    session: Session, subject: Subject, today: Any
) -> tuple[rules.Registration, list[rules.RecordFacts]]:
    """The subject's registration and its records in force, as the platform holds them."""
    rows = archive_records(session, subject.id, disclosures=list(Disclosure), authorised_items=())
    records = [
        rules.RecordFacts(id=r.id, item=r.item_code, fields=r.fields)
        for r, *_ in rows
        if effective_standing(r.standing, r.expires_on, today) is Standing.active
    ]
    registration = next((r for r in records if r.item == REGISTRATION_ITEM), None)  # newest
    names = {
        person.name
        for link, person in linked_persons_in_force(session, subject.id)
        if link.role is LinkRole.legal_representative
    }
    if registration and registration.fields.get("legal_representative_name"):
        names.add(str(registration.fields["legal_representative_name"]))
    return (
        rules.Registration(
            organisation=subject.kind is not SubjectKind.natural_person,
            legal_representatives=frozenset(names),
            status=registration.fields.get("status") if registration else None,
        ),
        records,
    )


def declare(
    session: Session, step: Step, body: DeclarationIn, attachments: list[Attachment]
) -> Declaration:
    """A subject's declaration: every check first, so that a refusal stores nothing."""
    subject = session.get_one(Subject, step.principal.subject_id)
    spec = rules.category_spec(body.category)
    if spec is None:
        raise InvalidRequest(
            f"申报信息类别 {body.category} 不存在",
            f"no declaration category {body.category}",
            field="category",
            code="unknown_declaration_category",
            categories=[c.value for c in CATEGORIES],
        )
    fields = rules.check_fields(spec, body.fields, step.today)
    if isinstance(fields, rules.Problem):
        raise _refuse(fields)
    organisation = subject.kind is not SubjectKind.natural_person
    if organisation and body.legal_representative is None:
        raise InvalidRequest(
            "须填写法定代表人（负责人）",
            "an organisation states its legal representative",
            field="legal_representative",
            code="missing_legal_representative",
        )
    if not body.confirmed:
        raise InvalidRequest(
            "须阅读信息真实性承诺书全文并确认",
            "read the truthfulness commitment and confirm it",
            field="confirmed",
            code="not_confirmed",
        )
    if body.commitment_version != COMMITMENT_VERSION:
        raise Conflict(
            f"信息真实性承诺书已更新为第{COMMITMENT_VERSION}版，请阅读新版本后再申报",
            f"commitment version {body.commitment_version} is not current ({COMMITMENT_VERSION})",
            field="commitment_version",
            code="commitment_text_not_current",
            current=COMMITMENT_VERSION,
        )
    routed = rules.route(
        spec,
        _department(session, body.department),
        [_facts(d) for d in list_departments(session)],
        subject.region_code,
    )
    if isinstance(routed, rules.Problem):
        raise _refuse(routed)
    types = checked_attachments(attachments)
    legal_representative = body.legal_representative if organisation else None
    registration, records = _registration_and_records(session, subject, step.today)
    verdict = rules.automatic(spec, fields, legal_representative, registration, records)
    # Before any row: a deadline in a year the calendar does not know is a 409.
    due = (
        None
        if verdict.record is not None
        else rules.due_on(
            calendar_for(session),
            step.today,
            step.ctx.settings.declaration_verification_working_days,
        )
    )
    category = DeclarationCategory(body.category)
    key = subject_key(subject)
    text = rules.commitment_text(
        subject_name=subject.name,
        subject_code=key,
        category_name=DECLARATION_CATEGORIES[category],
        declared_on=step.today,
    )
    d = Declaration(
        subject_id=subject.id,
        id=step.ctx.ids.next_id(),
        category=category,
        fields=fields,
        legal_representative=legal_representative,
        disclosure=spec.disclosure,
        commitment_version=COMMITMENT_VERSION,
        text=text,
        text_sha256=digest(text),
        department_id=routed.id if routed else None,
        declared_by=step.principal.actor,
        declared_at=step.now,
        due_on=due,
        state=DeclarationState.pending,
    )
    session.add(d)
    session.flush()
    stored = [
        evidence.store(session, step, subject_id=subject.id, filename=a.filename, data=a.data)
        for a in attachments
    ]
    session.flush()
    if stored:
        evidence.take(session, PROCEDURE, d, [(f.id, "evidence") for f in stored], field="files")
    _step(
        session,
        step,
        d,
        "declared",
        category=category.value,
        text_sha256=d.text_sha256,
        commitment_version=COMMITMENT_VERSION,
        attachments=[
            {"id": str(f.id), "sha256": f.sha256, "type": t}
            for f, t in zip(stored, types, strict=True)
        ],
    )
    platform = Step(step.ctx, SYSTEM, step.now)
    if verdict.record is not None:
        d.state, d.verified_by, d.verified_at = DeclarationState.verified, "automatic", step.now
        d.confirming_record_id = verdict.record.id
        _step(
            session,
            platform,
            d,
            "verified",
            verification="automatic",
            record_id=str(verdict.record.id),
            item=verdict.record.item,
        )
        return d
    assert due is not None  # not verified: it has its deadline
    open_task(
        session,
        step,
        subject_id=subject.id,
        kind=DECLARATION_VERIFICATION,
        procedure=PROCEDURE,
        procedure_id=d.id,
        department_id=d.department_id,
        title=f"核验自主申报信息：{subject.name}（{DECLARATION_CATEGORIES[category]}）",
        due_on=due,
    )
    _step(
        session,
        platform,
        d,
        "referred",
        department=routed.code if routed else None,
        due_on=due.isoformat(),
        findings=list(verdict.findings),
    )
    return d


# --- the steps after --------------------------------------------------------------------------


def _step(session: Session, step: Step, d: Declaration, name: str, **detail: Any) -> None:
    """A step: the row the subject is shown, its audit entry, and a feed change."""
    add_step(session, step, PROCEDURE, d, name, **detail)
    record_change(
        session,
        at=step.now,
        topic=DECLARATION,
        event=name,
        subject_id=d.subject_id,
        detail={"declaration": str(d.id), "category": d.category.value, "state": d.state.value},
    )


def unknown_declaration() -> NotFound:
    return NotFound(
        "自主申报信息不存在",
        "no such declaration",
        field="declaration_id",
        code="unknown_declaration",
    )


def may_see(principal: Principal, d: Declaration) -> bool:
    """The subject itself, the competent department, and the authority."""
    if principal.role is Role.authority:
        return True
    if principal.role is Role.subject:
        return principal.subject_id == d.subject_id
    return principal.department_id is not None and principal.department_id == d.department_id


def get_declaration(session: Session, principal: Principal, declaration_id: int) -> Declaration:
    """The declaration as ``principal`` may see it; for anyone else 404, never a hint."""
    d = repository.get_declaration(session, declaration_id)
    if d is None or not may_see(principal, d):
        raise unknown_declaration()
    return d


def find_declarations(
    session: Session,
    principal: Principal,
    *,
    state: str | None,
    category: str | None,
    after: int | None,
    limit: int,
) -> list[Declaration]:
    """The declarations the caller may see: a subject its own, a department those routed to
    it, the authority every one; oldest first."""
    # -1: a token without its subject or department sees nothing, never everything.
    subject_id = department_id = None
    if principal.role is Role.subject:
        subject_id = principal.subject_id or -1
    elif principal.role in (Role.provider, Role.user_department):
        department_id = principal.department_id or -1
    return repository.find_declarations(
        session,
        subject_id=subject_id,
        department_id=department_id,
        state=state,
        category=category,
        after=after,
        limit=limit,
    )


def declaration_page(
    session: Session, principal: Principal, q: repository.DeclarationQuery
) -> tuple[list[Declaration], int]:
    """A page of the declarations the caller may see (the consoles' lists) and their number:
    a subject its own, a department those routed to it, the authority any, as filtered."""
    if principal.role is Role.subject:
        q = replace(q, subject_id=principal.subject_id or -1)
    elif principal.role is not Role.authority:
        q = replace(q, department_id=principal.department_id or -1, authority_queue=False)
    return repository.page_of_declarations(session, q)


def on_queue_of(principal: Principal, d: Declaration) -> bool:
    """Whether the declaration is on the caller's own queue: routed to its department, or,
    for the credit authority, routed to no department (its own queue)."""
    if principal.role is Role.authority and d.department_id is None:
        return True
    return principal.department_id is not None and principal.department_id == d.department_id


def verifier_names(session: Session, subject_id: int, ids: list[int]) -> dict[int, str]:
    """The name of the department that verified each of the subject's declarations verified
    by a department (its ``verified`` step names it; else the competent department); none
    for those the platform verified itself."""
    names = {d.code: d.name for d in list_departments(session)}
    by_id = {d.id: d.name for d in list_departments(session)}
    out = {}
    for d in repository.declarations_by_ids(session, subject_id, ids):
        if d.verified_by != "department":
            continue
        verified = [s for s in steps_of(session, d.subject_id, d.id) if s.step == "verified"]
        code = verified[-1].detail.get("department") if verified else None
        name = names.get(code) if code else by_id.get(d.department_id or 0)
        out[d.id] = name or "信用管理部门"
    return out


def verify(session: Session, step: Step, declaration_id: int, body: VerificationIn) -> Declaration:
    """The competent department's (or the authority's) verification: verified, rejected, or
    false — also after an earlier verification. A false declaration writes the negative record
    of its broken truthfulness commitment (Measures art. 12（六））."""
    d = repository.get_declaration(session, declaration_id, for_update=True)
    principal = step.principal
    if d is None:
        raise unknown_declaration()
    if not rules.may_verify(principal.role, principal.department_id, d.department_id):
        raise Forbidden(
            "只有该申报的主管部门或信用管理部门可以核验",
            "only the competent department or the credit authority verifies this declaration",
            code="not_competent_department",
        )
    reason = rules.refusal(body.outcome, d.state)
    if reason is not None:
        message, message_en = rules.REFUSALS[reason]
        raise Conflict(
            f"申报处于“{DECLARATION_STATES[d.state]}”状态：{message}",
            f"the declaration is {d.state.value}: {message_en}",
            code="invalid_state",
            state=d.state.value,
            reason=reason,
        )
    if body.outcome == "false" and body.decision_number is None:
        raise InvalidRequest(
            "认定虚假申报须给出认定文书号",
            "a false declaration needs the decision's document number",
            field="decision_number",
            code="missing_decision_number",
        )
    detail: dict[str, Any] = {"reason": body.reason}
    if principal.department_id is not None:  # who verified, as the archive names it
        detail["department"] = session.get_one(Department, principal.department_id).code
    if body.outcome == "false":
        record_id = _false_record(session, step, d, body)
        d.record_id = record_id
        detail.update(
            decision_number=body.decision_number,
            record_id=str(record_id),
            item=FALSE_DECLARATION.item,
            severity=FALSE_DECLARATION.severity,
            watch_list_eligible=FALSE_DECLARATION.watch_list_eligible,
        )
    if d.state is DeclarationState.pending:
        close_tasks(
            session, step, subject_id=d.subject_id, procedure_id=d.id, kind=DECLARATION_VERIFICATION
        )
    if body.outcome == "verified":
        d.verified_by, d.verified_at = "department", step.now
    else:
        d.reason, d.closed_at = body.reason, step.now
    d.state = DeclarationState(body.outcome)
    _step(session, step, d, body.outcome, **detail)
    return d


def _false_record(session: Session, step: Step, d: Declaration, body: VerificationIn) -> int:
    """The broken_commitment record in the name of the department that finds it false."""
    department_id = step.principal.department_id
    if department_id is None:  # a token of no department cannot write a record
        raise Forbidden(
            "认定虚假申报须以部门名义作出",
            "a false declaration is found in a department's name",
            code="not_competent_department",
        )
    subject = session.get_one(Subject, d.subject_id)
    dept = session.get_one(Department, department_id)
    raw = {
        "item": FALSE_DECLARATION.item,
        "source_id": f"declaration:{d.id}",
        "subject": subject_ref(step, subject),
        "fields": rules.false_declaration_fields(
            declaration_id=d.id,
            category_name=DECLARATION_CATEGORIES[d.category],
            declared_on=local_date(d.declared_at),
            facts=body.reason,
            decision_number=body.decision_number or "",
            today=step.today,
            department_name=dept.name,
        ),
        "severity": Severity(FALSE_DECLARATION.severity).value,
        "determined_on": step.today.isoformat(),
    }
    return collect_one(
        session,
        step,
        raw,
        d.subject_id,
        dept,
        Channel.same_level,
        invalid=("虚假申报信息无效：", "the false-declaration record is invalid: "),
    )


# --- reading ----------------------------------------------------------------------------------


def verified_declarations(session: Session, subject_id: int) -> list[Declaration]:
    """The subject's verified declarations, oldest first: what evaluation and reports count
    beside records (000 §（五）: 经验证的自主申报信息可作为开展信用评价和生成信用报告的参考)."""
    return repository.verified_of(session, subject_id)


def declaration_out(session: Session, d: Declaration) -> DeclarationOut:
    subject = session.get_one(Subject, d.subject_id)
    dept = session.get(Department, d.department_id) if d.department_id else None
    return DeclarationOut(
        id=str(d.id),
        subject=subject_key(subject),
        subject_name=subject.name,
        category=d.category.value,
        fields=d.fields,
        legal_representative=d.legal_representative,
        disclosure=d.disclosure.value,
        commitment_version=d.commitment_version,
        text=d.text,
        text_sha256=d.text_sha256,
        department=dept.code if dept else None,
        department_name=dept.name if dept else None,
        declared_by=d.declared_by,
        declared_at=d.declared_at,
        due_on=d.due_on,
        state=d.state.value,
        verified_by=d.verified_by,
        verified_at=d.verified_at,
        confirming_record_id=str(d.confirming_record_id) if d.confirming_record_id else None,
        reason=d.reason,
        record_id=str(d.record_id) if d.record_id else None,
        closed_at=d.closed_at,
        attachments=[
            evidence.evidence_out(f) for f in evidence.files_of(session, d.subject_id, d.id)
        ],
        steps=steps_out(session, d),
    )
