"""POST /api/v1/records/batches — collection by interface (Measures art. 16)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from xinyong.core.api import (
    checked_idempotency_key,
    clock,
    current_principal,
    database,
    db_session,
    endpoint,
    json_object,
    raw_body,
)
from xinyong.core.auth import Principal
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.errors import InvalidRequest, PayloadTooLarge
from xinyong.models import Department, Role
from xinyong.records.repository import batch_answer
from xinyong.records.schemas import BatchIn, BatchOut
from xinyong.records.service import Collector, parse_channel

router = APIRouter(tags=["records"])


@router.post(
    "/records/batches",
    response_model=BatchOut,
    **endpoint(
        Role.provider,
        errors={
            400: ["malformed_json", "invalid_body", "invalid_idempotency_key"],
            409: ["no_published_catalog"],
            413: ["batch_too_large"],
            422: ["invalid_channel", "invalid_records"],
        },
        summary="Push a batch of records (推送公共信用信息)",
        body=BatchIn,
    ),
)
def receive_batch(
    request: Request,
    raw: bytes = raw_body,
    idempotency_key: str | None = checked_idempotency_key,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> BatchOut:
    """Good rows land together in one transaction; bad rows come back by index and field; a
    record already stored (same item, provider and source_id, by either channel) counts as a
    duplicate and is stored once. Row error codes: `invalid_credit_code`, `invalid_id_number`,
    `unknown_item`, `not_item_source`, `missing_field`, `invalid_field`, `unknown_field`,
    `missing_severity`, `forbidden_field`, `future_date`, `invalid_subject`, `invalid_record`,
    `invalid_name`. A NUL or other control character in any value is `invalid_field` of that
    row; names are stored NFKC-normalised without invisible characters (docs/api.md)."""
    body = json_object(raw)
    channel = parse_channel(body.get("channel"))
    records = body.get("records")
    if not isinstance(records, list):
        raise InvalidRequest(
            "records 应为数组", "records must be an array", field="records", code="invalid_records"
        )
    limit = db.settings.max_batch_records
    if len(records) > limit:
        raise PayloadTooLarge(
            f"一批最多 {limit} 条记录，本批 {len(records)} 条",
            f"a batch holds at most {limit} records, got {len(records)}",
            field="records",
            limit=limit,
            received=len(records),
        )
    provider = session.get_one(Department, principal.department_id)
    if idempotency_key:
        # Two retries racing each other must not both be applied.
        advisory_xact_lock(session, f"batch:{provider.id}:{idempotency_key}")
        answer = batch_answer(session, provider.id, idempotency_key)
        if answer is not None:
            return BatchOut.model_validate(answer)
    collector = Collector(
        session,
        request.app.state.collection,
        provider=provider,
        channel=channel,
        via="api",
        actor=principal.actor,
        now=clock(request).now(),
    )
    collector.feed(enumerate(records))
    return BatchOut.model_validate(collector.finish(idempotency_key))
