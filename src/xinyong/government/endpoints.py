"""Government integrity under /api/v1/government (docs/government.md): the policy, 政务失信
cases and their steps (explanation, rectification, 清欠 payments, 容错纠错, interviews), the
quarterly list of failing bodies, debt warnings, and the regional evaluation."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, clock, current_principal, db_session, endpoint, page_offset
from xinyong.core.auth import Principal
from xinyong.errors import NotFound
from xinyong.government import debt, quarterly, regional, service
from xinyong.government.schemas import (
    CaseOut,
    CasesOut,
    DebtRowsIn,
    DebtWarningsOut,
    ExclusionIn,
    ExplanationIn,
    InterviewIn,
    PaymentIn,
    PolicyIn,
    PolicyOut,
    QuarterlyListOut,
    RectificationIn,
    RegionalEvaluationOut,
)
from xinyong.models import CaseState, GovernmentFailureCase, Role
from xinyong.rights import evidence
from xinyong.rights.endpoints import request_step

router = APIRouter(tags=["government"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
READERS = (Role.subject, Role.provider, Role.authority)
DEPARTMENTS = (Role.provider, Role.user_department, Role.authority)
CASE_ERRORS = {404: ["unknown_case"], 409: ["case_closed"]}
CHUNK = 1 << 20


@router.get(
    "/government/policy",
    response_model=PolicyOut | PolicyIn,
    **endpoint(*EVERYONE, summary="The government-integrity policy in force"),
)
def get_policy(request: Request, session: Session = db_session) -> PolicyOut | PolicyIn:
    """The periods of a 政务失信 case, the debt-warning lines, and the regional evaluation
    model with its method — public, as the method of a published ranking must be. Before the
    authority publishes one, the shipped policy (`version` absent)."""
    policy = service.policy_in_force(session, clock(request).today())
    row = service.policy_row(session, policy.version)
    return service.policy_out(row) if row is not None else policy.spec


@router.post(
    "/government/policy",
    response_model=PolicyOut,
    status_code=201,
    **endpoint(Role.authority, errors={422: ["retroactive_policy"]}, summary="Publish a policy"),
)
def post_policy(
    data: PolicyIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> PolicyOut:
    """A new version, in force from `effective_from` (today when absent, never earlier: 422
    `retroactive_policy`). Cases already open keep the deadlines they were given."""
    return service.publish_policy(session, request_step(request, principal), data)


@router.post(
    "/government/case-sync",
    **endpoint(
        Role.authority,
        errors={409: ["calendar_year_unknown"]},
        summary="Open the cases of new 政务失信 records now",
    ),
)
def post_sync(
    request: Request, principal: Principal = current_principal, session: Session = db_session
) -> dict[str, int]:
    """What the daily jobs do every run: a case for each 政务失信 record without one. Their
    deadlines count on the official calendar: 409 `calendar_year_unknown` while it does not
    know the year they fall in (the jobs leave those records waiting)."""
    return {"opened": service.sync_cases(session, request_step(request, principal))}


@router.get(
    "/government/cases",
    response_model=CasesOut,
    **endpoint(*READERS, summary="政务失信 cases"),
)
def get_cases(
    request: Request,
    state: Literal["open", "explained", "cleared", "excluded"] | None = Query(default=None),
    region: str | None = Query(
        default=None, pattern=r"^\d{2,6}$", description="region code prefix"
    ),
    overdue: bool | None = Query(default=None),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CasesOut:
    """The authority reads every case; a providing department the cases of its records; a
    government body its own. Newest decision first."""
    today = clock(request).today()
    rows, total = service.find_cases(
        session,
        principal,
        state=CaseState(state) if state else None,
        region=region,
        overdue=overdue,
        today=today,
        limit=limit,
        offset=offset,
    )
    return CasesOut(total=total, cases=[service.case_out(session, c, today) for c in rows])


@router.get(
    "/government/cases/{case_id}",
    response_model=CaseOut,
    **endpoint(*READERS, errors={404: ["unknown_case"]}, summary="One case, with its payments"),
)
def get_case(
    case_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CaseOut:
    """Another's case is 404, as if it did not exist."""
    case = service.readable_case(session, principal, case_id)
    return service.case_out(session, case, clock(request).today(), with_payments=True)


def _out(session: Session, request: Request, case: GovernmentFailureCase) -> CaseOut:
    session.flush()
    return service.case_out(session, case, clock(request).today(), with_payments=True)


@router.post(
    "/government/cases/{case_id}/explanation",
    response_model=CaseOut,
    **endpoint(
        Role.subject,
        Role.authority,
        errors={**CASE_ERRORS, 403: ["not_the_body"], 409: ["case_closed", "already_explained"]},
        summary="The body's written explanation (书面说明原因)",
    ),
)
def post_explanation(
    case_id: BigId,
    data: ExplanationIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CaseOut:
    """By the body itself, or by the authority for a body that answered on paper."""
    case = service.explain(session, request_step(request, principal), case_id, data)
    return _out(session, request, case)


@router.post(
    "/government/cases/{case_id}/rectification",
    response_model=CaseOut,
    **endpoint(
        Role.subject,
        Role.authority,
        errors={**CASE_ERRORS, 403: ["not_the_body"]},
        summary="The body's report of its rectification (整改情况)",
    ),
)
def post_rectification(
    case_id: BigId,
    data: RectificationIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CaseOut:
    """For the authority to confirm (`/rectification-confirmation`)."""
    case = service.report_rectification(session, request_step(request, principal), case_id, data)
    return _out(session, request, case)


@router.post(
    "/government/cases/{case_id}/rectification-confirmation",
    response_model=CaseOut,
    **endpoint(
        Role.authority,
        errors={
            **CASE_ERRORS,
            409: ["case_closed", "rectification_not_reported", "cleared_by_payment"],
        },
        summary="Confirm the rectification: the case is cleared",
    ),
)
def post_confirmation(
    case_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CaseOut:
    """An unpaid bill clears by payment only (409 `cleared_by_payment`)."""
    case = service.confirm_rectification(session, request_step(request, principal), case_id)
    return _out(session, request, case)


@router.post(
    "/government/cases/{case_id}/payments",
    response_model=CaseOut,
    status_code=201,
    **endpoint(
        Role.subject,
        Role.authority,
        errors={
            **CASE_ERRORS,
            403: ["not_the_body"],
            409: ["case_closed", "not_unpaid_bills"],
            422: ["future_payment"],
        },
        summary="A payment of an unpaid bill (清欠)",
    ),
)
def post_payment(
    case_id: BigId,
    data: PaymentIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CaseOut:
    """Paid in full, the case is cleared (`cleared_as` `paid`) and the body's record shows it."""
    case, _ = service.record_payment(session, request_step(request, principal), case_id, data)
    return _out(session, request, case)


@router.post(
    "/government/cases/{case_id}/exclusion",
    response_model=CaseOut,
    **endpoint(
        Role.provider,
        Role.authority,
        errors={
            **CASE_ERRORS,
            403: ["not_competent"],
            413: ["file_too_large"],
            422: ["tolerance_decision_required", "unsupported_file_type"],
        },
        summary="容错纠错: exclude a failure with the competent body's decision",
    ),
)
def post_exclusion(
    case_id: BigId,
    request: Request,
    reason: str = Form(min_length=1, max_length=4000, description="why the conditions are met"),
    decision_number: str | None = Form(default=None, max_length=100),
    document: UploadFile | None = File(default=None, description="the decision, PDF/JPEG/PNG"),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CaseOut:
    """`multipart/form-data`. Without the decision's number or its document: 422
    `tolerance_decision_required`. The record's standing becomes `excluded` (a revision and
    an audit entry), the case closes, and the failure counts nowhere: not in checks, lists,
    the quarterly list nor the regional evaluation."""
    upload = None
    if document is not None:
        chunks, size = [], 0
        while chunk := document.file.read(CHUNK):
            size += len(chunk)
            if size > evidence.MAX_BYTES:
                raise evidence.too_large()
            chunks.append(chunk)
        upload = ((document.filename or "decision")[-200:], b"".join(chunks))
    body = ExclusionIn(decision_number=decision_number or None, reason=reason)
    case = service.exclude(
        session, request_step(request, principal), case_id, body, document=upload
    )
    return _out(session, request, case)


@router.post(
    "/government/cases/{case_id}/interviews",
    response_model=CaseOut,
    status_code=201,
    **endpoint(
        Role.authority,
        errors={**CASE_ERRORS, 409: ["case_closed", "case_not_overdue"]},
        summary="Record an interview (约谈) of a body late with its case",
    ),
)
def post_interview(
    case_id: BigId,
    data: InterviewIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CaseOut:
    """Only once the explanation or the rectification is overdue (409 `case_not_overdue`)."""
    case = service.interview(session, request_step(request, principal), case_id, data)
    return _out(session, request, case)


@router.get(
    "/government/quarterly-list",
    response_model=QuarterlyListOut,
    **endpoint(
        Role.authority,
        errors={422: ["invalid_quarter"]},
        summary="The quarterly list of failing bodies",
    ),
)
def get_quarterly(
    request: Request,
    quarter: str = Query(description="YYYY-Qn, e.g. 2026-Q4", max_length=7),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> QuarterlyListOut:
    """004 §5 (按季度查询政府机构失信情况): the bodies with 政务失信 records decided up to the
    quarter's end, and their cases not yet cleared, with whom each is sent to."""
    year, number = quarterly.parse_quarter(quarter)
    return quarterly.quarterly_list(session, year, number, today=clock(request).today())


@router.post(
    "/government/quarterly-notices",
    status_code=201,
    **endpoint(
        Role.authority,
        errors={409: ["quarter_not_closed", "notice_exists"], 422: ["invalid_quarter"]},
        summary="Send a quarter's list as a notice to its recipients",
    ),
)
def post_quarterly_notice(
    request: Request,
    quarter: str = Query(description="YYYY-Qn, e.g. 2026-Q3", max_length=7),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict[str, str]:
    """What the scheduled job does once a quarter is over: the list as a notice (HTML and
    PDF, citing the rules by title) to each body's superior and the discipline and personnel
    departments, who acknowledge it (`/notices/{id}/acknowledgement`). Once per quarter."""
    year, number = quarterly.parse_quarter(quarter)
    notice = quarterly.send_notice(session, request_step(request, principal), year, number)
    session.flush()
    return {"notice": str(notice.id), "period": notice.period or ""}


@router.post(
    "/government/debt-indicators",
    status_code=201,
    **endpoint(
        Role.provider,
        Role.authority,
        errors={403: ["not_finance"], 422: ["unknown_region", "unknown_debt_indicator"]},
        summary="Load debt-risk indicators of cities and counties",
    ),
)
def post_debt(
    data: DebtRowsIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict[str, int]:
    """By the finance department. A region that is no city or county in use (422
    `unknown_region`) or an indicator the policy does not name (422 `unknown_debt_indicator`)
    refuses the whole load, naming the row. A later load of the same region, year and
    indicator supersedes the earlier one."""
    return {"loaded": debt.load(session, request_step(request, principal), data)}


@router.get(
    "/government/debt-warnings",
    response_model=DebtWarningsOut,
    **endpoint(*DEPARTMENTS, summary="Debt warnings, yellow and red (government-shared)"),
)
def get_debt_warnings(
    request: Request,
    year: int = Query(ge=2000, le=2100),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DebtWarningsOut:
    """Each region's values against the lines of the policy in force; red first. The read is
    audited."""
    return debt.warnings(session, request_step(request, principal), year)


@router.post(
    "/government/regional-evaluations",
    response_model=RegionalEvaluationOut,
    status_code=201,
    **endpoint(
        Role.authority,
        errors={409: ["calendar_year_unknown"], 422: ["invalid_year"]},
        summary="Run the regional government integrity evaluation",
    ),
)
def post_regional(
    request: Request,
    year: int = Query(ge=2000, le=2100),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> RegionalEvaluationOut:
    """Every city and county scored for `year` (this year or an earlier one: 422
    `invalid_year` else; 409 `calendar_year_unknown` for a year the working-day calendar does
    not know, whose 双公示 timeliness cannot be counted); the newest run of a year is the
    published ranking."""
    row = regional.run(session, request_step(request, principal), year)
    return regional.evaluation_out(session, row)


@router.get(
    "/government/regional-evaluation",
    response_model=RegionalEvaluationOut,
    **endpoint(
        *EVERYONE, errors={404: ["no_regional_evaluation"]}, summary="The published ranking"
    ),
)
def get_regional(
    year: int | None = Query(default=None, ge=2000, le=2100),
    session: Session = db_session,
) -> RegionalEvaluationOut:
    """The newest run (of `year`, when given), with its method — public."""
    row = regional.latest(session, year)
    if row is None:
        raise NotFound(
            "尚未发布区域政务诚信状况评价",
            "no regional evaluation published",
            field="year",
            code="no_regional_evaluation",
        )
    return regional.evaluation_out(session, row)
