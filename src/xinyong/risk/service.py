"""Risk warnings (风险预警, issue 17 part 2; docs/risk.md): the warning rules as versioned
data — published, audited and announced like the platform's other rules —, the warnings as
their audiences read them, and the addresses warnings are sent to.

The daily sweep that finds warnings and delivers them is risk/sweep.py; the outbox that sends
messages once is risk/outbox.py."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib.resources import files

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.locks import advisory_xact_lock
from xinyong.departments.repository import department_by_id
from xinyong.errors import Forbidden, InvalidRequest, NotFound, each_or_none
from xinyong.feeds.changes import RISK, record_change
from xinyong.models import Audience, RiskWarning, Role, WarningContact, WarningRule
from xinyong.risk import repository
from xinyong.risk.schemas import (
    AmountOver,
    ContactIn,
    ContactOut,
    CountWithin,
    DateDue,
    WarningOut,
    WarningRuleIn,
    WarningRuleOut,
)
from xinyong.subjects.repository import keys_and_names

RULE_FILE = TypeAdapter(list[WarningRuleIn])
# The catalog field types each condition reads.
DATE_TYPES = ("date",)
# Why a department or the authority reads warnings (the audit log's purpose of its reads).
READ_PURPOSE = "风险预警核查处置"
AMOUNT_TYPES = ("decimal", "integer")


@cache
def default_rules() -> list[WarningRuleIn]:
    text = files("xinyong.risk").joinpath("default_rules.json").read_text(encoding="utf-8")
    return RULE_FILE.validate_json(text)


def ensure_default_risk_rules(session: Session, *, now: datetime) -> None:
    """The default set (docs/risk.md), on a database without any warning rule: one audit
    entry and one change for the set, as the other defaults are published."""
    if repository.any_rule(session):
        return
    rules = [_insert(session, data, actor="system", now=now) for data in default_rules()]
    detail = {"codes": [r.code for r in rules]}
    audit.log(
        session,
        actor="system",
        action="warning_rules.defaults_added",
        at=now,
        target_type="warning_rule",
        detail=detail,
    )
    record_change(session, at=now, topic=RISK, event="rules_added", detail=detail)


def rule_out(rule: WarningRule) -> WarningRuleOut:
    return WarningRuleOut.model_validate(
        {
            "id": rule.id,
            "code": rule.code,
            "version": rule.version,
            "title": rule.title,
            "condition": rule.condition,
            "audience": rule.audience,
            "severity": rule.severity,
            "basis": {
                "title": rule.basis_title,
                "number": rule.basis_number,
                "article": rule.basis_article,
            },
            "enabled": rule.enabled,
            "created_by": rule.created_by,
            "created_at": rule.created_at,
        }
    )


def basis_text(title: str, number: str, article: str | None) -> str:
    """《title》（number）article, as a person reads a rule's basis."""
    return f"《{title}》（{number}）{article or ''}"


def check_condition(session: Session, data: WarningRuleIn) -> None:
    """A condition over the archive names an item of the published catalog and, where it
    reads one, a field of that item of the right type: 422 ``unknown_item`` /
    ``unknown_field`` otherwise."""
    cond = data.condition.typed()
    if not isinstance(cond, DateDue | CountWithin | AmountOver):
        return
    catalog = published_catalog(session)
    item = None if catalog is None else catalog.items.get(cond.item)
    if item is None:
        raise InvalidRequest(
            f"已发布目录中没有信息项 {cond.item}",
            f"{cond.item} is not an item of the published catalog",
            field="condition.item",
            code="unknown_item",
        )
    wanted: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(cond, DateDue):
        wanted.append((cond.field, DATE_TYPES))
        wanted.extend((name, ("enum", "string")) for name in cond.done)
    elif isinstance(cond, AmountOver):
        wanted.append((cond.field, AMOUNT_TYPES))
    specs = {f.name: f for f in item.spec.fields}
    for name, types in wanted:
        spec = specs.get(name)
        if spec is None or spec.type not in types:
            raise InvalidRequest(
                f"信息项「{item.spec.name}」没有可用于此条件的字段 {name}",
                f"item {cond.item} has no field {name} of type {'/'.join(types)}",
                field="condition.field",
                code="unknown_field",
            )


def add_rule(session: Session, data: WarningRuleIn, *, actor: str, now: datetime) -> WarningRule:
    """A new version of a rule (the first, or the next of its code), in the caller's
    transaction: audited and announced on the change feed (topic ``risk``)."""
    advisory_xact_lock(session, "warning_rules")
    rule = _insert(session, data, actor=actor, now=now)
    detail = {"code": rule.code, "version": rule.version, "enabled": rule.enabled}
    audit.log(
        session,
        actor=actor,
        action="warning_rule.added",
        at=now,
        target_type="warning_rule",
        target_id=rule.id,
        detail={**detail, "condition": rule.condition, "audience": rule.audience.value},
    )
    record_change(session, at=now, topic=RISK, event="rule_added", detail={"id": rule.id, **detail})
    return rule


def _insert(session: Session, data: WarningRuleIn, *, actor: str, now: datetime) -> WarningRule:
    check_condition(session, data)
    rule = WarningRule(
        code=data.code,
        version=repository.latest_version(session, data.code) + 1,
        title=data.title,
        condition=data.condition.typed().model_dump(mode="json"),
        audience=data.audience,
        severity=data.severity,
        basis_title=data.basis.title,
        basis_number=data.basis.number,
        basis_article=data.basis.article,
        enabled=data.enabled,
        created_by=actor,
        created_at=now,
    )
    session.add(rule)
    session.flush()
    return rule


def load_rules(
    session: Session, rules: list[WarningRuleIn], *, actor: str, now: datetime
) -> list[WarningRule]:
    """A file's rules, all or none (one transaction); an error names the rule's index."""
    return each_or_none(rules, lambda data: add_rule(session, data, actor=actor, now=now))


# ---- warnings as their audiences read them


def _scope(principal: Principal) -> dict:
    """Which warnings a caller reads: a subject those addressed to it; a department those
    addressed to it; the authority all."""
    if principal.role is Role.authority:
        return {}
    if principal.role is Role.subject and principal.subject_id is not None:
        return {"subject_id": principal.subject_id, "audience": Audience.subject}
    if principal.department_id is not None and principal.role in (
        Role.provider,
        Role.user_department,
    ):
        return {"audience": Audience.department, "department_id": principal.department_id}
    raise Forbidden("无权查看风险预警", "not allowed to read risk warnings", code="forbidden")


def may_read(principal: Principal, warning: RiskWarning) -> bool:
    scope = _scope(principal)
    return all(getattr(warning, key) == value for key, value in scope.items())


def warnings_for(
    session: Session, principal: Principal, *, limit: int, offset: int, now: datetime
) -> tuple[list[WarningOut], int]:
    """A page of the caller's warnings, newest first, with the total. A department's or the
    authority's read of each is logged in its subject's query log."""
    rows, total = repository.find_warnings(session, **_scope(principal), limit=limit, offset=offset)
    if principal.role is not Role.subject:
        _log_reads(session, principal, rows, now)
    return warnings_out(session, rows), total


def warning_for(
    session: Session, principal: Principal, warning_id: int, *, now: datetime
) -> WarningOut:
    """One warning with why; another audience's is 404, as if it did not exist. A department's
    or the authority's read is logged (the reason may hold related-party information, which is
    government-shared: issue 17 § 2)."""
    warning = repository.get_warning(session, warning_id)
    if warning is None or warning.delivered_at is None or not may_read(principal, warning):
        raise NotFound(
            f"没有编号为 {warning_id} 的风险预警",
            f"no risk warning {warning_id}",
            field="id",
            code="unknown_warning",
        )
    if principal.role is not Role.subject:
        _log_reads(session, principal, [warning], now)
    return warnings_out(session, [warning])[0]


def _log_reads(
    session: Session, principal: Principal, rows: list[RiskWarning], now: datetime
) -> None:
    """One entry per warning read, in its subject's query log (authorisations/service)."""
    audit.log_many(
        session,
        [
            audit.Act(
                actor=principal.actor,
                action="warning.read",
                at=now,
                subject_id=w.subject_id,
                target_type="warning",
                target_id=w.id,
                purpose=READ_PURPOSE,
            )
            for w in rows
        ],
    )


def warnings_out(session: Session, rows: list[RiskWarning]) -> list[WarningOut]:
    subjects = keys_and_names(session, {w.subject_id for w in rows})
    rules = repository.rules_by_id(session, {w.rule_id for w in rows})
    departments = {
        d: department_by_id(session, d).code for d in {w.department_id for w in rows} if d
    }
    out = []
    for w in rows:
        code, masked, name = subjects.get(w.subject_id, (None, None, None))
        rule = rules.get(w.rule_id)
        out.append(
            WarningOut(
                id=w.id,
                rule=w.rule_code,
                rule_title=rule.title if rule else w.rule_code,
                subject=code or masked,
                subject_name=name,
                audience=w.audience,
                department=departments.get(w.department_id) if w.department_id else None,
                severity=w.severity,
                record_id=str(w.record_id) if w.record_id is not None else None,
                due_on=w.due_on,
                reason=w.reason or {},
                created_at=w.created_at,
            )
        )
    return out


# ---- where warnings are sent


def add_contact(
    session: Session, principal: Principal, data: ContactIn, *, now: datetime
) -> WarningContact:
    """A subject's or a department's address for its warnings (an authority's department's
    too: it receives the authority's warnings)."""
    if principal.role is Role.subject and principal.subject_id is not None:
        owner = {"subject_id": principal.subject_id}
    elif principal.department_id is not None:
        owner = {"department_id": principal.department_id}
    else:
        raise Forbidden("无权登记预警接收地址", "not allowed to add a contact", code="forbidden")
    contact = WarningContact(
        **owner,
        channel=data.channel,
        address=data.address.strip(),
        created_by=principal.actor,
        created_at=now,
    )
    session.add(contact)
    session.flush()
    audit.log(
        session,
        actor=principal.actor,
        action="warning_contact.added",
        at=now,
        subject_id=owner.get("subject_id"),
        target_type="warning_contact",
        target_id=contact.id,
        detail={"channel": data.channel},
    )
    return contact


def contact_out(contact: WarningContact) -> ContactOut:
    return ContactOut(
        id=contact.id,
        channel=contact.channel,
        address=contact.address,
        created_at=contact.created_at,
    )
