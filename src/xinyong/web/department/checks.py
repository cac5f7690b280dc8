"""Pages: the check (逢办必查, checks/service) of one subject, a pasted list or a CSV of keys;
each logged check with the feedback form (give_feedback) per measure."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.checks.repository import (
    check_of_department,
    feedback_of_check,
    hits_of_check,
    recent_checks_of_department,
)
from xinyong.checks.service import give_feedback as give_check_feedback
from xinyong.checks.service import lookup, prepare, run_check
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.errors import XinyongError
from xinyong.lists.repository import entries_by_id
from xinyong.measures.repository import measure_specs_by_code
from xinyong.measures.schemas import DECISION_ORDER
from xinyong.records.files import detect_encoding
from xinyong.subjects.repository import subjects_by_id
from xinyong.web.department.common import (
    DEPARTMENTS,
    console_page,
    list_names,
    masked,
    own_department,
    subject_key,
)
from xinyong.web.forms import (
    Problem,
    attempt,
    page_visitor,
    parse_int,
    redirect,
    refusal,
    request_now,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


# A CSV of subject keys for a check (10,000 keys of 18 characters fit in a fraction of it).
MAX_KEYS_BYTES = 1024 * 1024

# Subjects of a check shown in detail (the decisions are counted for all).
RESULTS_ON_PAGE = 500


def _check_form_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    v = page_visitor(request)
    dept = own_department(session, v)
    return console_page(
        request,
        "department/check.html",
        status_code=status_code,
        section="check",
        department=dept,
        form=form or {},
        errors=errors or {},
        result=None,
        checks=recent_checks_of_department(session, dept.id, limit=10),
    )


@router.get("/department/check", response_class=HTMLResponse, **DEPARTMENTS)
def check_page(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. The check form: one subject, a pasted list or a
    CSV of keys, a scenario and a purpose; and the department's recent checks."""
    return _check_form_page(request, session)


CHECK_FIELDS = {name: name for name in ("scenario", "purpose", "subjects", "file")}


_KEY_SHAPE = re.compile(r"[0-9A-Za-z]{15,18}")


def _keys_of_file(upload: UploadFile | None) -> list[str]:
    """Subject keys of an uploaded CSV: the first cell of each row; a header row is skipped."""
    if upload is None or not upload.filename:
        return []
    data = upload.file.read(MAX_KEYS_BYTES + 1)
    if len(data) > MAX_KEYS_BYTES:
        raise Problem({"file": "文件超过 1 MB，请拆分后查询"}, status=413)
    try:
        text = data.decode(detect_encoding(data[: 1 << 16]))
    except UnicodeDecodeError:
        raise Problem({"file": "文件应为 UTF-8 或 GB18030 编码的 CSV"}) from None
    keys = []
    try:
        for index, row in enumerate(csv.reader(io.StringIO(text))):
            cell = next((c.strip() for c in row if c.strip()), "")
            if not cell or (index == 0 and not _KEY_SHAPE.fullmatch(cell)):
                continue
            keys.append(cell)
    except csv.Error:
        raise Problem({"file": "无法读取 CSV 文件"}) from None
    if not keys:
        raise Problem({"file": "文件中没有主体标识（每行第一列为统一社会信用代码或身份证号码）"})
    return keys


@router.post("/department/check", response_class=HTMLResponse, **DEPARTMENTS)
def check_run(
    request: Request,
    csrf_token: str = Form(default=""),
    scenario: str = Form(default=""),
    purpose: str = Form(default=""),
    subject: str = Form(default=""),
    subjects: str = Form(default=""),
    file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Run the check (POST /api/v1/checks): per subject
    the decision (intercept / prompt / facilitate / clear) and every measure with its action,
    reason, legal basis and `via`; a feedback form per measure. Logged with the department
    and purpose before the answer is shown."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"scenario": scenario, "purpose": purpose, "subject": subject, "subjects": subjects}
    ctx = request.app.state.checks
    try:
        keys = [subject.strip()] if subject.strip() else []
        keys += [line.strip() for line in subjects.splitlines() if line.strip()]
        keys += _keys_of_file(file)
        if not keys:
            raise Problem({"subjects": "请填写或上传至少一个统一社会信用代码或身份证号码"})
        try:
            req = prepare(
                ctx,
                scenario=scenario,
                subjects=keys,
                purpose=purpose,
                now=request_now(request),
                field=v.principal.department_kind,
            )
        except XinyongError as exc:
            raise refusal(exc, CHECK_FIELDS) from None
    except Problem as problem:
        return _check_form_page(
            request, session, status_code=problem.status, form=form, errors=problem.errors
        )
    dept = own_department(session, v)
    # The check is logged by the process's group-commit writer (checks/log.py) and its
    # snapshot may catch up in a transaction of its own: on SQLite this request's transaction
    # would hold the one write lock they wait for, so it ends here; nothing below writes.
    session.commit()
    db = request.app.state.db
    with db.reading() as conn:
        body = run_check(conn, ctx, v.principal, req)
        found = lookup(conn, req.keys)
        # Read once run_check returns, when the check is committed (CheckLog.write waits for
        # its group commit), so the list shows the check just made; read here, outside any
        # transaction, so no write lock is taken on SQLite.
        with Session(bind=conn) as reader:
            recent = recent_checks_of_department(reader, dept.id, limit=10)
    rows = []
    for index, (key, result) in enumerate(zip(req.keys, body["results"], strict=True)):
        subject_row = found.find(key) if result.get("found") else None
        if subject_row is not None:
            shown = result["subject"]["credit_code"] or result["subject"]["id_number"] or ""
        else:  # not in the platform: the key as given, an ID number masked
            shown = masked(key.given) if key.id_hash else key.given
        rows.append(
            {
                "index": index,
                "shown": shown,
                "result": result,
                "subject_id": subject_row.id if subject_row else None,
                "feedback": _feedback_slots(result),
            }
        )
    rows.sort(key=lambda r: (DECISION_ORDER.index(r["result"]["decision"]), r["index"]))
    return console_page(
        request,
        "department/check.html",
        section="check",
        department=dept,
        form={"scenario": scenario, "purpose": purpose},
        errors={},
        result={
            "check_id": body["check_id"],
            "scenario": body["scenario_name"],
            "purpose": req.purpose,
            "decisions": body["decisions"],
            "total": len(rows),
            "rows": rows[:RESULTS_ON_PAGE],
        },
        checks=recent,
    )


def _feedback_slots(result: dict) -> set[int]:
    """Indexes of the measures that carry the feedback form: the first of each measure code
    (feedback is per subject and measure, however many entries reached it)."""
    seen: set[str] = set()
    slots = set()
    for index, measure in enumerate(result.get("measures", [])):
        if measure["measure"] not in seen:
            seen.add(measure["measure"])
            slots.add(index)
    return slots


def _check_record_page(
    request: Request,
    session: Session,
    check_id: int,
    *,
    status_code: int = 200,
    errors: dict[tuple[int, str], str] | None = None,
    forms: dict[tuple[int, str], dict[str, str]] | None = None,
    saved: str = "",
) -> Response:
    v = page_visitor(request)
    check = check_of_department(session, v.principal.department_id or 0, check_id)
    hits = hits_of_check(session, check_id)
    subjects = subjects_by_id(session, (h.subject_id for h in hits))
    measures = measure_specs_by_code(session, (h.measure_code for h in hits))
    entries = entries_by_id(session, (h.entry_id for h in hits))
    names = list_names(session)
    feedback = feedback_of_check(session, check_id)
    groups: dict[int, dict[str, Any]] = {}
    for hit in hits:
        s = subjects.get(hit.subject_id)
        group = groups.setdefault(
            hit.subject_id,
            {
                "subject_id": hit.subject_id,
                "name": s.name if s else "",
                "key": subject_key(s) if s else "",
                "hits": [],
            },
        )
        entry = entries.get(hit.entry_id)
        via = subjects.get(entry.subject_id) if entry else None
        spec = measures.get(hit.measure_code, {})
        group["hits"].append(
            {
                "hit": hit,
                "measure": spec,
                "list": names.get(entry.list_code, entry.list_code) if entry else "",
                "via": entry is not None and entry.subject_id != hit.subject_id,
                "via_name": via.name if via else None,
                "feedback": feedback.get((hit.subject_id, hit.measure_code)),
                "error": (errors or {}).get((hit.subject_id, hit.measure_code)),
                "form": (forms or {}).get((hit.subject_id, hit.measure_code), {}),
            }
        )
    answered = sum(1 for h in hits if (h.subject_id, h.measure_code) in feedback)
    slots = {(h.subject_id, h.measure_code) for h in hits}
    # A message about a measure the check did not show belongs to the page as a whole.
    unplaced = [m for slot, m in (errors or {}).items() if slot not in slots]
    return console_page(
        request,
        "department/check_record.html",
        status_code=status_code,
        section="check",
        check=check,
        actors=actor_labels(session, [check.actor]),
        scenario=labels.SCENARIOS.get(check.scenario, check.scenario),
        groups=list(groups.values()),
        hit_count=len(hits),
        answered=answered,
        saved=saved,
        error=unplaced[0] if unplaced else "",
    )


@router.get("/department/checks/{check_id}", response_class=HTMLResponse, **DEPARTMENTS)
def check_record_page(
    check_id: BigId, request: Request, saved: str = "", session: Session = db_session
) -> Response:
    """Audience: provider, user_department. One of the department's checks as logged: the
    measures it reached per subject, the feedback given and the form for the rest."""
    return _check_record_page(request, session, check_id, saved=saved)


@router.post("/department/checks/{check_id}/feedback", response_class=HTMLResponse, **DEPARTMENTS)
def check_feedback(
    check_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    subject: str = Form(default=""),
    measure: str = Form(default=""),
    applied: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Feedback on one measure of one subject of the
    check (POST /api/v1/checks/{id}/feedback): applied, or why not."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    check_of_department(session, v.principal.department_id or 0, check_id)
    subject_id = parse_int(subject) or 0
    slot = (subject_id, measure)
    form = {"applied": applied, "reason": reason}
    try:
        if applied not in ("yes", "no"):
            raise Problem({"": "请选择是否已实施该措施"})
        row = subjects_by_id(session, [subject_id]).get(subject_id) if subject_id else None
        if row is None:
            raise Problem({"": "该查询没有对此主体给出此措施"})
        # The service takes the subject's key; the page never carries a full ID number.
        key = row.credit_code or request.app.state.db.cipher.decrypt(row.id_cipher)
        item = {
            "subject": key,
            "measure": measure,
            "applied": applied == "yes",
            "reason": reason.strip() or None,
        }
        attempt(
            session,
            lambda: give_check_feedback(
                session,
                v.principal,
                check_id,
                [item],
                cipher=request.app.state.db.cipher,
                now=request_now(request),
            ),
        )
    except Problem as problem:
        return _check_record_page(
            request,
            session,
            check_id,
            status_code=problem.status,
            errors={slot: next(iter(problem.errors.values()))},
            forms={slot: form},
        )
    response = redirect(f"/department/checks/{check_id}", saved=f"{subject_id}:{measure}")
    response.headers["location"] += f"#s{subject_id}-{measure}"
    return response
