"""What a new database starts with: the default catalog, lists, measures list, validity
rule, commitment item list, warning rules and quality rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from xinyong.catalog.service import ensure_default_catalog
from xinyong.commitments.items import ensure_default_commitment_items
from xinyong.lists.service import ensure_default_lists, recite_lists
from xinyong.measures.service import ensure_default_measures, recite_measures
from xinyong.quality.ruleset import ensure_default_quality_rules
from xinyong.risk.service import ensure_default_risk_rules
from xinyong.validity.service import ensure_default_validity_rules


def ensure_defaults(session: Session, *, now: datetime) -> None:
    """Each part is published once, on a database that has none; later revisions are the
    authority's (catalog, lists, measures and validity-rule endpoints and CLI) — except that
    lists and measures whose texts still cite the seeds by file tag are published again with
    the documents named by title and number (issue 14; a new version each, once)."""
    ensure_default_catalog(session, now=now)
    ensure_default_lists(session, now=now)
    recite_lists(session, now=now)
    ensure_default_measures(session, now=now)
    recite_measures(session, now=now)
    ensure_default_validity_rules(session, now=now)
    ensure_default_commitment_items(session, now=now)
    ensure_default_risk_rules(session, now=now)
    ensure_default_quality_rules(session, now=now)
