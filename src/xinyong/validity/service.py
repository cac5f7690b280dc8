"""Validity rules with their effective dates (Measures art. 30), and what was public about a
subject on a given day.

A rule says how long a failure counts, in months by severity, when it was determined on or
after the rule's ``effective_from``; the rule in force on a record's determination day sets
the record's ``expires_on`` once, when it is collected (records/rules.py ``ValidityRules``).
Rules are added, never edited, and never take effect before the day they are added: records
already collected keep the validity they were given (docs/workflows/validity.md)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib.resources import files

from pydantic import TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.clock import local_date
from xinyong.core.locks import advisory_xact_lock
from xinyong.errors import Conflict, InvalidRequest, each_or_none
from xinyong.feeds.changes import VALIDITY, record_change
from xinyong.models import Standing, ValidityRule
from xinyong.records.repository import standing_changes_until
from xinyong.records.rules import Rule, ValidityRules
from xinyong.validity.rules import as_of_in_future, end_of_day, retroactive
from xinyong.validity.schemas import ValidityRuleIn, ValidityRuleOut

RULE_FILE = TypeAdapter(list[ValidityRuleIn])


@cache
def default_rules() -> list[ValidityRuleIn]:
    text = files("xinyong.validity").joinpath("default_rules.json").read_text(encoding="utf-8")
    return RULE_FILE.validate_json(text)


def ensure_default_validity_rules(session: Session, *, now: datetime) -> None:
    """The Measures' own rule (art. 30), on a database without any general rule. It takes
    effect on the Measures' date, in the past: it is the law as issued, not a later change
    (so the no-retroactivity check of ``add_rule`` does not apply to it)."""
    if session.execute(
        select(ValidityRule.id).where(ValidityRule.item_code.is_(None)).limit(1)
    ).first():
        return
    for data in default_rules():
        _insert(session, data, actor="system", now=now)


def all_rules(session: Session) -> list[ValidityRule]:
    return list(
        session.execute(
            select(ValidityRule).order_by(
                ValidityRule.effective_from, ValidityRule.item_code.nulls_first(), ValidityRule.id
            )
        ).scalars()
    )


def rule_out(rule: ValidityRule) -> ValidityRuleOut:
    return ValidityRuleOut(
        id=rule.id,
        effective_from=rule.effective_from,
        item_code=rule.item_code,
        months=rule.months,
        basis=rule.basis,
        created_by=rule.created_by,
        created_at=rule.created_at,
    )


def rules_version(session: Session) -> tuple[int, int]:
    """How many rules there are and the highest id: rules are never edited or removed, so
    this changes exactly when one is added."""
    count, highest = session.execute(
        select(func.count(ValidityRule.id), func.max(ValidityRule.id))
    ).one()
    return count, highest or 0


def current_rules(session: Session) -> ValidityRules:
    rule = ValidityRule
    rows = session.execute(select(rule.id, rule.effective_from, rule.item_code, rule.months)).all()
    return ValidityRules(Rule(r.id, r.effective_from, r.item_code, dict(r.months)) for r in rows)


def add_rule(session: Session, data: ValidityRuleIn, *, actor: str, now: datetime) -> ValidityRule:
    """Add a rule, in the caller's transaction. It may take effect today or later, never
    earlier: a record's validity is fixed when it is collected, so a rule reaching back would
    treat failures determined on the same day differently by when they arrived."""
    # One addition at a time: the rule ids then commit in order, which rules_version relies on.
    advisory_xact_lock(session, "validity_rules")
    today = local_date(now)
    if retroactive(data.effective_from, today):
        raise Conflict(
            f"有效期规则不能溯及既往：生效日期 {data.effective_from} 早于今天 {today}",
            f"a validity rule cannot take effect in the past: {data.effective_from} is before "
            f"today ({today})",
            field="effective_from",
            code="validity_rule_retroactive",
            today=today.isoformat(),
        )
    if data.item_code is not None:
        catalog = published_catalog(session)
        item = None if catalog is None else catalog.items.get(data.item_code)
        if item is None or not item.negative:
            raise InvalidRequest(
                f"已发布目录中没有负面信息项 {data.item_code}",
                f"{data.item_code} is not a negative item of the published catalog",
                field="item_code",
                code="unknown_item",
            )
    same = select(ValidityRule.id).where(ValidityRule.effective_from == data.effective_from)
    same = same.where(
        ValidityRule.item_code.is_(None)
        if data.item_code is None
        else ValidityRule.item_code == data.item_code
    )
    existing = session.execute(same).scalar_one_or_none()
    if existing is not None:
        scope = f"信息项 {data.item_code} 的" if data.item_code else "通用"
        raise Conflict(
            f"{data.effective_from} 起施行的{scope}有效期规则已存在；规则只增不改",
            f"a rule for {data.item_code or 'all items'} effective from {data.effective_from} "
            "exists already; rules are added, never edited",
            field="effective_from",
            code="validity_rule_exists",
            rule_id=existing,
        )
    return _insert(session, data, actor=actor, now=now)


def load_rules(
    session: Session, rules: list[ValidityRuleIn], *, actor: str, now: datetime
) -> list[ValidityRule]:
    """Add a file's rules, all or none (one transaction); an error names the rule's index."""
    return each_or_none(rules, lambda data: add_rule(session, data, actor=actor, now=now))


def _insert(session: Session, data: ValidityRuleIn, *, actor: str, now: datetime) -> ValidityRule:
    months = {s.value: m for s, m in data.months.items()}
    rule = ValidityRule(
        effective_from=data.effective_from,
        item_code=data.item_code,
        months=months,
        basis=data.basis,
        created_by=actor,
        created_at=now,
    )
    session.add(rule)
    session.flush()
    detail = {
        "effective_from": data.effective_from.isoformat(),
        "item_code": data.item_code,
        "months": months,
    }
    audit.log(
        session,
        actor=actor,
        action="validity_rule.added",
        at=now,
        target_type="validity_rule",
        target_id=rule.id,
        detail={**detail, "basis": data.basis},
    )
    record_change(session, at=now, topic=VALIDITY, event="added", detail={"id": rule.id, **detail})
    return rule


def check_as_of(as_of: date, today: date) -> None:
    if as_of_in_future(as_of, today):
        raise InvalidRequest(
            f"as_of {as_of} 晚于今天 {today}：只能查询已经过去的日期",
            f"as_of {as_of} is after today ({today}): only past days can be shown",
            field="as_of",
            code="as_of_in_future",
        )


def standings_as_of(session: Session, subject_id: int, as_of: date) -> dict[int, Standing]:
    """The standing each of the subject's records had at the end of ``as_of``, for those that
    had changed by then (record_revisions: every change of standing leaves one, Measures art.
    36); a record without a revision by then was active."""
    rows = standing_changes_until(session, subject_id, end_of_day(as_of))
    return {record_id: standing for record_id, standing in rows}
