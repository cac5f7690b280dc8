"""Risk warnings under /api/v1 (docs/risk.md): the warnings each audience reads, the warning
rules (public policy, added by the authority) and the addresses warnings are sent to."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, clock, current_principal, db_session, endpoint, page_offset
from xinyong.core.auth import Principal
from xinyong.models import Role
from xinyong.risk import repository
from xinyong.risk.schemas import (
    ContactIn,
    ContactOut,
    WarningOut,
    WarningRuleIn,
    WarningRuleOut,
    WarningsOut,
)
from xinyong.risk.service import (
    add_contact,
    add_rule,
    contact_out,
    rule_out,
    warning_for,
    warnings_for,
)

router = APIRouter(tags=["risk"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
READERS = (Role.subject, Role.provider, Role.user_department, Role.authority)


@router.get(
    "/warnings",
    response_model=WarningsOut,
    **endpoint(*READERS, summary="Risk warnings (风险预警) addressed to the caller"),
)
def list_warnings(
    request: Request,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> WarningsOut:
    """Newest first. A subject reads the warnings addressed to it; a department those
    addressed to it as the supervising department; the authority every warning. Each comes
    with its reason: the rule and its basis, the records and dates it rests on. A
    department's or the authority's read is logged with its purpose."""
    rows, total = warnings_for(
        session, principal, limit=limit, offset=offset, now=clock(request).now()
    )
    return WarningsOut(warnings=rows, total=total)


@router.get(
    "/warnings/{warning_id}",
    response_model=WarningOut,
    **endpoint(*READERS, errors={404: ["unknown_warning"]}, summary="One risk warning, with why"),
)
def get_warning(
    warning_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> WarningOut:
    """A warning addressed to another is 404, as if it did not exist. A department's or the
    authority's read is logged with its purpose."""
    return warning_for(session, principal, warning_id, now=clock(request).now())


@router.get(
    "/risk/rules",
    response_model=list[WarningRuleOut],
    **endpoint(*EVERYONE, summary="The warning rules in force"),
)
def list_rules(
    all_versions: bool = Query(default=False, description="every version, retired ones too"),
    session: Session = db_session,
) -> list[WarningRuleOut]:
    """Each rule's condition over the archive (kinds `date_due`, `count_within`,
    `amount_over`, `grade_drop`, `linked_black_list`), its audience, severity and basis."""
    rows = (
        repository.all_rule_versions(session)
        if all_versions
        else repository.rules_in_force(session)
    )
    return [rule_out(r) for r in rows]


@router.post(
    "/risk/rules",
    response_model=WarningRuleOut,
    status_code=201,
    **endpoint(
        Role.authority,
        errors={422: ["unknown_item", "unknown_field"]},
        summary="Add a warning rule, or a new version of one",
    ),
)
def post_rule(
    data: WarningRuleIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> WarningRuleOut:
    """A rule over an item missing from the published catalog is 422 `unknown_item`; over a
    field the item lacks (or of the wrong type), 422 `unknown_field`. A rule with an existing
    code is its next version, in force from now; `enabled: false` retires the code. Audited
    and announced on the change feed (topic `risk`)."""
    rule = add_rule(session, data, actor=principal.actor, now=clock(request).now())
    return rule_out(rule)


@router.post(
    "/risk/contacts",
    response_model=ContactOut,
    status_code=201,
    **endpoint(*READERS, summary="An address the caller's warnings are sent to"),
)
def post_contact(
    data: ContactIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ContactOut:
    """An e-mail address or mobile number for the caller's own warnings: a subject's, or its
    department's (the authority's departments receive the authority's)."""
    return contact_out(add_contact(session, principal, data, now=clock(request).now()))
