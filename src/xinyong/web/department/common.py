"""What the department console's pages share: their audiences, labels, the department of the
visitor, and how a subject and a procedure's steps are shown."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.core import labels
from xinyong.core.identifiers import IdentifierError, mask_id_number
from xinyong.departments.repository import department_by_id
from xinyong.departments.service import department_names
from xinyong.lists import repository as lists_repository
from xinyong.models import Department, Role, Subject
from xinyong.web.forms import page
from xinyong.web.site import Visitor, audience

# Audience: provider and user_department — the credit authority has its own console
# (web/authority); the public is sent to log in, any other role gets the 403 page.
DEPARTMENTS = audience(Role.provider, Role.user_department)
PROVIDERS = audience(Role.provider)
# Rows of a table on one page.
PAGE_ROWS = 50


LABELS = {
    "task_kinds": labels.TASK_KINDS,
    "entry_states": labels.ENTRY_STATES,
    # Lists' kinds, and what a check's answer also names (政务失信).
    "list_kinds": labels.CHECK_ENTRY_KINDS,
    "exit_reasons": labels.EXIT_REASONS,
    "step_names": labels.STEP_NAMES,
    "channels": labels.CHANNELS,
    "actions": labels.ACTIONS,
    "via_roles": labels.LINKED_ROLES,
    "scenarios": labels.SCENARIOS,
    # The verifying department reads its own work first (待本部门核实).
    "objection_states": labels.PROVIDER_OBJECTION_STATES,
    "objection_outcomes": labels.OBJECTION_OUTCOMES,
    "objection_grounds": labels.OBJECTION_GROUNDS,
    "procedure_steps": labels.PROCEDURE_STEPS,
    "repair_states": labels.REPAIR_STATES,
    "repair_ways": labels.REPAIR_WAYS,
}


def own_department(session: Session, v: Visitor) -> Department:
    """The visitor's department (a department role's account has one)."""
    return department_by_id(session, v.principal.department_id or 0)


def list_names(session: Session) -> dict[str, str]:
    """Each list's name by its code."""
    return {x.code: x.spec["name"] for x in lists_repository.all_lists(session)}


def console_page(
    request: Request, name: str, *, status_code: int = 200, **context: Any
) -> Response:
    return page(request, name, status_code=status_code, labels=LABELS, **context)


def subject_key(subject: Subject) -> str:
    """How a page names a subject: its credit code, or its masked ID number."""
    return subject.credit_code or subject.id_masked or ""


def masked(given: str) -> str:
    """A key as given, an ID number masked (never shown whole)."""
    try:
        return mask_id_number(given)
    except IdentifierError:
        return "（已隐去）"


def step_rows(
    session: Session,
    steps: list,
    *,
    table: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """A procedure's steps as people read them: each step's name, who took it by name
    (accounts/service.actor_labels) and its detail by Chinese names and values
    (core/labels.detail_rows) — never the stored keys. ``table``: the detail keys read, by
    name, instead of STEP_DETAIL_NAMES; ``names``: the codes the procedure's details carry."""
    actors = actor_labels(session, (s.actor for s in steps))
    names = names if names is not None else {**department_names(session), **list_names(session)}
    return [
        {
            "step": s.step,
            "at": s.at,
            "actor": actors.get(s.actor, "系统"),
            "detail": labels.detail_rows(s.detail, names, table),
        }
        for s in steps
    ]
