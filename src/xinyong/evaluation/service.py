"""Evaluation models as versioned data (docs/evaluation.md): loaded, checked against the
published catalog and the lists, published with an effective date, never edited — a change
is the model's next version. Runs are evaluation/runs.py; explanations evaluation/explain.py.

    add_model      (draft)  ──publish_model──▶  published (in force from effective_from)
    load_model     = add_model + publish_model

Every step writes an audit entry; a published model goes on the change feed."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib.resources import files

from sqlalchemy.orm import Session

from xinyong.catalog.schemas import ItemSpec
from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.clock import local_date
from xinyong.core.ids import IdGenerator
from xinyong.core.locks import advisory_xact_lock
from xinyong.errors import Conflict, NotFound
from xinyong.evaluation import repository
from xinyong.evaluation.rules import (
    in_force,
    require_next_version,
    require_not_retroactive,
    require_valid_model,
)
from xinyong.evaluation.schemas import ModelIn
from xinyong.feeds.changes import EVALUATION, record_change
from xinyong.lists.repository import all_lists
from xinyong.models import EvaluationModel, ModelStatus

APPLIES_TO = ("organisation", "natural_person")


@cache
def default_model() -> ModelIn:
    """The shipped model for organisations, its sources noted (default_model.json). Persons
    have none: they are evaluated only where the authority loads a model for them."""
    text = files("xinyong.evaluation").joinpath("default_model.json").read_text(encoding="utf-8")
    return ModelIn.model_validate_json(text)


def catalog_items(session: Session) -> dict[str, ItemSpec]:
    catalog = published_catalog(session)
    return {} if catalog is None else {code: c.spec for code, c in catalog.items.items()}


def list_kinds(session: Session) -> dict[str, str]:
    return {lst.code: lst.kind.value for lst in all_lists(session)}


def spec_of(model: EvaluationModel) -> ModelIn:
    return ModelIn.model_validate(model.definition)


def add_model(
    session: Session, data: ModelIn, *, ids: IdGenerator, actor: str, now: datetime
) -> EvaluationModel:
    """Store a model as a draft once it is valid against the published catalog and the
    lists (evaluation/rules.py names what is wrong) and is its code's next version."""
    advisory_xact_lock(session, f"evaluation_model:{data.code}")
    require_valid_model(data, catalog_items(session), list_kinds(session))
    require_next_version(data.code, data.version, repository.latest_version(session, data.code))
    model = EvaluationModel(
        id=ids.next_id(),
        code=data.code,
        version=data.version,
        applies_to=data.applies_to,
        effective_from=data.effective_from,
        status=ModelStatus.draft,
        definition=data.model_dump(mode="json"),
        created_by=actor,
        created_at=now,
    )
    session.add(model)
    session.flush()
    audit.log(
        session,
        actor=actor,
        action="evaluation_model.added",
        at=now,
        target_type="evaluation_model",
        target_id=model.id,
        detail={"code": data.code, "version": data.version, "applies_to": data.applies_to},
    )
    return model


def publish_model(
    session: Session,
    model_id: int,
    *,
    actor: str,
    now: datetime,
    allow_past: bool = False,
) -> EvaluationModel:
    """Publish a draft: in force from its ``effective_from``, which may not lie before today
    (``allow_past`` only for the shipped default, as the model the platform comes with)."""
    model = repository.get_model(session, model_id)
    if model is None:
        raise NotFound("没有该评价模型", "no such evaluation model", code="unknown_model")
    if model.status is not ModelStatus.draft:
        raise Conflict(
            f"评价模型 {model.code} 第 {model.version} 版已发布",
            f"model {model.code} version {model.version} is published already",
            code="model_published",
        )
    if not allow_past:
        require_not_retroactive(model.effective_from, local_date(now))
    model.status = ModelStatus.published
    model.published_by = actor
    model.published_at = now
    detail = {
        "code": model.code,
        "version": model.version,
        "applies_to": model.applies_to,
        "effective_from": model.effective_from.isoformat(),
    }
    audit.log(
        session,
        actor=actor,
        action="evaluation_model.published",
        at=now,
        target_type="evaluation_model",
        target_id=model.id,
        detail=detail,
    )
    record_change(
        session,
        at=now,
        topic=EVALUATION,
        event="model_published",
        detail={"id": str(model.id), **detail},
    )
    return model


def load_model(
    session: Session,
    data: ModelIn,
    *,
    ids: IdGenerator,
    actor: str,
    now: datetime,
    allow_past: bool = False,
) -> EvaluationModel:
    """Add and publish a model in one transaction."""
    model = add_model(session, data, ids=ids, actor=actor, now=now)
    return publish_model(session, model.id, actor=actor, now=now, allow_past=allow_past)


def ensure_default_model(
    session: Session, *, ids: IdGenerator, now: datetime
) -> EvaluationModel | None:
    """Publish the shipped model for organisations on a database without one (the demo);
    None when a model of that code is there already."""
    data = default_model()
    if repository.latest_version(session, data.code) is not None:
        return None
    return load_model(session, data, ids=ids, actor="system", now=now, allow_past=True)


def model_in_force(session: Session, applies_to: str, today: date) -> EvaluationModel | None:
    """The published model for ``applies_to`` in force on ``today``."""
    return in_force(repository.published_models(session), applies_to, today)
