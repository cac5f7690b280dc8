"""Drafting, publishing and reading catalog versions (Measures art. 8)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from xinyong.catalog.schemas import CatalogIn, ItemSpec
from xinyong.core import audit
from xinyong.errors import Conflict, NotFound
from xinyong.models import CatalogItem, CatalogStatus, CatalogVersion
from xinyong.records.checkers import CompiledItem, compile_item


def default_catalog() -> CatalogIn:
    text = resources.files("xinyong.catalog").joinpath("default_catalog.json").read_text("utf-8")
    return CatalogIn.model_validate(json.loads(text))


def draft_version(
    session: Session, data: CatalogIn, *, actor: str, now: datetime
) -> CatalogVersion:
    number = (session.execute(select(func.max(CatalogVersion.number))).scalar() or 0) + 1
    version = CatalogVersion(
        number=number,
        title=data.title,
        status=CatalogStatus.draft,
        created_at=now,
        created_by=actor,
        notes=data.notes,
    )
    session.add(version)
    session.flush()
    for item in data.items:
        session.add(CatalogItem(version_id=version.id, **item.model_dump(mode="json")))
    audit.log(
        session,
        actor=actor,
        action="catalog.drafted",
        at=now,
        target_type="catalog_version",
        target_id=number,
        detail={"items": len(data.items)},
    )
    session.flush()
    return version


def publish_version(session: Session, number: int, *, actor: str, now: datetime) -> CatalogVersion:
    version = session.execute(
        select(CatalogVersion).where(CatalogVersion.number == number)
    ).scalar_one_or_none()
    if version is None:
        raise NotFound(f"目录版本 {number} 不存在", f"catalog version {number} does not exist")
    if version.status != CatalogStatus.draft:
        raise Conflict(
            f"目录版本 {number} 不是草稿，不能发布",
            f"catalog version {number} is {version.status.value}, not a draft",
            code="catalog_not_draft",
        )
    previous = session.execute(
        select(CatalogVersion.number).where(CatalogVersion.status == CatalogStatus.published)
    ).scalar_one_or_none()
    session.execute(
        update(CatalogVersion)
        .where(CatalogVersion.status == CatalogStatus.published)
        .values(status=CatalogStatus.superseded)
    )
    version.status = CatalogStatus.published
    version.published_at = now
    version.published_by = actor
    audit.log(
        session,
        actor=actor,
        action="catalog.published",
        at=now,
        target_type="catalog_version",
        target_id=number,
        before_ref=None if previous is None else f"catalog_version:{previous}",
        after_ref=f"catalog_version:{number}",
    )
    session.flush()
    return version


def ensure_default_catalog(session: Session, *, now: datetime) -> CatalogVersion | None:
    """On a new database, draft and publish the shipped default catalog (once)."""
    if session.execute(select(func.count()).select_from(CatalogVersion)).scalar():
        return None
    version = draft_version(session, default_catalog(), actor="system", now=now)
    return publish_version(session, version.number, actor="system", now=now)


def get_version(session: Session, number: int | None) -> tuple[CatalogVersion, list[CatalogItem]]:
    query = select(CatalogVersion)
    if number is None:
        query = query.where(CatalogVersion.status == CatalogStatus.published)
    else:
        query = query.where(CatalogVersion.number == number)
    version = session.execute(query).scalar_one_or_none()
    if version is None:
        raise NotFound(
            "没有已发布的目录" if number is None else f"目录版本 {number} 不存在",
            "no published catalog" if number is None else f"no catalog version {number}",
        )
    items = (
        session.execute(
            select(CatalogItem).where(CatalogItem.version_id == version.id).order_by(CatalogItem.id)
        )
        .scalars()
        .all()
    )
    return version, list(items)


def list_versions(session: Session) -> list[CatalogVersion]:
    return list(session.execute(select(CatalogVersion).order_by(CatalogVersion.number)).scalars())


@dataclass(frozen=True)
class PublishedCatalog:
    version_id: int
    number: int
    items: dict[str, CompiledItem]


_cache: dict[tuple[str, int, datetime | None], PublishedCatalog] = {}
_cache_lock = threading.Lock()


def published_catalog(session: Session) -> PublishedCatalog | None:
    """The published catalog, compiled for validation.

    Process memory keeps the compiled form keyed by the published version's id; the one
    cheap query here is the invalidation signal, so a version published by any process is
    picked up by every other on its next batch.
    """
    row = session.execute(
        select(CatalogVersion.id, CatalogVersion.number, CatalogVersion.published_at).where(
            CatalogVersion.status == CatalogStatus.published
        )
    ).first()
    if row is None:
        return None
    key = (str(session.get_bind().engine.url), row.id, row.published_at)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    items = session.execute(select(CatalogItem).where(CatalogItem.version_id == row.id)).scalars()
    compiled = PublishedCatalog(
        version_id=row.id,
        number=row.number,
        items={
            item.code: compile_item(
                item.id, row.number, ItemSpec.model_validate(item, from_attributes=True)
            )
            for item in items
        },
    )
    with _cache_lock:
        for stale in [k for k in _cache if k[0] == key[0]]:
            del _cache[stale]
        _cache[key] = compiled
    return compiled


def field_labels(session: Session) -> dict[str, dict[str, str]]:
    """Each published item's field labels by field name, by item code: how a page, a
    document or a CSV names a record's fields (Measures art. 8: the item states its content)."""
    catalog = published_catalog(session)
    if catalog is None:
        return {}
    return {
        code: {f.name: f.label for f in item.spec.fields} for code, item in catalog.items.items()
    }


def labelled_fields(session: Session, item_code: str, fields: dict) -> list[tuple[str, Any]]:
    """A record's non-empty fields as (label, value), in the stored order."""
    names = field_labels(session).get(item_code, {})
    return [(names.get(k, k), v) for k, v in fields.items() if v not in (None, "")]


def merged_field_labels(session: Session, items: Iterable[str] | None = None) -> dict[str, str]:
    """Each published field's label by its name, across ``items`` (all by default): a row
    error names a field without its item. Items that label one field name differently give
    every label, joined by ／."""
    wanted = None if items is None else set(items)
    merged: dict[str, list[str]] = {}
    for code, names in field_labels(session).items():
        if wanted is not None and code not in wanted:
            continue
        for name, label in names.items():
            if label not in merged.setdefault(name, []):
                merged[name].append(label)
    return {name: "／".join(found) for name, found in merged.items()}
