"""Validity rules (Measures art. 30) under /api/v1: public policy, read by anyone, added by
the authority."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from xinyong.core.api import clock, current_principal, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.models import Role
from xinyong.validity.schemas import ValidityRuleIn, ValidityRuleOut
from xinyong.validity.service import add_rule, all_rules, rule_out

router = APIRouter(tags=["validity"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)


@router.get(
    "/validity-rules",
    response_model=list[ValidityRuleOut],
    **endpoint(*EVERYONE, summary="The validity rules (有效期规则) with their effective dates"),
)
def list_validity_rules(session: Session = db_session) -> list[ValidityRuleOut]:
    """Every rule ever in force, oldest first. A negative record's validity is set by the rule
    in force on the day its failure was determined: the latest rule effective on or before that
    day among the general rules and its item's own (the item's own on the same date), unless law
    sets the item's period (catalog `legal_validity_years`). See docs/workflows/validity.md."""
    return [rule_out(r) for r in all_rules(session)]


@router.post(
    "/validity-rules",
    response_model=ValidityRuleOut,
    status_code=201,
    **endpoint(
        Role.authority,
        errors={409: ["validity_rule_retroactive", "validity_rule_exists"], 422: ["unknown_item"]},
        summary="Add a validity rule",
    ),
)
def add_validity_rule(
    data: ValidityRuleIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ValidityRuleOut:
    """A new policy's periods, in months by severity (`minor`, `general`, `serious`, `severe`),
    for failures determined on or after `effective_from` — today or later, never earlier:
    records already collected keep their validity. Rules are added, never edited; each one is
    audited and announced on the change feed (topic `validity`)."""
    rule = add_rule(session, data, actor=principal.actor, now=clock(request).now())
    return rule_out(rule)
