"""Named reads of the measures table for the pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import Measure


def measure_specs_by_code(session: Session, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The spec of each measure code (a retired measure's too: a check may have reached it)."""
    return {
        m.code: m.spec
        for m in session.execute(select(Measure).where(Measure.code.in_(set(codes)))).scalars()
    }
