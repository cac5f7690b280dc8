"""Publishing and reading the measures list (003 联合奖惩 §（十六）–（十七）: published, and revised
as laws and duties change)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.citations import cite_tags_in_values
from xinyong.errors import InvalidRequest
from xinyong.feeds.changes import MEASURES, record_change
from xinyong.government.rules import FAILURES_LIST
from xinyong.lists.repository import all_lists
from xinyong.measures.schemas import MeasuresIn
from xinyong.models import Measure


@cache
def default_measures() -> MeasuresIn:
    text = files("xinyong.measures").joinpath("default_measures.json").read_text(encoding="utf-8")
    return MeasuresIn.model_validate_json(text)


def publish_measures(
    session: Session, measures: MeasuresIn, *, actor: str, now: datetime
) -> dict[str, list[str]]:
    """Publish the whole measures list: new and changed measures get a new version, measures
    left out are retired (kept for the history of the checks that named them)."""
    # The lists the platform keeps itself count as known: the 政务失信 cases not yet cleared.
    lists = {lst.code for lst in all_lists(session)} | {FAILURES_LIST}
    for index, spec in enumerate(measures.measures):
        unknown = [code for code in spec.trigger_lists if code not in lists]
        if unknown:
            raise InvalidRequest(
                f"措施 {spec.code} 引用了不存在的名单：{', '.join(unknown)}",
                f"measure {spec.code} names unknown lists: {unknown}",
                field=f"measures[{index}].trigger_lists",
                code="unknown_list",
            )
    existing = {m.code: m for m in session.execute(select(Measure)).scalars()}
    result: dict[str, list[str]] = {"added": [], "revised": [], "retired": []}
    for spec in measures.measures:
        data = spec.model_dump(mode="json")
        row = existing.pop(spec.code, None)
        if row is None:
            session.add(Measure(code=spec.code, spec=data, version=1, active=True, updated_at=now))
            result["added"].append(spec.code)
        elif row.spec != data or not row.active:
            row.spec, row.version, row.active, row.updated_at = data, row.version + 1, True, now
            result["revised"].append(spec.code)
    for row in existing.values():
        if row.active:
            row.active, row.updated_at = False, now
            result["retired"].append(row.code)
    if any(result.values()):
        session.flush()
        audit.log(
            session,
            actor=actor,
            action="measures.published",
            at=now,
            target_type="measures",
            detail=result,
        )
        record_change(session, at=now, topic=MEASURES, event="published", detail=result)
    return result


def ensure_default_measures(session: Session, *, now: datetime) -> None:
    if session.execute(select(Measure.id).limit(1)).first() is None:
        publish_measures(session, default_measures(), actor="system", now=now)


def recite_measures(session: Session, *, now: datetime) -> dict[str, list[str]]:
    """The measures list published while its texts still cited the seeds by file tag (before
    issue 14), published again with each document named by title and number: the measures
    whose text changes get a new version, audited and in the change feed; none are retired."""
    active = active_measures(session)
    specs = [cite_tags_in_values(m.spec) for m in active]
    if all(spec == m.spec for spec, m in zip(specs, active, strict=True)):
        return {"added": [], "revised": [], "retired": []}
    return publish_measures(
        session, MeasuresIn.model_validate({"measures": specs}), actor="system", now=now
    )


def active_measures(session: Session) -> list[Measure]:
    return list(
        session.execute(select(Measure).where(Measure.active).order_by(Measure.id)).scalars()
    )
