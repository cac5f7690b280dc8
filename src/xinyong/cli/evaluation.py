"""`xinyong evaluate`: public credit evaluation (公共信用综合评价, docs/evaluation.md) — a
model loaded and published from a file, a run over every subject, a run's figures and a
subject's explanation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from xinyong.cli.common import (
    ACTOR,
    JsonOption,
    _clock,
    _database,
    _print_json,
    _progress,
    _read_json,
    console,
)
from xinyong.core.clock import SHANGHAI
from xinyong.core.labels import (
    EVALUATION_ENGINES,
    EVALUATION_SOURCES,
    GRADE_CAPS,
    GRADE_NAMES,
    MODEL_SUBJECTS,
    RUN_KINDS,
    RUN_STATES,
    SECTOR_NAMES,
)
from xinyong.db import Database
from xinyong.errors import InvalidRequest

evaluate_app = typer.Typer(help="公共信用综合评价（evaluation）", no_args_is_help=True)


@contextmanager
def _platform() -> Iterator[Database]:
    """The settings' database, its connections and id node let go when the command ends."""
    db = _database()
    try:
        yield db
    finally:
        db.dispose()


def _grade(grade: str | None) -> str:
    return "—" if grade is None else f"{GRADE_NAMES.get(grade, grade)}（{grade}）"


def _counts(counts: dict[str, int] | None) -> str:
    counts = counts or {}
    return "、".join(f"{GRADE_NAMES[g]} {counts.get(g, 0)}" for g in GRADE_NAMES)


@evaluate_app.command("load")
def evaluate_load(
    path: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="评价模型 JSON 文件")
    ] = None,
    default: Annotated[
        bool, typer.Option("--default", help="载入并发布平台自带的法人和非法人组织评价模型")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """载入并发布评价模型的一个版本（生效日期不得早于今天）。

    Load and publish a version of an evaluation model from a JSON file (docs/evaluation.md):
    it is checked against the published catalog and the lists, must be its code's next
    version, and takes effect on its effective_from, today or later. --default publishes
    the shipped model for organisations instead (once)."""
    from xinyong.evaluation.schemas import ModelIn
    from xinyong.evaluation.service import default_model, ensure_default_model, load_model

    if (path is None) == (not default):
        raise InvalidRequest(
            "请给出模型文件，或用 --default 载入自带模型（二者选一）",
            "give a model file or --default, one of the two",
            code="invalid_usage",
        )
    data = default_model() if path is None else _read_json(ModelIn.model_validate_json, path)
    with _platform() as db, db.transaction() as session:
        now = _clock(db.settings).now()
        if path is None:
            model = ensure_default_model(session, ids=db.ids, now=now)
            if model is None:
                console.print(f"自带模型 {data.code} 已载入，未重复发布")
                return
        else:
            model = load_model(session, data, ids=db.ids, actor=ACTOR, now=now)
        out = {
            "id": str(model.id),
            "code": model.code,
            "version": model.version,
            "applies_to": model.applies_to,
            "effective_from": model.effective_from.isoformat(),
            "status": model.status.value,
        }
    if as_json:
        _print_json(out)
        return
    indicators = len(data.indicators())
    console.print(
        f"评价模型 {escape(data.name)}（{data.code} 第 {data.version} 版）已发布："
        f"适用于{MODEL_SUBJECTS[data.applies_to]}，{data.effective_from} 起生效，"
        f"{len(data.dimensions)} 个一级指标、{indicators} 个二级指标",
        soft_wrap=True,
    )


@evaluate_app.command("run")
def evaluate_run(
    engine: Annotated[
        str | None,
        typer.Option(
            help="评分引擎：duckdb 或 spark（默认取 XINYONG_EVALUATION_ENGINE）",
            metavar="ENGINE",
        ),
    ] = None,
    extract: Annotated[
        Path | None,
        typer.Option(
            "--extract",
            exists=True,
            file_okay=False,
            help="从 xinyong evaluate extract 写出的 Parquet 数据读取，而不是从数据库",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """对全部法人和非法人组织（以及有生效模型的自然人）进行一次全量评价。

    Evaluate every organisation (and every natural person where a model for persons is in
    force) with the model in force, on DuckDB or Spark; write the grades, their changes and
    the run's figures, with its drift (PSI) against the previous full run."""
    from xinyong.evaluation.runs import run_evaluation

    started = time.monotonic()
    with _platform() as db, _progress() as progress:
        now = _clock(db.settings).now()
        task = progress.add_task("公共信用综合评价", total=None)
        runs = run_evaluation(
            db,
            now=now,
            actor=ACTOR,
            engine=engine,
            extract_from=extract,
            on_phase=lambda phase: progress.update(task, description=phase),
        )
    seconds = time.monotonic() - started
    if as_json:
        _print_json([r.model_dump(mode="json") for r in runs])
        return
    for run in runs:
        drift = "无上次全量评价可比" if run.psi is None else f"PSI {run.psi:.4f}"
        engine_name = EVALUATION_ENGINES.get(run.engine, run.engine)
        console.print(
            f"评价完成（{engine_name}）：主体 {run.subjects} 个，"
            f"等级变化 {run.changed} 个；{_counts(run.grade_counts)}；{drift}",
            soft_wrap=True,
        )
    console.print(f"用时 {seconds:.1f} 秒")


@evaluate_app.command("extract")
def evaluate_extract(
    folder: Annotated[
        Path | None,
        typer.Argument(file_okay=False, help="写入的目录（默认 XINYONG_EVALUATION_EXTRACT_DIR）"),
    ] = None,
) -> None:
    """把评价所需的数据写成 Parquet 文件（供 Spark 集群或 run --extract 使用）。

    Write the evaluation's inputs (subjects, records of the model's items, list entries,
    commitments, declarations) as Parquet files, for Spark elsewhere or `run --extract`."""
    from xinyong.core.clock import local_date
    from xinyong.evaluation.runs import write_extract_of

    with _platform() as db, _progress() as progress:
        target = folder or db.settings.evaluation_extracts / "extract"
        progress.add_task("写出评价数据", total=None)
        subjects = write_extract_of(db, target, today=local_date(_clock(db.settings).now()))
    console.print(f"已写出 {subjects} 个主体的评价数据：{escape(str(target))}", soft_wrap=True)


@evaluate_app.command("show")
def evaluate_show(
    subject: Annotated[
        str | None, typer.Argument(help="主体的统一社会信用代码或身份证号码（不给则显示概况）")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """评价概况（生效模型、最近的评价、等级分布）；给出主体则逐项说明其得分来源。

    The models in force, the latest runs and the grade distribution; with SUBJECT, its
    evaluation explained: each indicator's points and the records, entries, commitments and
    declarations that gave them (they sum exactly to the score minus the base)."""
    if subject is not None:
        _show_subject(subject, as_json=as_json)
        return
    from xinyong.core.clock import local_date
    from xinyong.evaluation import repository
    from xinyong.evaluation.runs import run_out
    from xinyong.evaluation.service import APPLIES_TO, model_in_force

    with _platform() as db, db.transaction() as session:
        today = local_date(_clock(db.settings).now())
        models = {a: model_in_force(session, a, today) for a in APPLIES_TO}
        runs = [run_out(r) for r in repository.recent_runs(session, limit=10)]
        counts = repository.grade_counts(session)
    if as_json:
        _print_json(
            {
                "models": {
                    a: None
                    if m is None
                    else {"id": str(m.id), "code": m.code, "version": m.version}
                    for a, m in models.items()
                },
                "grade_counts": counts,
                "runs": [r.model_dump(mode="json") for r in runs],
            }
        )
        return
    for applies_to, model in models.items():
        shown = (
            "无"
            if model is None
            else f"{model.code} 第 {model.version} 版（{model.effective_from} 起）"
        )
        console.print(f"{MODEL_SUBJECTS[applies_to]}的评价模型：{shown}", soft_wrap=True)
    console.print(f"现有等级：{_counts(counts)}", soft_wrap=True)
    table = Table(title="最近的评价")
    for name in ("开始时间", "种类", "引擎", "状态", "主体", "等级变化", "等级分布", "PSI"):
        table.add_column(name, overflow="fold")
    for run in runs:
        table.add_row(
            f"{run.started_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
            RUN_KINDS.get(run.kind, run.kind),
            run.engine,
            RUN_STATES.get(run.state, run.state),
            str(run.subjects),
            str(run.changed),
            _counts(run.grade_counts),
            "—" if run.psi is None else f"{run.psi:.4f}",
        )
    console.print(table)


def _show_subject(key: str, *, as_json: bool) -> None:
    from xinyong.evaluation.explain import explain_subject
    from xinyong.subjects.service import find_subject

    with _platform() as db:
        with db.transaction() as session:
            found = find_subject(session, key, cipher=db.cipher)
            subject_id, name = found.id, found.name
        explanation = explain_subject(db, subject_id, now=_clock(db.settings).now())
    if as_json:
        _print_json(explanation.model_dump(mode="json"))
        return
    e = explanation
    cap = (
        f"，因{GRADE_CAPS.get(e.capped_by, e.capped_by)}由{_grade(e.band_grade)}降为"
        if e.capped_by
        else "，"
    )
    console.print(
        f"{escape(name)}：{e.as_of} 得分 {e.score}（基础分 {e.base}）{cap}等级 {_grade(e.grade)}"
        f"（模型 {e.model_code} 第 {e.model_version} 版）",
        soft_wrap=True,
    )
    table = Table(title="各项得分（合计等于得分减基础分）")
    for name_ in ("一级指标", "二级指标", "得分", "来源"):
        table.add_column(name_, overflow="fold")
    for indicator in e.indicators:
        if indicator.points == 0 and not indicator.contributions:
            continue
        rows = "；".join(
            f"{EVALUATION_SOURCES[c.source]} {c.id}：{c.points.normalize():f}"
            for c in indicator.contributions
        )
        table.add_row(
            indicator.dimension_name, escape(indicator.name), f"{indicator.points}", rows or "—"
        )
    total = sum((i.points for i in e.indicators), Decimal(0))
    table.add_row("合计", "", f"{total}", "")
    console.print(table)
    if e.field_grades:
        fields = Table(title="分领域等级（行业信用评价与公共信用综合评价结合）")
        for name_ in ("监管领域", "行业评价", "行业等级", "公共等级", "结合后"):
            fields.add_column(name_, overflow="fold")
        for f in e.field_grades:
            fields.add_row(
                SECTOR_NAMES.get(f.field, f.field),
                escape(f.industry_label),
                _grade(f.industry_grade),
                _grade(f.public_grade),
                _grade(f.combined_grade),
            )
        console.print(fields)
