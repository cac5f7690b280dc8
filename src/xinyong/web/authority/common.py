"""What the credit authority's pages share: their audience and the change through a service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.approvals.kinds import KINDS
from xinyong.approvals.repository import latest_decision_on
from xinyong.approvals.rules import needs_approval
from xinyong.catalog.service import published_catalog
from xinyong.core import labels
from xinyong.models import DecisionOutcome, Department, Role
from xinyong.rights.step import Step
from xinyong.web.forms import (
    Problem,
    attempt,
    page,
    page_visitor,
    redirect,
    request_now,
    request_step,
)
from xinyong.web.site import audience
from xinyong.web.staffing import prepare

AUTHORITY = audience(Role.authority)


# A catalog, a measures list or a calendar year as a file: generous, but bounded.
MAX_UPLOAD = 5 * 1024 * 1024


R = TypeVar("R")


def change(
    request: Request,
    session: Session,
    service: Callable[..., R],
    *args: Any,
    fields: dict[str, str] | None = None,
    **kwargs: Any,
) -> R:
    """A change through the service the API calls, by the visitor, now; its refusal is the
    form's problem, at the path in the document it names."""
    actor = page_visitor(request).principal.actor
    return attempt(
        session,
        lambda: service(session, *args, actor=actor, now=request_now(request), **kwargs),
        fields,
        path=True,
    )


def refill(text: str) -> str:
    return text if len(text) <= 1_000_000 else ""


# ---- The procedure pages (objections, appeals, repairs, list entries, tasks)

# Rows of a table on one page.
PAGE_ROWS = 50

LABELS = {
    "task_kinds": labels.TASK_KINDS,
    "entry_states": labels.ENTRY_STATES,
    "list_kinds": labels.LIST_KINDS,
    "exit_reasons": labels.EXIT_REASONS,
    "step_names": labels.STEP_NAMES,
    "objection_states": labels.OBJECTION_STATES,
    "objection_outcomes": labels.OBJECTION_OUTCOMES,
    "objection_grounds": labels.OBJECTION_GROUNDS,
    "appeal_states": labels.APPEAL_STATES,
    "appeal_outcomes": labels.APPEAL_OUTCOMES,
    "procedure_names": labels.PROCEDURE_NAMES,
    "procedure_steps": labels.PROCEDURE_STEPS,
    "appeal_steps": labels.APPEAL_STEPS,
    "repair_states": labels.REPAIR_STATES,
    "repair_ways": labels.REPAIR_WAYS,
    "evidence_kinds": labels.EVIDENCE_KINDS,
    "document_kinds": labels.DOCUMENT_KINDS,
    "standings": labels.STANDING_NAMES,
}


def console_page(
    request: Request, name: str, *, status_code: int = 200, **context: Any
) -> Response:
    """A procedure page of the console, with the labels of the codes it shows."""
    return page(request, name, status_code=status_code, labels=LABELS, **context)


def pages_of(total: int) -> int:
    return max(1, -(-total // PAGE_ROWS))


def item_labels(session: Session, item_code: str) -> tuple[str, dict[str, str]]:
    """A catalog item's name and the Chinese label of each of its fields."""
    catalog = published_catalog(session)
    item = catalog.items.get(item_code) if catalog is not None else None
    if item is None:
        return "信用记录", {}
    return item.spec.name, {f.name: f.label for f in item.spec.fields}


def department_names(session: Session) -> dict[str, str]:
    return {d.code: d.name for d in session.execute(select(Department)).scalars()}


# ---- A procedure step taken from a form

# A step of a procedure as the pages take it: (session, step, the procedure's id, the form's
# values) → the service's answer. Each is a small function of its page module
# (``_refer_objection`` …); a decision is a :class:`Decision` (two persons).
Act = Callable[[Session, Step, int, dict[str, Any]], Any]


@dataclass(frozen=True)
class Decision:
    """A decision of the authority that takes two persons when a person acts under its own name
    (approvals/kinds.py): ``parse`` reads the form's values into the kind's payload (a bad
    value is the form's Problem); the kind's executor takes it — alone (a shared account, a
    token), or at a 审核's approval."""

    kind: str
    parse: Callable[[dict[str, Any]], dict[str, Any]]

    def act(self, session: Session, step: Step, target_id: int, values: dict[str, Any]) -> Any:
        return KINDS[self.kind].execute(session, step, target_id, self.parse(values))

    def shown(self, request: Request, session: Session, target_id: int) -> dict[str, Any]:
        """What a page says of the decision: one waiting (its form is not offered), one
        returned (its reason beside the form), and whether the form prepares it."""
        latest = latest_decision_on(session, self.kind, target_id)
        return {
            "pending": latest if latest is not None and latest.outcome is None else None,
            "returned": (
                latest
                if latest is not None and latest.outcome == DecisionOutcome.returned
                else None
            ),
            "two_person": needs_approval(page_visitor(request).principal),
        }


def take_step(
    request: Request,
    session: Session,
    act: Act | Decision,
    procedure_id: int,
    values: dict[str, Any],
    *,
    again: Callable[[Problem], Response],
    then: str,
) -> Response:
    """Take the step by the visitor, now, in a savepoint: done, 303 to ``then``; refused
    (bad input, or the service's refusal), ``again`` re-renders the form with the message.
    A :class:`Decision` by a person under its own name is prepared instead, for a 审核 of the
    authority (待审核): 303 to ``then``'s page with ``done=prepared``."""
    try:
        if isinstance(act, Decision) and needs_approval(page_visitor(request).principal):
            prepare(request, session, act.kind, procedure_id, act.parse(values))
            return redirect(then.split("?", 1)[0], done="prepared")
        step = act.act if isinstance(act, Decision) else act
        attempt(session, lambda: step(session, request_step(request), procedure_id, values))
    except Problem as problem:
        return again(problem)
    return RedirectResponse(then, status_code=303)
