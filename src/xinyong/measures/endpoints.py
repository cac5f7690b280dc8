"""The measures list (联合奖惩措施清单) under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from xinyong.core.api import clock, current_principal, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.measures.schemas import SCENARIOS, MeasureOut, MeasuresIn
from xinyong.measures.service import active_measures, publish_measures
from xinyong.models import Role

router = APIRouter(tags=["measures"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)


@router.get(
    "/measures",
    response_model=list[MeasureOut],
    **endpoint(*EVERYONE, summary="The published measures list (联合奖惩措施清单)"),
)
def get_measures(session: Session = db_session) -> list[MeasureOut]:
    """Each measure with its kind, type, triggering lists, targets, the action it takes in
    each business scenario, the initiating and implementing sectors, how information is shared
    and its legal basis (003 联合奖惩 §（十六））."""
    return [
        MeasureOut.model_validate({**m.spec, "version": m.version})
        for m in active_measures(session)
    ]


@router.post(
    "/measures",
    **endpoint(Role.authority, errors={422: ["unknown_list"]}, summary="Publish the measures list"),
)
def post_measures(
    body: MeasuresIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict:
    """The whole list: new and revised measures get a new version, measures left out are
    retired; checks use the new list at once, in every process (the change feed)."""
    return publish_measures(session, body, actor=principal.actor, now=clock(request).now())


@router.get(
    "/scenarios",
    **endpoint(*EVERYONE, summary="The business scenarios a check is made in"),
)
def get_scenarios() -> dict[str, str]:
    return SCENARIOS
