"""Graded supervision (分级分类监管, 002 §（七）; 000 §（七）; 004 §10) as data: the shipped
rules (default_supervision.json) until the authority loads a version of its own, each version
in force from its day; a subject's class in a field, as the check answers it.

Loaded versions are never edited, so the check's cache keeps each by its row id: the check reads
the id of the version in force in its one statement (inspections/repository
CHECK_SUPERVISION_COLUMNS) and finds the rules in :class:`SupervisionCache`, reading the row
once per process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib.resources import files

from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.clock import local_date
from xinyong.errors import InvalidRequest
from xinyong.inspections import repository, rules
from xinyong.inspections.schemas import (
    PublicationRules,
    SupervisionClassOut,
    SupervisionIn,
    SupervisionLoadIn,
    SupervisionOut,
)
from xinyong.models import SupervisionRules


@cache
def default_supervision() -> SupervisionIn:
    text = files("xinyong.inspections").joinpath("default_supervision.json").read_text("utf-8")
    return SupervisionIn.model_validate_json(text)


@cache
def publication_rules() -> PublicationRules:
    """The periods and conflict rules of 一公开, with their basis (publication.json)."""
    text = files("xinyong.inspections").joinpath("publication.json").read_text("utf-8")
    return PublicationRules.model_validate_json(text)


@dataclass(frozen=True)
class Version:
    """Graded supervision rules as in force: version 0 is the shipped file."""

    version: int
    effective_from: date | None
    loaded_by: str | None
    loaded_at: datetime | None
    rules: SupervisionIn

    def out(self) -> SupervisionOut:
        return SupervisionOut(
            version=self.version,
            effective_from=self.effective_from,
            loaded_by=self.loaded_by,
            loaded_at=self.loaded_at,
            fields=self.rules.fields,
        )


def _version_of(row: SupervisionRules) -> Version:
    return Version(
        row.version,
        row.effective_from,
        row.loaded_by,
        row.loaded_at,
        SupervisionIn.model_validate(row.definition),
    )


def shipped() -> Version:
    """The rules shipped with the platform: version 0."""
    return Version(0, None, None, None, default_supervision())


def version_by_row(row_id: int | None, session: Session) -> Version:
    """The rules of a stored version, or the shipped ones for None."""
    if row_id is None:
        return shipped()
    return _version_of(repository.supervision_row(session, row_id))


class SupervisionCache:
    """The versions a process's checks have read, by row id: a version is never edited, so
    it is read once (one per app, as the checks' snapshot is)."""

    def __init__(self) -> None:
        self._versions: dict[int, Version] = {}
        self._lock = threading.Lock()

    def get(self, row_id: int | None, sessions: Callable[[], Session]) -> Version:
        if row_id is None:
            return shipped()
        found = self._versions.get(row_id)
        if found is None:
            with sessions() as session:
                found = version_by_row(row_id, session)
            with self._lock:
                self._versions[row_id] = found
        return found


def current(session: Session, today: date) -> Version:
    """The rules in force today."""
    return version_by_row(repository.current_supervision_id(session, today), session)


def class_out(
    version: Version, field: str | None, public_grade: str | None, field_grade: str | None
) -> SupervisionClassOut:
    """A subject's supervision class in a field, with the ratio, frequency and basis."""
    rule = version.rules.for_field(field)
    grade, source = rules.supervision_grade(public_grade, field_grade)
    code = rules.class_of(rule, grade)
    cls = rule.class_rule(code)
    return SupervisionClassOut(
        field=field or rule.field,
        rule_field=rule.field,
        grade=grade,
        grade_source=source,
        class_code=code,
        class_name=cls.name,
        ratio_percent=cls.ratio_percent,
        frequency=cls.frequency,
        basis=rule.basis,
        version=version.version,
    )


def require_ratios(body: SupervisionIn) -> None:
    """Every class's ratio at most 100 % (``ratio_over_100``), two decimals at most."""
    for i, field in enumerate(body.fields):
        for j, cls in enumerate(field.classes):
            rules.ratio_bp(cls.ratio_percent, field=f"fields[{i}].classes[{j}].ratio_percent")


def load(session: Session, body: SupervisionLoadIn, *, actor: str, now: datetime) -> Version:
    """A new version of the graded supervision rules, in force from ``effective_from`` (today
    by default; never before today: what was decided under the old rules stays)."""
    today = local_date(now)
    effective_from = body.effective_from or today
    rules.require_not_retroactive(effective_from, today)
    require_ratios(body)
    version = repository.latest_supervision_version(session) + 1
    definition = SupervisionIn.model_validate(body.model_dump(exclude={"effective_from"}))
    row = SupervisionRules(
        version=version,
        effective_from=effective_from,
        definition=definition.model_dump(mode="json"),
        loaded_by=actor,
        loaded_at=now,
    )
    session.add(row)
    session.flush()
    audit.log(
        session,
        actor=actor,
        action="inspections.supervision_loaded",
        at=now,
        target_type="supervision_rules",
        target_id=version,
        detail={
            "version": version,
            "effective_from": effective_from.isoformat(),
            "fields": [f.field for f in definition.fields],
        },
    )
    return _version_of(row)


def versions_out(session: Session, today: date) -> dict:
    """The rules in force today and every version loaded."""
    return {
        "current": current(session, today).out(),
        "versions": [_version_of(r).out() for r in repository.supervision_versions(session)],
    }


def unknown_field(field: str) -> InvalidRequest:
    return InvalidRequest(
        f"行业领域 {field} 不存在", f"unknown field {field}", field="field", code="unknown_field"
    )
