"""The commitment item list (信用承诺事项清单, 002 §（一）: 以清单形式公开承诺事项): published by
the authority as data with each item's standard text (格式文本), a new text a new template version;
and the published list as every request reads it, kept per process and refreshed by the change
feed (topic ``commitment_items``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.commitments import repository
from xinyong.commitments.schemas import (
    CommitmentItemOut,
    CommitmentItemsIn,
    CommitmentItemSpec,
)
from xinyong.core import audit
from xinyong.errors import InvalidRequest
from xinyong.feeds.changes import record_change
from xinyong.models import (
    Change,
    CommitmentItem,
    CommitmentTemplate,
)

# Topic of the change feed: the item list published.
COMMITMENT_ITEMS = "commitment_items"


@cache
def default_commitment_items() -> CommitmentItemsIn:
    text = (
        files("xinyong.commitments")
        .joinpath("default_commitments.json")
        .read_text(encoding="utf-8")
    )
    return CommitmentItemsIn.model_validate_json(text)


def _check_breach_items(session: Session, body: CommitmentItemsIn) -> None:
    """Each item's breach consequence names a negative item of the published catalog that the
    accepting sector may provide (Measures art. 8, 16: collection by catalog only)."""
    catalog = published_catalog(session)
    for index, spec in enumerate(body.items):
        item = catalog.items.get(spec.breach.item) if catalog else None
        if item is None or not item.negative:
            raise InvalidRequest(
                f"承诺事项 {spec.code} 的违诺后果须为目录中的失信信息项：{spec.breach.item}",
                f"commitment item {spec.code}: {spec.breach.item} is no negative catalog item",
                field=f"items[{index}].breach.item",
                code="unknown_breach_item",
            )
        if spec.sector not in item.sources:
            raise InvalidRequest(
                f"承诺事项 {spec.code} 的受理部门不能提供信息项 {spec.breach.item}",
                f"commitment item {spec.code}: its sector may not provide {spec.breach.item}",
                field=f"items[{index}].sector",
                code="breach_item_not_provided",
            )


def publish_commitment_items(
    session: Session, body: CommitmentItemsIn, *, actor: str, now: datetime
) -> dict[str, list[str]]:
    """Publish the whole list: new and changed items get a new version, a changed standard
    text a new template version too; items left out are retired (kept for the commitments
    signed under them)."""
    _check_breach_items(session, body)
    session.info.pop(_SNAPSHOT, None)
    existing = repository.all_items(session)
    templates = repository.current_templates(session)
    result: dict[str, list[str]] = {"added": [], "revised": [], "retired": [], "texts": []}
    for spec in body.items:
        data = spec.model_dump(mode="json")
        row = existing.pop(spec.code, None)
        if row is None:
            session.add(
                CommitmentItem(code=spec.code, spec=data, version=1, active=True, updated_at=now)
            )
            result["added"].append(spec.code)
        elif row.spec != data or not row.active:
            row.spec, row.version, row.active, row.updated_at = data, row.version + 1, True, now
            result["revised"].append(spec.code)
        current = templates.get(spec.code)
        if current is None or current.text != spec.template:
            version = 1 if current is None else current.version + 1
            session.add(
                CommitmentTemplate(
                    item_code=spec.code, version=version, text=spec.template, published_at=now
                )
            )
            result["texts"].append(f"{spec.code}:{version}")
    for row in existing.values():
        if row.active:
            row.active, row.updated_at = False, now
            result["retired"].append(row.code)
    if any(result.values()):
        session.flush()
        audit.log(
            session,
            actor=actor,
            action="commitment_items.published",
            at=now,
            target_type="commitment_items",
            detail=result,
        )
        record_change(session, at=now, topic=COMMITMENT_ITEMS, event="published", detail=result)
    return result


def ensure_default_commitment_items(session: Session, *, now: datetime) -> None:
    if session.execute(select(CommitmentItem.id).limit(1)).first() is None:
        publish_commitment_items(session, default_commitment_items(), actor="system", now=now)


@dataclass(frozen=True)
class PublishedItem:
    """An item as published now (retired ones too), with its current standard text."""

    code: str
    version: int
    active: bool
    spec: CommitmentItemSpec
    template_version: int
    template_text: str


# Per database (Database.sessions puts it in session.info), the items as of the latest change
# of topic COMMITMENT_ITEMS: (that change's seq and time, the items by code).
_snapshots: WeakKeyDictionary[Any, tuple[tuple, dict[str, PublishedItem]]] = WeakKeyDictionary()
_snapshots_lock = threading.Lock()
# The items the session's transaction read (session.info; publishing forgets them).
_SNAPSHOT = "commitments.published_items"


# The newest change of the item list: built once, of the table's columns.
_changes = Change.__table__.c
_NEWEST_PUBLISHED = (
    select(_changes.seq, _changes.at)
    .where(_changes.topic == COMMITMENT_ITEMS)
    .order_by(_changes.seq.desc())
    .limit(1)
)


def published_items(session: Session) -> dict[str, PublishedItem]:
    """Every item ever published, by code, with its current standard text — what signing and
    reading a commitment need on every request. Process memory keeps it per database; the one
    cheap query here (the newest change of topic ``commitment_items``, an index look-up) is the
    invalidation signal, so a list published by any process is used by every other from its
    next request on; read once per transaction (publishing in it forgets it)."""
    transaction = session.get_transaction()
    known = session.info.get(_SNAPSHOT)
    if known is not None and known[0] is transaction:
        return known[1]
    newest = session.execute(_NEWEST_PUBLISHED).first()
    key = tuple(newest) if newest is not None else ()
    database = session.info.get("database")
    cached = _snapshots.get(database) if database is not None else None
    if cached is not None and cached[0] == key:
        session.info[_SNAPSHOT] = (transaction, cached[1])
        return cached[1]
    # Read after the key: what is kept is never older than its key.
    templates = repository.current_templates(session)
    items = {
        code: PublishedItem(
            code=code,
            version=row.version,
            active=row.active,
            spec=CommitmentItemSpec.model_validate(row.spec),
            template_version=templates[code].version,
            template_text=templates[code].text,
        )
        for code, row in repository.all_items(session).items()
    }
    if database is not None and newest is not None:
        with _snapshots_lock:
            _snapshots[database] = (key, items)
    session.info[_SNAPSHOT] = (transaction, items)
    return items


def items_out(session: Session) -> list[CommitmentItemOut]:
    templates = repository.current_templates(session)
    return [
        CommitmentItemOut.model_validate(
            {**i.spec, "version": i.version, "template_version": templates[i.code].version}
        )
        for i in repository.active_items(session)
    ]
