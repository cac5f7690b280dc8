"""What the department's and the authority's related-party pages show alike (web/department
and web/authority relations.py): the organisations the latest scan flagged within two links of
a black-listed subject, each with its path, and the related parties of one subject looked up
with a purpose (relations/service; government-shared, each read logged with its purpose,
004 §14)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from xinyong.checks.rules import require_purpose
from xinyong.errors import XinyongError
from xinyong.relations.service import read_flags, related_subjects
from xinyong.subjects.service import find_visible_subject
from xinyong.web.forms import page_number, page_visitor, request_now


def relations_context(
    request: Request,
    session: Session,
    *,
    key: str,
    purpose: str,
    page: str,
    rows: int,
    flags_purpose: str,
) -> tuple[dict[str, Any], int]:
    """The page's context and status: the flags, nearest first, paged by ``rows`` (the read
    logged with ``flags_purpose``: the console's); with a key and a purpose, that subject's
    related parties (a refused look-up: its message, 4xx)."""
    v = page_visitor(request)
    now = request_now(request)
    number = page_number(page)
    related, error, status = None, None, 200
    if key.strip():
        try:
            reason = require_purpose(purpose)
            db = request.app.state.db
            subject = find_visible_subject(
                session, key.strip(), v.principal, cipher=db.cipher, today=now.date()
            )
            related = related_subjects(
                session, subject, actor=v.principal.actor, now=now, purpose=reason
            )
        except XinyongError as exc:
            error, status = exc.message, exc.status
    flags = read_flags(
        session,
        actor=v.principal.actor,
        now=now,
        purpose=flags_purpose,
        limit=rows,
        offset=(number - 1) * rows,
    )
    context = {
        "section": "relations",
        "flags": flags,
        "related": related,
        "error": error,
        "form": {"key": key, "purpose": purpose},
        "page": number,
        "pages": max(1, -(-flags.total // rows)),
    }
    return context, status
