"""What every console's commitment pages show alike (web/subject, web/department,
web/authority and web/portal commitments.py): the labels of the item list and of a
commitment, a commitment as people read it with its steps in Chinese, and its files."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.catalog.service import published_catalog
from xinyong.commitments import repository as commitment_repository
from xinyong.commitments import service as commitment_service
from xinyong.commitments.rules import BREACHES
from xinyong.commitments.schemas import PLACEHOLDER, PLACEHOLDERS
from xinyong.core import labels
from xinyong.core.auth import Principal
from xinyong.departments.service import department_names
from xinyong.models import Commitment, CommitmentState
from xinyong.rights import evidence
from xinyong.web import forms

# The tables the commitment templates read as ``labels.…`` (core/labels.py).
LABELS = {
    "commitment_types": labels.COMMITMENT_TYPES,
    "commitment_states": labels.COMMITMENT_STATES,
    "commitment_channels": labels.COMMITMENT_CHANNELS,
    "commitment_steps": labels.COMMITMENT_STEPS,
    "day_kinds": labels.VERIFICATION_DAY_KINDS,
    "subject_kinds": labels.SUBJECT_KINDS,
    "severities": labels.SEVERITY_NAMES,
    "sectors": labels.SECTOR_NAMES,
    "evidence_kinds": labels.EVIDENCE_KINDS,
}


def commitment_page(
    request: Request, name: str, *, status_code: int = 200, **context: Any
) -> Response:
    """A commitment page of any console, with the labels its codes are read by."""
    return forms.page(
        request,
        name,
        status_code=status_code,
        labels=LABELS,
        section="commitments",
        shown=shown_template,
        **context,
    )


def missing_list(text: str) -> list[str]:
    """容缺受理: the documents missing as a form gives them, one a line, blank lines skipped."""
    return [line.strip()[:200] for line in text.splitlines() if line.strip()][:50]


def shown_template(text: str) -> str:
    """A standard text as people read it: each placeholder by its Chinese name (〔承诺日期〕)."""
    return PLACEHOLDER.sub(lambda m: f"〔{PLACEHOLDERS.get(m.group(1), m.group(1))}〕", text)


def item_names(session: Session) -> dict[str, str]:
    """Each item's name by its code, retired items too."""
    return {code: i.spec["name"] for code, i in commitment_repository.all_items(session).items()}


def step_rows(session: Session, steps: list, *, actors: bool) -> list[dict[str, Any]]:
    """A commitment's steps as people read them: the step's name, when, who (by name, for a
    department or the authority: ``actors``) and its detail by Chinese names and values."""
    catalog = published_catalog(session)
    names = {
        **department_names(session),
        **labels.COMMITMENT_CHANNELS,
        **item_names(session),
    }
    # A breach's ``item`` is the catalog item of the negative record it wrote.
    records = {code: i.spec.name for code, i in (catalog.items.items() if catalog else [])}
    breach = {**labels.COMMITMENT_DETAILS, "item": "失信信息项"}
    who = actor_labels(session, (s.actor for s in steps)) if actors else {}
    return [
        {
            "step": labels.COMMITMENT_STEPS.get(s.step, s.step),
            "at": s.at,
            "actor": who.get(s.actor, "系统") if actors else "",
            "detail": (
                labels.detail_rows(s.detail, {**names, **records}, breach)
                if s.step in BREACHES
                else labels.detail_rows(s.detail, names, labels.COMMITMENT_DETAILS)
            ),
        }
        for s in steps
    ]


def is_overdue(c: Commitment, today: date) -> bool:
    """Accepted, still pending, and past its last day of fulfilment: its verification is due."""
    return (
        c.state is CommitmentState.pending
        and c.accepted_at is not None
        and c.due_on is not None
        and c.due_on < today
    )


def commitment_view(
    session: Session, principal: Principal, commitment_id: int, today: date, *, actors: bool
) -> dict[str, Any]:
    """A commitment as ``principal`` may see it (else 404: commitments/service
    .get_commitment), as the API gives it, with its steps and its files."""
    c = commitment_service.get_commitment(session, principal, commitment_id)
    out = commitment_service.commitment_out(session, c)
    files = evidence.files_of(session, c.subject_id, c.id)
    return {
        "c": out,
        "steps": step_rows(session, out.steps, actors=actors),
        "files": [evidence.evidence_out(f) for f in files],
        "overdue": is_overdue(c, today),
    }
