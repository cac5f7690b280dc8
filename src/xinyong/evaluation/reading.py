"""Reading evaluation models, runs and results for the API and the pages: who reads what of a
result (evaluation/rules.result_view), each read of one not published logged with its
purpose (004 §14; Measures art. 36), the distribution over time with its drift."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.crypto import IdCipher
from xinyong.core.ids import IdGenerator
from xinyong.core.locks import try_advisory_xact_lock
from xinyong.db import Database
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.evaluation import repository, rules
from xinyong.evaluation.runs import LOCK
from xinyong.evaluation.schemas import (
    DistributionOut,
    GradeChangeOut,
    HistoryOut,
    ModelIn,
    ModelOut,
    ModelSummaryOut,
    ResultOut,
    RunPointOut,
    SubjectFieldGradeOut,
)
from xinyong.evaluation.service import APPLIES_TO, load_model, model_in_force, spec_of
from xinyong.models import EvaluationModel, Subject, SubjectKind
from xinyong.subjects.service import find_visible_subject

# A run marked running for longer was cut off (a full run of a million takes a minute).
STALE_RUN = timedelta(hours=6)

# --- models ----------------------------------------------------------------------------------


def _in_force_ids(session: Session, today: date) -> set[int]:
    found = (model_in_force(session, applies_to, today) for applies_to in APPLIES_TO)
    return {m.id for m in found if m is not None}


def _summary(model: EvaluationModel, in_force: set[int]) -> dict:
    return {
        "id": str(model.id),
        "code": model.code,
        "version": model.version,
        "name": model.definition.get("name", model.code),
        "applies_to": model.applies_to,
        "effective_from": model.effective_from,
        "status": model.status.value,
        "in_force": model.id in in_force,
        "published_at": model.published_at,
    }


def models_out(session: Session, *, applies_to: str | None, today: date) -> list[ModelSummaryOut]:
    in_force = _in_force_ids(session, today)
    return [
        ModelSummaryOut(**_summary(m, in_force))
        for m in repository.models(session, applies_to=applies_to)
    ]


def unknown_model() -> NotFound:
    return NotFound("没有该评价模型", "no such evaluation model", code="unknown_model")


def model_out(session: Session, model_id: int, *, today: date) -> ModelOut:
    model = repository.get_model(session, model_id)
    if model is None:
        raise unknown_model()
    return ModelOut(**_summary(model, _in_force_ids(session, today)), definition=spec_of(model))


def load_once(
    session: Session, data: ModelIn, *, ids: IdGenerator, actor: str, now: datetime
) -> tuple[EvaluationModel, bool]:
    """Load (add and publish) a model; a retry of the same file — the same code, version and
    definition, already published — answers that model and changes nothing (the API's
    ``Idempotency-Key``). Returns the model and whether it was loaded now."""
    existing = repository.model_of_version(session, data.code, data.version)
    if existing is not None and existing.definition == data.model_dump(mode="json"):
        return existing, False
    return load_model(session, data, ids=ids, actor=actor, now=now), True


# --- runs ------------------------------------------------------------------------------------


def require_no_run(db: Database, *, now: datetime) -> None:
    """409 ``run_in_progress`` while a run holds the job's lock (runs.LOCK). On PostgreSQL the
    advisory lock is tried. On SQLite a run holds the one writer's lock for its whole
    transaction, which a request would wait behind: there a run marked running, read without
    a transaction, is taken for one — unless it started more than ``STALE_RUN`` ago (a
    process killed mid-run leaves its row running)."""
    if db.dialect == "postgresql":
        with db.transaction() as session:
            busy = not try_advisory_xact_lock(session, LOCK)
    else:
        with db.reading() as conn:
            busy = repository.running_since(conn, now - STALE_RUN)
    if busy:
        raise Conflict(
            "评价任务正在运行，请待其结束后再试",
            "an evaluation run is under way; try again when it has finished",
            code="run_in_progress",
        )


# --- results ---------------------------------------------------------------------------------


def readable_subject(
    session: Session,
    principal: Principal,
    key: str,
    *,
    cipher: IdCipher,
    today: date,
    purpose: str | None,
    public_grades: bool,
    full: bool = False,
) -> tuple[Subject, rules.View]:
    """The subject by its key, as the caller may know it, and what of its result the caller
    reads: 403 ``result_not_public`` where it reads nothing (or, with ``full``, less than the
    whole: explanation and history), 422 ``missing_purpose`` for a department without one."""
    subject = find_visible_subject(session, key, principal, cipher=cipher, today=today)
    view = rules.result_view(
        principal,
        subject.id,
        organisation=subject.kind is not SubjectKind.natural_person,
        public_grades=public_grades,
    )
    if view is None or (full and view != "full"):
        raise Forbidden(
            "该主体的公共信用综合评价结果不向社会公开",
            "the subject's evaluation result is not published",
            code="result_not_public",
        )
    if rules.needs_purpose(principal, subject.id) and not (purpose and purpose.strip()):
        raise InvalidRequest(
            "查询评价结果须说明用途（purpose）",
            "reading an evaluation result needs a purpose",
            field="purpose",
            code="missing_purpose",
        )
    return subject, view


def log_read(
    session: Session,
    principal: Principal,
    subject_id: int,
    *,
    now: datetime,
    purpose: str | None,
    what: str,
) -> None:
    """A read of a result not published, in the audit log with its purpose (004 §14)."""
    audit.log(
        session,
        actor=principal.actor,
        action="evaluation.read",
        at=now,
        subject_id=subject_id,
        target_type="subject",
        target_id=subject_id,
        purpose=(purpose or "本人查询")[:200],
        detail={"what": what},
    )


def unknown_run() -> NotFound:
    return NotFound("没有该评价批次", "no such evaluation run", code="unknown_run")


def not_evaluated() -> NotFound:
    return NotFound("该主体尚未评价", "the subject has not been evaluated", code="not_evaluated")


def _key(subject: Subject) -> str:
    return subject.credit_code or subject.id_masked or ""


def result_out(session: Session, subject: Subject, view: rules.View) -> ResultOut:
    grade = repository.grade_of(session, subject.id)
    if grade is None:
        raise not_evaluated()
    base = {"subject": _key(subject), "subject_name": subject.name, "grade": grade.grade}
    if view != "full":
        empty = dict.fromkeys(set(ResultOut.model_fields) - set(base) - {"as_of"})
        return ResultOut(**base, as_of=grade.as_of, **empty)
    model = repository.get_model(session, grade.model_id)
    return ResultOut(
        **base,
        as_of=grade.as_of,
        score=grade.score,
        capped_by=grade.capped_by,
        model_id=str(grade.model_id),
        model_code=model.code if model else None,
        model_version=model.version if model else None,
        model_name=model.definition.get("name") if model else None,
        run_id=str(grade.run_id),
        evaluated_at=grade.evaluated_at,
        points=repository.points_of(grade, model),
        field_grades=[
            SubjectFieldGradeOut(
                field=f.field,
                industry_label=f.industry_label,
                industry_grade=f.industry_grade,
                public_grade=f.public_grade,
                combined_grade=f.combined_grade,
            )
            for f in repository.field_grades_of(session, subject.id)
        ],
    )


def history_out(session: Session, subject: Subject) -> HistoryOut:
    return HistoryOut(
        subject=_key(subject),
        changes=[
            GradeChangeOut(
                run_id=str(c.run_id),
                previous_grade=c.previous_grade,
                grade=c.grade,
                score=c.score,
                at=c.at,
            )
            for c in repository.grade_history(session, subject.id)
        ],
    )


def distribution(session: Session) -> DistributionOut:
    now = repository.grade_counts(session)
    return DistributionOut(
        now={g: now[g] for g in sorted(now)},
        total=sum(now.values()),
        runs=[
            RunPointOut(
                run_id=str(r.id),
                model_id=str(r.model_id),
                as_of=r.as_of,
                finished_at=r.finished_at,
                grade_counts=r.grade_counts or {},
                psi=r.psi,
                drift=rules.drift(r.psi),
            )
            for r in repository.full_runs(session)
        ],
    )
