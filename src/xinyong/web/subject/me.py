"""/me: the subject's identity, whole archive, list entries and documents."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.core.clock import local_date
from xinyong.departments.service import list_departments
from xinyong.evaluation import repository as evaluation_repository
from xinyong.lists import repository as lists_repository
from xinyong.lists import rules as lists_rules
from xinyong.models import (
    LIVE_STATES,
    Category,
    EntryState,
    ExitReason,
    ListKind,
    Subject,
)
from xinyong.objections import repository as objection_repository
from xinyong.repairs import repository as repair_repository
from xinyong.rights.documents import documents_of
from xinyong.subjects.archive import read_archive
from xinyong.web import forms
from xinyong.web.declaration_views import declared_rows
from xinyong.web.subject.common import SUBJECT, console_page, field_labels, subject_id_of

router = APIRouter(include_in_schema=False)


@router.get("/me", response_class=HTMLResponse, **SUBJECT)
def me(request: Request, session: Session = db_session) -> Response:
    """Audience: subject. The subject's identity and whole archive by category — every
    disclosure class, each record with its standing and the mark of an open objection — with
    the links to object or to apply for repair; its credit grade, linking to /me/evaluation;
    its verified self-declarations (自主申报),
    apart from the records; its list entries; its documents."""
    v = forms.page_visitor(request)
    sid = subject_id_of(v)
    now = forms.request_now(request)
    today = local_date(now)
    subject = session.get_one(Subject, sid)
    archive = read_archive(
        session,
        subject,
        v.principal,
        cipher=request.app.state.db.cipher,
        now=now,
        today=today,
        purpose=None,
    )
    open_objections = objection_repository.open_objections_by_target(session, sid)
    open_repairs = repair_repository.open_repairs_by_target(session, sid)
    list_names = {row.id: row.spec["name"] for row in lists_repository.all_lists(session)}
    departments = {d.id: d.name for d in list_departments(session)}
    entries = []
    for entry in lists_repository.entries_of_subject(session, sid):
        in_force = lists_rules.is_in_force(entry, today)
        expired = (entry.state == EntryState.exited and entry.exit_reason is ExitReason.expiry) or (
            entry.state == EntryState.listed and not in_force
        )
        entries.append(
            {
                "entry": entry,
                "list_name": list_names.get(entry.list_id, entry.list_code),
                "department": departments.get(entry.department_id, ""),
                "in_force": in_force,
                "objection": open_objections.get(("list_entry", entry.id)),
                "repair": open_repairs.get(("list_entry", entry.id)),
                "may_object": entry.state in LIVE_STATES or expired,
                "may_repair": entry.kind is not ListKind.red and in_force,
            }
        )
    return console_page(
        request,
        "subject/me.html",
        section="me",
        archive=archive,
        subject=archive.subject,
        categories=[(c.value, archive.categories.get(c.value, [])) for c in Category],
        field_labels=field_labels(session),
        open_objections=open_objections,
        open_repairs=open_repairs,
        entries=entries,
        documents=list(reversed(documents_of(session, sid))),
        declared=declared_rows(session, sid, archive.declarations),
        today=today,
        grade=evaluation_repository.grade_of(session, sid),
        grade_titles=labels.GRADE_TITLES,
    )
