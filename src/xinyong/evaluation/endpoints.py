"""Public credit evaluation under /api/v1/evaluation (docs/evaluation.md § API): models,
runs, a subject's result with its explanation and history, the grade distribution."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from xinyong.core.api import (
    BigId,
    checked_idempotency_key,
    clock,
    current_principal,
    database,
    db_session,
    endpoint,
)
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.ratelimit import RATE_LIMITED, anonymous_lookup
from xinyong.db import Database
from xinyong.evaluation import reading, repository
from xinyong.evaluation.explain import explain_subject
from xinyong.evaluation.rules import View
from xinyong.evaluation.runs import run_evaluation, run_out
from xinyong.evaluation.schemas import (
    DistributionOut,
    ExplanationOut,
    HistoryOut,
    ModelIn,
    ModelOut,
    ModelSummaryOut,
    ResultOut,
    RunIn,
    RunOut,
)
from xinyong.evaluation.service import load_model
from xinyong.models import Role, Subject

router = APIRouter(tags=["evaluation"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
READERS = (Role.subject, Role.provider, Role.user_department, Role.authority)
GOVERNMENT = (Role.provider, Role.user_department, Role.authority)
MODEL_422 = [
    "unknown_item",
    "item_not_for_subjects",
    "unknown_field",
    "field_not_date",
    "unknown_list",
    "unknown_sector",
    "duplicate_code",
    "rule_not_for_source",
    "band_grades",
    "band_empty",
    "band_overlap",
    "band_gap",
    "band_order",
]
SUBJECT_ERRORS = {
    403: ["result_not_public"],
    404: ["subject_not_found", "not_evaluated"],
    422: ["invalid_credit_code", "invalid_id_number", "missing_purpose"],
    **RATE_LIMITED,
}
PURPOSE = Query(
    default=None,
    max_length=200,
    description="why you read it; required of departments (every read of a result not "
    "published is logged with its purpose, 004 §14)",
)


def _reader(
    session: Session,
    db: Database,
    principal: Principal,
    key: str,
    *,
    now: datetime,
    purpose: str | None,
    full: bool = False,
) -> tuple[Subject, View]:
    """The subject and what of its result the caller reads (evaluation/reading.py)."""
    return reading.readable_subject(
        session,
        principal,
        key,
        cipher=db.cipher,
        today=local_date(now),
        purpose=purpose,
        public_grades=db.settings.evaluation_public_grades,
        full=full,
    )


@router.get(
    "/evaluation/models",
    response_model=list[ModelSummaryOut],
    **endpoint(*GOVERNMENT, summary="Evaluation models (评价模型), every version"),
)
def get_models(
    request: Request,
    applies_to: Literal["organisation", "natural_person"] | None = Query(default=None),
    session: Session = db_session,
) -> list[ModelSummaryOut]:
    """Every version of every model, oldest first, with the one in force today for its
    subjects marked `in_force`."""
    today = local_date(clock(request).now())
    return reading.models_out(session, applies_to=applies_to, today=today)


@router.get(
    "/evaluation/models/{model_id}",
    response_model=ModelOut,
    **endpoint(*GOVERNMENT, errors={404: ["unknown_model"]}, summary="One model, in full"),
)
def get_model(model_id: BigId, request: Request, session: Session = db_session) -> ModelOut:
    """The model file as loaded: dimensions, indicators with their sources, rules and basis,
    bands, list caps, the industry mapping, the documents it rests on."""
    return reading.model_out(session, model_id, today=local_date(clock(request).now()))


@router.post(
    "/evaluation/models",
    status_code=201,
    response_model=ModelOut,
    **endpoint(
        Role.authority,
        errors={
            400: ["invalid_idempotency_key"],
            409: ["model_retroactive", "model_version_not_next", "model_published"],
            422: MODEL_422,
        },
        summary="Load an evaluation model: add and publish it",
    ),
)
def post_model(
    body: ModelIn,
    request: Request,
    response: Response,
    principal: Principal = current_principal,
    idempotency_key: str | None = checked_idempotency_key,
    session: Session = db_session,
    db: Database = Depends(database),
) -> ModelOut:
    """The model file (docs/evaluation.md), checked against the published catalog and the
    lists — each problem a 422 with its code and the part at fault — and published in force
    from its `effective_from` (today or later: 409 `model_retroactive`), as its code's next
    version (409 `model_version_not_next`). With an `Idempotency-Key`, a retry of the same file
    answers the model loaded first (200) and changes nothing."""
    now = clock(request).now()
    if idempotency_key is not None:
        model, loaded = reading.load_once(session, body, ids=db.ids, actor=principal.actor, now=now)
        if not loaded:
            response.status_code = 200
    else:
        model = load_model(session, body, ids=db.ids, actor=principal.actor, now=now)
    session.flush()
    return reading.model_out(session, model.id, today=local_date(now))


@router.get(
    "/evaluation/runs",
    response_model=list[RunOut],
    **endpoint(*GOVERNMENT, summary="The latest evaluation runs"),
)
def get_runs(
    limit: int = Query(default=20, ge=1, le=200), session: Session = db_session
) -> list[RunOut]:
    """Full and incremental runs, newest first: model, engine, day, state, subjects, grades
    changed, grade counts and, for a full run, the PSI against the full run before."""
    return [run_out(r) for r in repository.recent_runs(session, limit=limit)]


@router.get(
    "/evaluation/runs/{run_id}",
    response_model=RunOut,
    **endpoint(*GOVERNMENT, errors={404: ["unknown_run"]}, summary="One evaluation run"),
)
def get_run(run_id: BigId, session: Session = db_session) -> RunOut:
    """A run with its counts, drift and, for a failed one, its error."""
    run = repository.get_run(session, run_id)
    if run is None:
        raise reading.unknown_run()
    return run_out(run)


@router.post(
    "/evaluation/runs",
    status_code=201,
    response_model=list[RunOut],
    **endpoint(
        Role.authority,
        errors={409: ["run_in_progress"], 422: ["no_model_in_force"]},
        summary="Run a full evaluation now",
    ),
)
def post_run(
    body: RunIn,
    request: Request,
    principal: Principal = current_principal,
    db: Database = Depends(database),
) -> list[RunOut]:
    """Every organisation — and every natural person where a model for persons is in force —
    evaluated now on the configured engine, one run per model in force, answered when done
    (`xinyong evaluate run` is the same, and may name another engine; a province's scheduler
    runs that). The body is `{}`. 409 `run_in_progress` while another run
    holds the job's lock. A run that fails is answered with `state` `failed` and its error."""
    now = clock(request).now()
    reading.require_no_run(db, now=now)
    return run_evaluation(db, now=now, actor=principal.actor)


@router.get(
    "/evaluation/subjects/{key}",
    response_model=ResultOut,
    **endpoint(*EVERYONE, errors=SUBJECT_ERRORS, summary="A subject's evaluation result"),
)
def get_result(
    key: str,
    request: Request,
    purpose: str | None = PURPOSE,
    principal: Principal = current_principal,
    _limit: None = anonymous_lookup,
    session: Session = db_session,
    db: Database = Depends(database),
) -> ResultOut:
    """The grade (A–D, 优/良/中/差), the day it is as of, the score, the list cap, the model,
    each indicator's points and the grades per field of supervision. The authority, the
    departments (with `purpose`, logged) and the subject itself read it all. The public and
    other subjects: an organisation's grade and day only where the province publishes grades
    (setting `XINYONG_EVALUATION_PUBLIC_GRADES`, 002 §（六） 依照有关规定向社会公开), otherwise
    403 `result_not_public`; a natural person's never. 404 `not_evaluated` before a run."""
    now = clock(request).now()
    subject, view = _reader(session, db, principal, key, now=now, purpose=purpose)
    out = reading.result_out(session, subject, view)
    if view == "full":
        reading.log_read(session, principal, subject.id, now=now, purpose=purpose, what="result")
    return out


@router.get(
    "/evaluation/subjects/{key}/explanation",
    response_model=ExplanationOut,
    **endpoint(
        *READERS,
        errors={**SUBJECT_ERRORS, 404: [*SUBJECT_ERRORS[404], "no_model_in_force"]},
        summary="A subject's evaluation explained, point by point",
    ),
)
def get_explanation(
    key: str,
    request: Request,
    purpose: str | None = PURPOSE,
    principal: Principal = current_principal,
    db: Database = Depends(database),
) -> ExplanationOut:
    """Each indicator's points and the rows that gave them — records, list entries,
    commitments, declarations, by id — by the model and on the day of the stored grade: they
    sum exactly to the score minus the base. Who may: as for the result, never the public."""
    now = clock(request).now()
    # Its own transactions: the explanation reads the database through DuckDB, which on
    # SQLite must not wait behind this request's write lock.
    with db.transaction() as session:
        subject, _view = _reader(session, db, principal, key, now=now, purpose=purpose, full=True)
        if repository.grade_of(session, subject.id) is None:
            raise reading.not_evaluated()
        subject_id = subject.id
    explained = explain_subject(db, subject_id, now=now)
    with db.transaction() as session:
        reading.log_read(
            session, principal, subject_id, now=now, purpose=purpose, what="explanation"
        )
    return explained


@router.get(
    "/evaluation/subjects/{key}/history",
    response_model=HistoryOut,
    **endpoint(*READERS, errors=SUBJECT_ERRORS, summary="A subject's grade history"),
)
def get_history(
    key: str,
    request: Request,
    purpose: str | None = PURPOSE,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> HistoryOut:
    """Every change of the subject's grade, oldest first, with the run and score. Who may:
    as for the result, never the public."""
    now = clock(request).now()
    subject, _view = _reader(session, db, principal, key, now=now, purpose=purpose, full=True)
    reading.log_read(session, principal, subject.id, now=now, purpose=purpose, what="history")
    return reading.history_out(session, subject)


@router.get(
    "/evaluation/distribution",
    response_model=DistributionOut,
    **endpoint(*GOVERNMENT, summary="The grade distribution now and per full run, with drift"),
)
def get_distribution(session: Session = db_session) -> DistributionOut:
    """How many subjects hold each grade now, and each full run's counts over time with its
    population stability index against the run before and how it reads (`drift`)."""
    return reading.distribution(session)
