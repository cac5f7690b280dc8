"""Subscriptions and the list-change feed under /api/v1."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, HttpUrl
from sqlalchemy.orm import Session

from xinyong.core.api import Int32Id, clock, current_principal, cursor, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.feeds import service
from xinyong.models import Role, Subscription

router = APIRouter(tags=["feeds"])

SUBSCRIBERS = (Role.user_department, Role.provider)


class SubscriptionIn(BaseModel):
    lists: list[str] = Field(default=[], description="list codes (GET /lists)")
    fields: list[str] = Field(default=[], description="list fields, e.g. tax, court_enforcement")
    webhook_url: HttpUrl | None = Field(
        default=None, description="where list changes are POSTed, signed (docs/api.md § webhooks)"
    )


class SubscriptionOut(BaseModel):
    id: int
    lists: list[str]
    fields: list[str]
    webhook_url: str | None
    created_at: datetime
    ended_at: datetime | None
    secret: str | None = Field(
        default=None, description="the webhook signing secret: shown once, at creation"
    )


def _out(sub: Subscription, secret: str | None = None) -> SubscriptionOut:
    return SubscriptionOut(
        id=sub.id,
        lists=sub.lists,
        fields=sub.fields,
        webhook_url=sub.webhook_url,
        created_at=sub.created_at,
        ended_at=sub.ended_at,
        secret=secret,
    )


@router.post(
    "/subscriptions",
    status_code=201,
    response_model=SubscriptionOut,
    **endpoint(
        *SUBSCRIBERS,
        errors={
            422: [
                "unknown_list",
                "unknown_field",
                "empty_subscription",
                "invalid_webhook_url",
                "webhook_unresolvable",
                "webhook_destination_refused",
            ]
        },
        summary="Subscribe to list changes",
    ),
)
def post_subscription(
    body: SubscriptionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> SubscriptionOut:
    """Changes to the named lists, or to every list of the named fields, reach the department
    by the pull feed and, with a `webhook_url`, as signed POSTs retried with back-off."""
    sub, secret = service.create_subscription(
        session,
        principal,
        lists=body.lists,
        fields=body.fields,
        webhook_url=str(body.webhook_url) if body.webhook_url else None,
        cipher=request.app.state.db.cipher,
        now=clock(request).now(),
        allowed_networks=request.app.state.db.settings.webhook_allowed_networks,
    )
    return _out(sub, secret)


@router.get(
    "/subscriptions",
    response_model=list[SubscriptionOut],
    **endpoint(*SUBSCRIBERS, summary="The department's subscriptions"),
)
def get_subscriptions(
    principal: Principal = current_principal, session: Session = db_session
) -> list[SubscriptionOut]:
    return [_out(s) for s in service.own_subscriptions(session, principal)]


@router.delete(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionOut,
    **endpoint(*SUBSCRIBERS, errors={404: ["unknown_subscription"]}, summary="End a subscription"),
)
def delete_subscription(
    subscription_id: Int32Id,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> SubscriptionOut:
    return _out(
        service.end_subscription(session, principal, subscription_id, now=clock(request).now())
    )


@router.get(
    "/feeds/list-changes",
    **endpoint(*SUBSCRIBERS, Role.authority, summary="The list-change feed (pull)"),
)
def get_list_changes(
    since: int = cursor("the `next` of the previous answer", default=0),
    limit: int = Query(default=500, ge=1, le=5000),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict:
    """List changes after `since`, oldest first: `noticed`, `listed`, `withdrawn`, `exited`
    (with `detail.reason`: expiry, repair, revocation, black_listed). Ask again with `next`;
    the cursor is stable: no change is lost or repeated, whatever else is being written."""
    return service.read_feed(session, principal, since=since, limit=limit)
