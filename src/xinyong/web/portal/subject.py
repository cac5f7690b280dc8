"""A subject's public page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core.api import clock, db_session
from xinyong.core.auth import PUBLIC
from xinyong.core.clock import local_date
from xinyong.core.identifiers import describe_credit_code, region_name
from xinyong.government.service import public_cases_of
from xinyong.lists import repository as lists_repository
from xinyong.lists import rules as lists_rules
from xinyong.lists.rules import publicly_visible
from xinyong.lists.service import entry_out
from xinyong.models import Category, CreditList, Disclosure, EntryState, SubjectKind
from xinyong.subjects import search
from xinyong.subjects.archive import read_archive
from xinyong.web.commitment_views import LABELS as COMMITMENT_LABELS
from xinyong.web.declaration_views import declared_rows
from xinyong.web.portal.commitments import public_commitments_of
from xinyong.web.portal.common import EVERYONE, count_look_up, not_found, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)

# The fields a record is summed up by on a subject's page (the rest fold away), when it has them.
SUMMARY_FIELDS = (
    "decision_number",
    "licence_category",
    "penalty_category",
    "certificate_name",
    "violation_type",
    "penalty_content",
    "licence_content",
    "decided_on",
    "entity_form",
    "established_on",
    "status",
    "address",
)


@router.get("/subjects/{key}", response_class=HTMLResponse, **audience(*EVERYONE))
def subject_page(key: str, request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. What the public may see of one subject: identity, its public and
    active records by category, its entries on public lists, its public commitments (信用承诺
    专栏, web/portal/commitments.py) and an organisation's verified public self-declarations
    (自主申报信息), marked as declared by the subject. A natural person only while an entry in
    force on a public list names them; otherwise, as for anything unknown, 404.
    Limited per address for visitors not logged in."""
    count_look_up(request)
    now = clock(request).now()
    today = local_date(now)
    subject = search.find_public_subject(session, key, today=today)
    if subject is None:
        return not_found(request)
    db = request.app.state.db
    # The public's archive (Measures art. 19, 30): public disclosure, active standing only.
    archive = read_archive(
        session, subject, PUBLIC, cipher=db.cipher, now=now, today=today, purpose=None
    )
    info = describe_credit_code(subject.credit_code) if subject.credit_code else None
    catalog = published_catalog(session)
    labels = {
        code: dict((f.name, f.label) for f in item.spec.fields)
        for code, item in (catalog.items.items() if catalog else [])
    }
    entries = []
    for entry in lists_repository.entries_of_subject(session, subject.id):
        lst = session.get_one(CreditList, entry.list_id)
        if not publicly_visible(lst, entry):
            continue
        in_force = lists_rules.is_in_force(entry, today)
        in_notice = entry.state == EntryState.notice  # red only: publicly_visible
        if in_force or in_notice:
            entries.append((entry_out(session, entry, full=False), in_notice))
    return portal_page(
        request,
        "subject.html",
        archive=archive,
        subject=archive.subject,
        info=info,
        region=region_name(subject.region_code or "") if subject.region_code else None,
        labels=labels,
        categories=[(c.value, archive.categories.get(c.value, [])) for c in Category],
        entries=entries,
        key=search.page_key(subject.credit_code, subject.id),
        is_person=subject.kind == SubjectKind.natural_person,
        today=today,
        summary_fields=SUMMARY_FIELDS,
        commitments=public_commitments_of(session, subject),
        government_cases=public_cases_of(session, subject.id),
        commitment_labels=COMMITMENT_LABELS,
        # An organisation's public self-declarations, verified (000 §（五））; a person's are
        # not published (lists/rules.makes_subject_public publishes only its listing).
        declared=(
            []
            if subject.kind == SubjectKind.natural_person
            else declared_rows(
                session,
                subject.id,
                [x for x in archive.declarations if x.disclosure == Disclosure.public.value],
            )
        ),
    )
