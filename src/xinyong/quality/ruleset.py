"""The quality rules as versioned data (docs/quality.md): the shipped set, the set in force,
a new version published by the authority — whole, audited, its items and fields checked
against the published catalog."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib.resources import files

from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.locks import advisory_xact_lock
from xinyong.errors import InvalidRequest
from xinyong.models import QualityRuleSet
from xinyong.quality import repository
from xinyong.quality.schemas import (
    DualPublicityFieldsEmpty,
    RegionMismatch,
    RuleSetIn,
    RuleSetOut,
)


@cache
def default_rule_set() -> RuleSetIn:
    text = files("xinyong.quality").joinpath("default_rules.json").read_text(encoding="utf-8")
    return RuleSetIn.model_validate_json(text)


def ensure_default_quality_rules(session: Session, *, now: datetime) -> None:
    """The shipped rule set (docs/quality.md), on a database without one: audited."""
    if repository.any_rule_set(session):
        return
    _insert(session, default_rule_set(), actor="system", now=now)


def rule_set_in_force(session: Session) -> RuleSetOut:
    """The newest version published; the shipped set (version 0) before any."""
    row = repository.latest_rule_set(session)
    if row is None:
        data = default_rule_set().model_dump(mode="json")
        return RuleSetOut.model_validate(
            {
                **data,
                "version": 0,
                "created_by": "system",
                "created_at": datetime(2026, 1, 1, tzinfo=UTC),
            }
        )
    return rule_set_out(row)


def rule_set_out(row: QualityRuleSet) -> RuleSetOut:
    return RuleSetOut.model_validate(
        {
            "rules": row.rules,
            **row.score,
            "version": row.version,
            "created_by": row.created_by,
            "created_at": row.created_at,
        }
    )


def publish_rules(
    session: Session, data: RuleSetIn, *, actor: str, now: datetime
) -> QualityRuleSet:
    """A new version of the whole rule set, in force from now: audited."""
    advisory_xact_lock(session, "quality_rules")
    check_against_catalog(session, data)
    return _insert(session, data, actor=actor, now=now)


def _insert(session: Session, data: RuleSetIn, *, actor: str, now: datetime) -> QualityRuleSet:
    latest = repository.latest_rule_set(session)
    dumped = data.model_dump(mode="json")
    row = QualityRuleSet(
        version=(latest.version if latest else 0) + 1,
        rules=dumped["rules"],
        # The score's formula and the task period, kept together (rule_set_out reads both).
        score={"score": dumped["score"], "task_working_days": dumped["task_working_days"]},
        created_by=actor,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.log(
        session,
        actor=actor,
        action="quality_rules.published",
        at=now,
        target_type="quality_rule_set",
        target_id=row.version,
        detail={
            "codes": [r.code for r in data.rules],
            "enabled": [r.code for r in data.rules if r.enabled],
        },
    )
    return row


def check_against_catalog(session: Session, data: RuleSetIn) -> None:
    """Items a rule names are items of the published catalog, and the 双公示 fields fields of
    the acts' items: 422 ``unknown_item`` / ``unknown_field`` otherwise."""
    catalog = published_catalog(session)
    items = {} if catalog is None else catalog.items
    for index, rule in enumerate(data.rules):
        check = rule.check
        if isinstance(check, RegionMismatch):
            for code in check.items:
                if code not in items:
                    raise InvalidRequest(
                        f"已发布目录中没有信息项 {code}",
                        f"{code} is not an item of the published catalog",
                        field=f"rules.{index}.check.items",
                        code="unknown_item",
                    )
        if isinstance(check, DualPublicityFieldsEmpty):
            for act, names in check.fields.items():
                known = {
                    f.name for i in items.values() if i.spec.act_type == act for f in i.spec.fields
                }
                for name in names:
                    if name not in known:
                        raise InvalidRequest(
                            f"目录中{act}类信息项没有字段 {name}",
                            f"no item of act type {act} has a field {name}",
                            field=f"rules.{index}.check.fields.{act}",
                            code="unknown_field",
                        )
