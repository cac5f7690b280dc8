"""Pages: the credit authority's console (issue 5 § 5, § 6). Audience: authority — the public is
sent to log in, every other role gets 403. One module per page, as templates/authority/ has
them:

- ``/authority`` (dashboard): records collected per department and month, rejection rates,
  overdue procedures, checks and feedback, this month's 双公示 timeliness.
- ``/authority/catalog``, ``/authority/measures``, ``/authority/calendar``,
  ``/authority/departments``: the same services the API calls (catalog, measures, calendar,
  departments), every change a POST with the session's CSRF token; bad input re-renders the
  form with the field's message.
- ``/authority/commitments``: the commitment item list with its standard texts and their
  versions, fulfilment statistics per item and per department, publishing a revised list.
- ``/authority/dual-publicity``: the monthly 双公示 notice (reports/dual_publicity.py), with its
  CSVs and printable page.
- ``/authority/governance``: 专项治理 statistics (reports/governance.py) — failing organisations
  per month by industry section, a section's cities, a city's subjects, each as CSV.
- ``/authority/relations``: related parties (relations/) — the organisations the latest scan
  flagged near a black-listed subject with their paths, a subject's related parties with a
  purpose, and the scan run now.
- ``/authority/quality``: data quality — every provider's quality score of a month with its
  findings by rule and overdue items, the findings, the rules in force (quality/).
- ``/authority/objections``, ``/authority/appeals``, ``/authority/repairs``,
  ``/authority/entries``, ``/authority/tasks``: the procedure steps that are the authority's
  (or the platform's) to take — referral, review decision and correction of an objection, an
  appeal's decision, an objection in a repair's notice, the revocation of a wrongful listing —
  through the services the API calls, and the task queue with its overdue steps.
- ``/authority/declarations``: every self-declaration by category, state, department and
  overdue; the verification of those on the authority's own queue.
- ``/authority/objections/new``: an objection filed at the authority's counter for a subject.
- ``/authority/evaluation``, ``/authority/evaluation/models/{id}``: the public credit
  evaluation — the grade distribution now and over the full runs (with its card on the
  dashboard), the runs with their drift, the models, the graded supervision ratios in force.
- ``/authority/batches``, ``/authority/checks``: the batches and checks behind the
  dashboard's counts (every count links to its items).
- ``/authority/oversight``, ``/authority/oversight/assessment``, ``/authority/notices``: the
  oversight of departments (docs/oversight.md) — the month's reports of collection and use, the
  monthly notices and who acknowledged them, the annual assessment's ranking and breakdown.
- ``/authority/staff``, ``/authority/approvals``: the authority's own people and its 待审核
  (web/staffing.py, as the department console's).
"""

from __future__ import annotations

from fastapi import APIRouter

from xinyong.web.authority import (
    activity,
    appeals,
    approvals,
    calendar,
    catalog,
    commitments,
    complaints,
    counter,
    dashboard,
    declarations,
    departments,
    dual_publicity,
    entries,
    evaluation,
    governance,
    government,
    measures,
    notices,
    objections,
    oversight,
    quality,
    relations,
    repairs,
    staff,
    tasks,
)
from xinyong.web.authority.common import MAX_UPLOAD

__all__ = ["MAX_UPLOAD", "router"]

router = APIRouter(include_in_schema=False)
for part in (
    dashboard,
    catalog,
    measures,
    commitments,
    calendar,
    departments,
    dual_publicity,
    governance,
    relations,
    government,
    quality,
    tasks,
    counter,
    objections,
    appeals,
    repairs,
    entries,
    declarations,
    complaints,
    evaluation,
    activity,
    staff,
    approvals,
    oversight,
    notices,
):
    router.include_router(part.router)
