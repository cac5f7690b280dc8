"""Inspection plans of 双随机、一公开 and their results (002 §（七）; docs/inspections.md).

A department (the lead) makes a plan: its items (抽查事项), the departments of a joint plan
(部门联合抽查), the population filter, and the classes with their ratios from graded
supervision (inspections/supervision.py), frozen into the plan. States::

    draft ──publish──▶ published ──draw──▶ drawn
     (lead)            (lead; on the portal) (lead; the draw on the portal at once: drawing.py)

Each department of a drawn plan enters its result for each drawn subject once; the result
enters the subject's archive as an ``administrative_inspection`` record through the collector
(so it is published and counts in 双公示) and is due 20 working days after its decision
(《企业信息公示暂行条例》第六条、第七条; publication.json). A result not published by then is
overdue for the department and the authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from xinyong.catalog.schemas import SECTORS
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.calendar import UnknownCalendarYear, calendar_for
from xinyong.core.clock import local_date
from xinyong.core.identifiers import IdentifierError, validate_credit_code
from xinyong.core.ids import IdGenerator
from xinyong.errors import Conflict, InvalidRequest
from xinyong.feeds.changes import record_change
from xinyong.inspections import repository, rules, supervision
from xinyong.inspections.pool import require_department
from xinyong.inspections.schemas import (
    INSPECTION_RESULTS,
    ClassOut,
    Frequency,
    OverdueOut,
    PlanIn,
    PlanOut,
    ResultIn,
    ResultOut,
    ResultsIn,
)
from xinyong.lists.service import collect_one, subject_ref
from xinyong.models import (
    Channel,
    Department,
    InspectionPlan,
    InspectionPlanDepartment,
    InspectionResult,
    PlanState,
    Role,
    Subject,
)
from xinyong.rights.step import Step
from xinyong.subjects.repository import existing_subjects

# Topic of the change feed: a plan published, drawn, a result published.
INSPECTION = "inspection"
# What the catalog's administrative_inspection record says of a random inspection.
INSPECTION_TYPE = "双随机抽查"


# --- plans ------------------------------------------------------------------------------------


def _department(session: Session, code: str, field: str) -> Department:
    dept = repository.department_of_code(session, code)
    if dept is None:
        raise InvalidRequest(
            f"部门 {code} 不存在", f"no department {code}", field=field, code="unknown_department"
        )
    return dept


def frozen_classes(body: PlanIn, field: str, version: supervision.Version) -> dict[str, Any]:
    """The plan's classes: the field's graded supervision, with the plan's own ratios over
    it (each at most 100 %: ``ratio_over_100``)."""
    rule = version.rules.for_field(field)
    known = {c.code for c in rule.classes}
    for code in body.ratios:
        if code not in known:
            raise InvalidRequest(
                f"分类 {code} 不存在",
                f"no class {code}",
                field=f"ratios.{code}",
                code="unknown_class",
            )
    classes = []
    for c in rule.classes:
        percent = body.ratios.get(c.code, c.ratio_percent)
        bp = rules.ratio_bp(percent, field=f"ratios.{c.code}")
        classes.append(
            {"code": c.code, "name": c.name, "ratio_bp": bp, "frequency": c.frequency.model_dump()}
        )
    return {
        "rule_field": rule.field,
        "grades": dict(rule.grades),
        "ungraded": rule.ungraded,
        "classes": classes,
        "basis": rule.basis,
    }


def create_plan(
    session: Session, principal: Principal, body: PlanIn, *, ids: IdGenerator, now: datetime
) -> InspectionPlan:
    """A draft plan of the caller's department, with every check first: a refusal stores
    nothing."""
    today = local_date(now)
    lead = session.get_one(Department, require_department(principal))
    members = {lead.code: lead}
    for i, code in enumerate(body.departments):
        members.setdefault(code, _department(session, code, f"departments[{i}]"))
    field = body.field or lead.kind
    if field not in SECTORS:
        raise supervision.unknown_field(field)
    items = []
    for i, item in enumerate(body.items):
        dept = members.get(item.department or lead.code)
        if dept is None:
            raise InvalidRequest(
                f"抽查事项的实施部门 {item.department} 不是本计划的部门",
                f"the item's department {item.department} is not one of the plan's",
                field=f"items[{i}].department",
                code="department_not_in_plan",
            )
        item_field = item.field or dept.kind
        if item_field not in SECTORS:
            raise supervision.unknown_field(item_field)
        items.append({**item.model_dump(), "department": dept.code, "field": item_field})
    idle = sorted(set(members) - {i["department"] for i in items})
    if idle:
        raise InvalidRequest(
            f"部门 {'、'.join(idle)} 没有抽查事项",
            f"departments {idle} have no inspection item",
            field="items",
            code="department_without_items",
        )
    rules.require_period(body.inspect_from, body.inspect_until, today)
    version = supervision.current(session, today)
    classes = frozen_classes(body, field, version)
    population = body.population.model_dump()
    if not population_count(session, field, population):
        raise empty_population()
    plan = InspectionPlan(
        id=ids.next_id(),
        lead_department_id=lead.id,
        title=body.title,
        field=field,
        items=items,
        population=population,
        classes=classes,
        supervision_version=version.version,
        inspect_from=body.inspect_from,
        inspect_until=body.inspect_until,
        state=PlanState.draft,
        created_by=principal.actor,
        created_at=now,
    )
    session.add(plan)
    session.flush()
    for dept in members.values():
        session.add(InspectionPlanDepartment(plan_id=plan.id, department_id=dept.id))
    audit.log(
        session,
        actor=principal.actor,
        action="inspections.plan_created",
        at=now,
        target_type="inspection_plan",
        target_id=plan.id,
        detail={"title": plan.title, "departments": sorted(members), "field": field},
    )
    return plan


def population_count(session: Session, field: str, population: dict[str, Any]) -> int:
    return repository.population_size(session, field=field, **population)


def empty_population() -> InvalidRequest:
    return InvalidRequest(
        "抽查对象范围内没有主体",
        "the plan's population is empty",
        field="population",
        code="empty_population",
    )


def publish_plan(
    session: Session, principal: Principal, plan_id: int, *, now: datetime
) -> InspectionPlan:
    """The lead publishes its plan on the portal (一公开): before it is drawn."""
    plan = repository.plan(session, plan_id, for_update=True)
    rules.require_lead(plan.lead_department_id, principal.department_id)
    plan.state = rules.require_move(plan.state, "publish")
    plan.published_by, plan.published_at = principal.actor, now
    audit.log(
        session,
        actor=principal.actor,
        action="inspections.plan_published",
        at=now,
        target_type="inspection_plan",
        target_id=plan.id,
    )
    record_change(
        session, at=now, topic=INSPECTION, event="plan_published", detail={"plan": str(plan.id)}
    )
    return plan


# --- who sees what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What a caller may see of a plan: drafts and the inspectors and classes are for the
    plan's departments and the authority; the public sees published plans, the drawn
    subjects and the inspecting departments, never the inspectors' names."""

    principal: Principal

    def member(self, session: Session, plan: InspectionPlan) -> bool:
        if self.principal.role is Role.authority:
            return True
        dept = self.principal.department_id
        return dept is not None and dept in member_ids(session, plan.id)

    def require_visible(self, session: Session, plan: InspectionPlan) -> None:
        if plan.state is PlanState.draft and not self.member(session, plan):
            raise repository.unknown_plan()


def member_ids(session: Session, plan_id: int) -> set[int]:
    return {d.id for d in repository.plan_departments(session, plan_id)}


def results_due_on(session: Session, plan: InspectionPlan) -> date | None:
    """The last day for any result of the plan (None where the calendar does not know it)."""
    try:
        return rules.missing_due_on(
            calendar_for(session), plan.inspect_until, supervision.publication_rules()
        )
    except UnknownCalendarYear:
        return None


def plan_out(session: Session, plan: InspectionPlan) -> PlanOut:
    lead = session.get_one(Department, plan.lead_department_id)
    members = repository.plan_departments(session, plan.id)
    return PlanOut(
        id=str(plan.id),
        title=plan.title,
        state=plan.state.value,
        lead_department=lead.code,
        lead_department_name=lead.name,
        departments=[d.code for d in members],
        department_names=[d.name for d in members],
        field=plan.field,
        items=list(plan.items),
        population=dict(plan.population),
        classes=[
            ClassOut(
                code=c["code"],
                name=c["name"],
                ratio_percent=rules.percent(c["ratio_bp"]),
                frequency=Frequency.model_validate(c["frequency"]),
            )
            for c in plan.classes["classes"]
        ],
        basis=list(plan.classes["basis"]),
        supervision_version=plan.supervision_version,
        inspect_from=plan.inspect_from,
        inspect_until=plan.inspect_until,
        results_due_on=results_due_on(session, plan),
        created_at=plan.created_at,
        published_at=plan.published_at,
    )


# --- results ----------------------------------------------------------------------------------


def _check_result(index: int, item: ResultIn, today: date) -> str:
    field = f"results[{index}]"
    if item.result not in INSPECTION_RESULTS:
        raise InvalidRequest(
            f"检查结果“{item.result}”不在目录所列结果中",
            f"unknown inspection result {item.result!r}",
            field=f"{field}.result",
            code="unknown_result",
            values=list(INSPECTION_RESULTS),
        )
    rules.require_decided_after_inspection(item.inspected_on, item.decided_on, today)
    try:
        validate_credit_code(item.authority_code)
        return validate_credit_code(item.subject)
    except IdentifierError as exc:
        raise InvalidRequest(exc.message, exc.message_en, field=field, code=exc.code) from None


def enter_results(
    session: Session, step: Step, plan_id: int, body: ResultsIn
) -> list[InspectionResult]:
    """A department's results for drawn subjects of a plan, each once; each is collected as
    the subject's ``administrative_inspection`` record in the department's name (谁检查、
    谁录入、谁公开) and published on the portal at once."""
    plan = repository.plan(session, plan_id, for_update=True)
    rules.require_drawn(plan.state)
    department_id = rules.require_member(member_ids(session, plan.id), step.principal.department_id)
    dept = session.get_one(Department, department_id)
    codes = [_check_result(i, item, step.today) for i, item in enumerate(body.results)]
    found = existing_subjects(session, Subject.credit_code, codes)
    drawn = repository.drawn_subject_ids(session, plan.id, found.values())
    entered = repository.result_keys(session, plan.id, department_id)
    calendar = calendar_for(session)
    publication = supervision.publication_rules()
    item_names = "、".join(i["name"] for i in plan.items if i["department"] == dept.code)
    results = []
    for index, (item, code) in enumerate(zip(body.results, codes, strict=True)):
        subject_id = found.get(code)
        if subject_id is None or subject_id not in drawn:
            raise InvalidRequest(
                f"{code} 不是本计划抽中的主体",
                f"{code} was not drawn in this plan",
                field=f"results[{index}].subject",
                code="not_drawn",
            )
        if subject_id in entered:
            raise Conflict(
                f"本部门已录入 {code} 的检查结果",
                f"this department has entered the result for {code}",
                field=f"results[{index}].subject",
                code="result_entered",
            )
        entered.add(subject_id)
        subject = session.get_one(Subject, subject_id)
        raw = _record(plan, dept, item, item_names, subject_ref(step, subject))
        record_id = collect_one(
            session,
            step,
            raw,
            subject_id,
            dept,
            Channel.same_level,
            invalid=("检查结果信息无效：", "the inspection record is invalid: "),
        )
        result = InspectionResult(
            plan_id=plan.id,
            subject_id=subject_id,
            department_id=dept.id,
            record_id=record_id,
            decision_number=item.decision_number,
            result=item.result,
            inspected_on=item.inspected_on,
            decided_on=item.decided_on,
            due_on=rules.results_due_on(calendar, item.decided_on, publication),
            entered_by=step.principal.actor,
            entered_at=step.now,
        )
        session.add(result)
        results.append(result)
        audit.log(
            session,
            actor=step.principal.actor,
            action="inspections.result_entered",
            at=step.now,
            subject_id=subject_id,
            target_type="inspection_plan",
            target_id=plan.id,
            detail={"record_id": str(record_id), "result": item.result, "department": dept.code},
        )
        record_change(
            session,
            at=step.now,
            topic=INSPECTION,
            event="result_published",
            subject_id=subject_id,
            detail={"plan": str(plan.id), "department": dept.code, "record_id": str(record_id)},
        )
    session.flush()
    return results


def _record(
    plan: InspectionPlan, dept: Department, item: ResultIn, item_names: str, subject: dict
) -> dict[str, Any]:
    fields = {
        "decision_number": item.decision_number,
        "inspection_type": INSPECTION_TYPE,
        "inspection_item": item_names,
        "inspected_on": item.inspected_on.isoformat(),
        "inspection_result": item.result,
        "decided_on": item.decided_on.isoformat(),
        "inspecting_authority": dept.name,
        "inspecting_authority_code": item.authority_code,
        "current_status": "正常",
        "data_source": dept.name,
        "data_source_code": item.authority_code,
        "remarks": f"抽查计划：{plan.title}"[:1000],
    }
    if item.description:
        fields["result_description"] = item.description
    return {
        "item": "administrative_inspection",
        "source_id": f"inspection-plan-{plan.id}",
        "subject": subject,
        "fields": fields,
    }


def results_out(session: Session, plan: InspectionPlan, *, member: bool) -> list[ResultOut]:
    return [
        ResultOut(
            plan_id=str(plan.id),
            credit_code=s.credit_code or "",
            name=s.name,
            department=d.code,
            department_name=d.name,
            result=r.result,
            decision_number=r.decision_number,
            inspected_on=r.inspected_on,
            decided_on=r.decided_on,
            due_on=r.due_on,
            published_at=r.entered_at,
            late=rules.is_late(r.due_on, local_date(r.entered_at)),
            record_id=str(r.record_id) if member else None,
        )
        for r, s, d in repository.results_of(session, plan.id)
    ]


def overdue(session: Session, department_id: int | None, today: date) -> list[OverdueOut]:
    """Results not published by their last day (``missing``) and results published after it
    (``late``): a department's, or every department's for the authority."""
    out: list[OverdueOut] = []
    publication = supervision.publication_rules()
    calendar = calendar_for(session)
    for plan in repository.drawn_plans_of(session, department_id):
        departments = [
            d
            for d in repository.plan_departments(session, plan.id)
            if department_id is None or d.id == department_id
        ]
        due = rules.missing_due_on(calendar, plan.inspect_until, publication)
        if rules.is_overdue(due, today):
            for dept in departments:
                out.extend(
                    OverdueOut(
                        plan_id=str(plan.id),
                        title=plan.title,
                        department=dept.code,
                        credit_code=code or "",
                        name=name,
                        due_on=due,
                        state="missing",
                        published_at=None,
                    )
                    for code, name in repository.missing_results(session, plan.id, dept.id)
                )
        codes = {d.code for d in departments}
        out.extend(
            OverdueOut(
                plan_id=str(plan.id),
                title=plan.title,
                department=d.code,
                credit_code=s.credit_code or "",
                name=s.name,
                due_on=r.due_on,
                state="late",
                published_at=r.entered_at,
            )
            for r, s, d in repository.results_of(session, plan.id)
            if d.code in codes and rules.is_late(r.due_on, local_date(r.entered_at))
        )
    return out
