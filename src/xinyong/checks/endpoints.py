"""POST /api/v1/checks — the check inside a department's own procedure — and its feedback."""

from __future__ import annotations

import anyio.to_thread
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from xinyong.checks.fast import FastChecks
from xinyong.checks.service import (
    CheckContext,
    CheckRequest,
    answer,
    feedback_rates,
    give_feedback,
    prepare,
    run_check,
)
from xinyong.checks.snapshot import Snapshot
from xinyong.core.api import (
    BigId,
    cached_principal,
    clock,
    current_principal,
    db_session,
    endpoint,
    json_object,
    raw_body,
    revalidate_token,
)
from xinyong.core.auth import Principal
from xinyong.db import Database
from xinyong.models import Role

router = APIRouter(tags=["checks"])

CHECKERS = (Role.user_department, Role.provider)


class CheckIn(BaseModel):
    scenario: str = Field(description="one of GET /scenarios")
    subjects: list[str] = Field(
        min_length=1, max_length=10_000, description="credit codes or ID numbers"
    )
    purpose: str = Field(min_length=1, max_length=200, description="the procedure, e.g. 案号")


class FeedbackItem(BaseModel):
    subject: str
    measure: str
    applied: bool
    reason: str | None = Field(default=None, description="required when not applied")


class FeedbackIn(BaseModel):
    items: list[FeedbackItem] = Field(min_length=1, max_length=10_000)


@router.post(
    "/checks",
    **endpoint(
        *CHECKERS,
        errors={
            400: ["malformed_json", "invalid_body"],
            413: ["too_many_subjects"],
            422: ["unknown_scenario", "invalid_subject_key", "missing_purpose"],
        },
        summary="Check subjects in a business scenario (逢办必查)",
        body=CheckIn,
        cached_token=True,
    ),
)
async def post_check(
    request: Request,
    raw: bytes = raw_body,
    principal: Principal = cached_principal,
) -> Response:
    """Per subject: `found`, its list entries in force, every measure that applies in the
    scenario with its action (`intercept`, `prompt`, `facilitate`), reason and legal basis —
    directly, or through an organisation a person represents (`via`) — and one `decision`:
    intercept over prompt over facilitate over clear. A subject not in the platform is
    `found: false` with decision `clear`. Expired, revoked and repaired entries never count.
    In scenario `inspection` each result also has `supervision`: the subject's supervision
    class in the checking department's field (分级分类监管) — from its grade for the field
    where an industry evaluation was combined, else its public grade, else the field's class
    for the ungraded (`grade_source` `field`, `public` or `none`) — with the inspection
    `ratio_percent`, the `frequency` and the rules' `basis` and `version`.
    The check is logged with department and purpose before the answer is sent; its
    `check_id` takes the feedback."""
    body = json_object(raw)
    ctx: CheckContext = request.app.state.checks
    req = prepare(
        ctx,
        scenario=body.get("scenario"),
        subjects=body.get("subjects"),
        purpose=body.get("purpose"),
        now=clock(request).now(),
        field=principal.department_kind,
    )
    fast: FastChecks | None = request.app.state.fast_checks
    if fast is not None and fast.takes(req):
        found = await fast.lookup(req)
        snap = ctx.cache.fresh(found.head)
        if snap is None or found.head > getattr(request.state, "token_head", found.head):
            snap = await anyio.to_thread.run_sync(_catch_up, request, ctx, found.head)
        answer_body, check_row, hit_rows = answer(ctx, snap, principal, req, found)
        await fast.log(check_row, hit_rows)
    else:
        answer_body = await anyio.to_thread.run_sync(_run_in_thread, request, ctx, principal, req)
    return Response(orjson.dumps(answer_body), media_type="application/json")


def _catch_up(request: Request, ctx: CheckContext, head: int) -> Snapshot:
    revalidate_token(request, head)
    return ctx.cache.current(head, ctx.sessions)


def _run_in_thread(
    request: Request, ctx: CheckContext, principal: Principal, req: CheckRequest
) -> dict:
    db: Database = request.app.state.db
    # Reads outside a transaction (one round trip); the log is written by the process's
    # group-commit writer (checks/log.py).
    with db.reading() as conn:
        return run_check(
            conn, ctx, principal, req, on_head=lambda head: revalidate_token(request, head)
        )


@router.post(
    "/checks/{check_id}/feedback",
    **endpoint(
        *CHECKERS,
        errors={
            403: ["not_your_check"],
            404: ["unknown_check"],
            422: ["not_in_check", "missing_reason", "invalid_subject_key"],
        },
        summary="Report which measures were applied (反馈)",
    ),
)
def post_feedback(
    check_id: BigId,
    body: FeedbackIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict:
    """Per subject and measure of the check: applied, or why not. Feedback already given for
    a subject and measure stands; repeating it changes nothing (`repeated`)."""
    return give_feedback(
        session,
        principal,
        check_id,
        [i.model_dump() for i in body.items],
        cipher=request.app.state.db.cipher,
        now=clock(request).now(),
    )


@router.get(
    "/feedback/rates",
    **endpoint(Role.authority, summary="Feedback rates per department and per measure"),
)
def get_feedback_rates(session: Session = db_session) -> dict:
    """How many measures checks showed, how many got feedback and how many were applied."""
    return feedback_rates(session)
