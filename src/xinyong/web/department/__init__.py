"""Pages: the department console (部门工作台, issue 5 § 4). Audience: provider and
user_department — the credit authority has its own console (web/authority). The public is
sent to log in; any other role gets the 403 page.

Every page calls the service functions the API endpoints call, in the request's session, as
the logged-in person's principal (``user:NAME`` in the audit log); one module per part of the
console, as templates/department/ has them:

- ``/department`` (overview): open tasks (soonest due, overdue marked), list entries by state,
  recent batches and checks.
- ``/department/tasks`` (tasks): the task queue, filtered by kind, overdue and state, each task
  linking to its procedure.
- ``/department/batches`` (batches, provider): upload a CSV / JSONL / XLSX file into the
  collection of ``POST /api/v1/records/batches``; each batch's report with a CSV of its row
  errors.
- ``/department/lists`` and ``/department/lists/entries/{id}`` (lists, provider): the
  department's list entries and each entry's workflow.
- ``/department/check`` and ``/department/checks/{id}`` (checks): the check of one subject, a
  pasted list or a CSV of keys, and the feedback form per measure.
- ``/department/evaluation`` (evaluation): a subject's grade, its grade for the department's
  field and every point traced, looked up inside a procedure: the purpose required and logged.
- ``/department/objections`` (objections) and ``/department/repairs`` (repairs), provider:
  objections referred to it for verification, repairs awaiting its opinion and objections in a
  repair's notice; the evidence files of those procedures.
- ``/department/commitments`` (commitments): the department's items of the commitment item
  list, the commitments made to it, acceptance and the determination of fulfilment, a paper
  commitment with its scan and the 容缺受理 acceptance (commitments/service).
- ``/department/declarations`` (declarations): self-declarations routed to the department,
  each with its attachments, the platform's findings and the verification form.
- ``/department/complaints`` (complaints): complaints (失信举报) routed to the department, each
  with its attachments and the forms of its steps; the informant's contact read with a purpose.
- ``/department/inspections`` (inspections): 双随机、一公开 — the department's plans and its
  results overdue, a new plan, one plan with its publication, draw and results entry, and the
  inspector pool (``/department/inspections/pool``).
- ``/department/relations`` (relations): related parties — the organisations flagged within
  two links of a black-listed subject, with the path, and one subject's related parties
  looked up with a purpose.
- ``/department/quality`` (quality, provider): data quality — the department's quality score,
  its items overdue by their update cycle with 零报送, the findings of the checks on its
  records, each confirmed, corrected (a new record replaces it) or withdrawn.
- ``/department/approvals`` (approvals): 待审核 — decisions a person prepared (confirming a list
  entry, verifying an objection), approved or returned by another, a 审核 (issue 14).
- ``/department/oversight`` (oversight) and ``/department/notices`` (notices): the
  department's own figures of the monthly reports and its assessment of the year so far; the
  notices sent to it, each acknowledged by a person of it (docs/oversight.md).
- ``/department/staff`` (staff): the department's people, managed by its administrator.

Forms POST with the session's CSRF token; bad input re-renders the form with the field's
message (4xx), never a 500. A full ID number is never shown: subjects appear by credit code or
masked ID number.
"""

from __future__ import annotations

from fastapi import APIRouter

from xinyong.web.department import (
    approvals,
    batches,
    checks,
    commitments,
    complaints,
    declarations,
    evaluation,
    government,
    inspections,
    lists,
    notices,
    objections,
    oversight,
    overview,
    quality,
    relations,
    repairs,
    staff,
    tasks,
)
from xinyong.web.department.batches import MAX_BATCH_BYTES
from xinyong.web.department.checks import MAX_KEYS_BYTES

__all__ = ["MAX_BATCH_BYTES", "MAX_KEYS_BYTES", "router"]

router = APIRouter(include_in_schema=False)
for part in (
    overview,
    tasks,
    batches,
    lists,
    checks,
    evaluation,
    objections,
    repairs,
    commitments,
    declarations,
    complaints,
    inspections,
    relations,
    government,
    quality,
    approvals,
    staff,
    oversight,
    notices,
):
    router.include_router(part.router)
