"""Transaction-scoped named locks, so that work keyed by a name runs once across processes."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def advisory_xact_lock(session: Session, name: str) -> None:
    """Held until the transaction ends. On PostgreSQL an advisory lock; SQLite has one writer
    at a time already, which the embedded default relies on (docs/architecture.md)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name})


def try_advisory_xact_lock(session: Session, name: str) -> bool:
    """Take the lock if it is free, without waiting; False if another transaction holds it.
    On SQLite always True: there the one writer's lock is what a holder has (callers that
    must answer "busy" look at their own rows there)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.execute(
            text("SELECT pg_try_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name}
        ).scalar_one()
    )
