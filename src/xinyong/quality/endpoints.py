"""Data quality under /api/v1 (docs/quality.md): the quality rules (read by providers and the
authority, published by the authority), the findings of the checks — a provider's own, the
authority's all — and their settling by the provider, the overdue duties, the month's scores,
and 零报送 (POST /records/nil-returns)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, clock, current_principal, db_session, endpoint, page_offset
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.models import Role
from xinyong.quality import repository, service
from xinyong.quality.repository import FindingFilter
from xinyong.quality.ruleset import publish_rules, rule_set_in_force, rule_set_out
from xinyong.quality.schemas import (
    STATES,
    CorrectionIn,
    DutiesOut,
    FindingOut,
    FindingsOut,
    NilReturnIn,
    NilReturnOut,
    ReasonIn,
    RuleSetIn,
    RuleSetOut,
    ScoresOut,
)
from xinyong.quality.scores import scores_out
from xinyong.reports.dual_publicity import Month
from xinyong.rights.endpoints import request_step

router = APIRouter(tags=["quality"])

READERS = (Role.provider, Role.authority)
FINDING_404 = ["unknown_finding"]
# What the collector may answer about a corrected record (docs/api.md, row errors).
ROW_ERRORS = [
    "invalid_credit_code",
    "invalid_id_number",
    "unknown_item",
    "not_item_source",
    "missing_field",
    "invalid_field",
    "unknown_field",
    "missing_severity",
    "forbidden_field",
    "future_date",
    "invalid_subject",
    "invalid_record",
    "invalid_name",
]


@router.get(
    "/quality/rules",
    response_model=RuleSetOut,
    **endpoint(*READERS, summary="The quality rules in force and the score's formula"),
)
def get_rules(session: Session = db_session) -> RuleSetOut:
    """Each rule's check (kinds `name_mismatch`, `region_mismatch`, `duplicate_decision`,
    `decision_after_arrival`, `dual_publicity_fields_empty`) with its parameters, Chinese
    name, basis, severity and whether it runs; the score's formula; the working days a
    provider has for its tasks."""
    return rule_set_in_force(session)


@router.put(
    "/quality/rules",
    response_model=RuleSetOut,
    **endpoint(
        Role.authority,
        errors={422: ["unknown_item", "unknown_field"]},
        summary="Publish a new version of the quality rules",
    ),
)
def put_rules(
    data: RuleSetIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> RuleSetOut:
    """The whole set, in force from now (the next run checks by it; findings already made
    stay). An item missing from the published catalog is 422 `unknown_item`; a 双公示 field no
    item of its act type has, 422 `unknown_field`. Audited."""
    row = publish_rules(session, data, actor=principal.actor, now=clock(request).now())
    return rule_set_out(row)


@router.get(
    "/quality/findings",
    response_model=FindingsOut,
    **endpoint(*READERS, errors={422: ["unknown_department"]}, summary="Data quality findings"),
)
def list_findings(
    request: Request,
    rule: str | None = Query(default=None, max_length=64, description="a rule's code"),
    state: Literal[STATES] | None = Query(default=None),  # type: ignore[valid-type]  # tuple's values
    department: str | None = Query(
        default=None, max_length=64, description="authority only: a department's code"
    ),
    run: int | None = Query(default=None, ge=1, le=2**31 - 1, description="a run's id"),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> FindingsOut:
    """Newest first. A provider reads the findings on its own records; the authority every
    provider's (`department` narrows). Each read is logged with its purpose in the subject's
    query log."""
    flt = FindingFilter(rule=rule, state=state, run_id=run, limit=limit, offset=offset)
    rows, total = service.findings_for(
        session,
        principal,
        flt,
        now=clock(request).now(),
        department=department if principal.role is Role.authority else None,
    )
    return FindingsOut(findings=rows, total=total)


@router.get(
    "/quality/findings/{finding_id}",
    response_model=FindingOut,
    **endpoint(*READERS, errors={404: FINDING_404}, summary="One data quality finding"),
)
def get_finding(
    finding_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> FindingOut:
    """Another provider's finding is 404, as if it did not exist. The read is logged."""
    return service.finding_for(session, principal, finding_id, now=clock(request).now())


def _settled(session: Session, finding_id: int) -> FindingOut:
    found = repository.get_finding(session, finding_id)
    assert found is not None  # just settled in this transaction
    return service.findings_out(session, [found])[0]


@router.post(
    "/quality/findings/{finding_id}/confirmation",
    response_model=FindingOut,
    **endpoint(
        Role.provider,
        errors={403: ["not_your_finding"], 404: FINDING_404, 409: ["finding_closed"]},
        summary="Confirm a finding's record as right",
    ),
)
def post_confirmation(
    finding_id: BigId,
    data: ReasonIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> FindingOut:
    """The provider of the record checked it and it is right: the finding is closed as
    `confirmed` with the reason. Audited."""
    service.confirm(session, request_step(request, principal), finding_id, data.reason)
    return _settled(session, finding_id)


@router.post(
    "/quality/findings/{finding_id}/withdrawal",
    response_model=FindingOut,
    **endpoint(
        Role.provider,
        errors={
            403: ["not_your_finding"],
            404: FINDING_404,
            409: ["finding_closed", "record_not_active"],
        },
        summary="Withdraw a finding's record (a copy pushed twice)",
    ),
)
def post_withdrawal(
    finding_id: BigId,
    data: ReasonIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> FindingOut:
    """The record should not stand: it is revoked by a revision (never deleted; it stays in
    the subject's history) and its open findings close as `withdrawn`. Audited."""
    service.withdraw(session, request_step(request, principal), finding_id, data.reason)
    return _settled(session, finding_id)


@router.post(
    "/quality/findings/{finding_id}/correction",
    response_model=FindingOut,
    **endpoint(
        Role.provider,
        errors={
            403: ["not_your_finding"],
            404: FINDING_404,
            409: [
                "finding_closed",
                "record_not_active",
                "correction_duplicate",
                "no_published_catalog",
            ],
            422: ["item_mismatch", *ROW_ERRORS],
        },
        summary="Correct a finding's record by a new record that replaces it",
    ),
)
def post_correction(
    finding_id: BigId,
    data: CorrectionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> FindingOut:
    """`record` is the corrected record, as a pushed one (POST /records/batches), validated
    the same way: a bad one is 422 with the row's first error code, all of them in
    `detail.errors`. Of the finding's item; a `source_id` equal to the original's is kept
    apart from it (`#质量更正N`). Stored, it replaces the original: the original becomes
    `corrected` by a revision naming the new record, and stays in the subject's history; the
    finding closes as `corrected` with `new_record_id`. Audited."""
    service.correct(session, request_step(request, principal), finding_id, data)
    return _settled(session, finding_id)


@router.get(
    "/quality/duties",
    response_model=DutiesOut,
    **endpoint(*READERS, summary="Items overdue by their update cycle"),
)
def list_duties(
    state: Literal["open", "all"] = Query(default="open"),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DutiesOut:
    """The items a provider owes (the catalog names its sector a source) and did not push by
    the end of the period after its last push (or its creation), by the item's update cycle:
    a provider its own, the authority all. Each has a task on the provider's queue; a push or
    a 零报送 closes it."""
    rows, total = service.duties_for(
        session, principal, open_only=state == "open", limit=limit, offset=offset
    )
    return DutiesOut(duties=rows, total=total)


@router.get(
    "/quality/scores",
    response_model=ScoresOut,
    **endpoint(*READERS, errors={422: ["invalid_month"]}, summary="Quality scores of a month"),
)
def get_scores(
    request: Request,
    month: str | None = Query(default=None, description="YYYY-MM (default: this month)"),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ScoresOut:
    """Each provider's quality score as of the month's end (now, for this month): its open
    findings weighted by severity per 1,000 records and its overdue duties, by the formula in
    force (docs/quality.md); a provider reads its own."""
    chosen = Month.parse(month) if month else Month.of(local_date(clock(request).now()))
    own = principal.department_id if principal.role is Role.provider else None
    return scores_out(session, chosen, department_id=own)


@router.post(
    "/records/nil-returns",
    response_model=NilReturnOut,
    status_code=201,
    **endpoint(Role.provider, errors={422: ["not_owed"]}, summary="零报送: nothing to report"),
)
def post_nil_return(
    data: NilReturnIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> NilReturnOut:
    """The provider has nothing of an item to report this period: counted as a push of the
    item (the update-cycle monitor), closing the item's overdue duty if one is open. Only an
    item the provider owes (the catalog names its sector a source): 422 `not_owed`."""
    row, closed = service.file_nil_return(session, request_step(request, principal), data)
    return NilReturnOut(
        id=str(row.id),
        item_code=row.item_code,
        period_from=row.period_from,
        period_to=row.period_to,
        filed_at=row.filed_at,
        duties_closed=closed,
    )
