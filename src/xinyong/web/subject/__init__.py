"""Pages: the subject's console (我的信用, issue 5 § 2 and § 3). Audience: subject — a person's
account bound to its subject (credit code or ID number). The public is sent to log in; any other
role gets the 403 page. Every page shows the logged-in subject's own information only; another
subject's objection, repair, document, evidence file or grant is the 404 page, as if it did not
exist.

Every page calls the service functions the API endpoints call, in the request's session, as the
person's principal (``user:NAME`` in the audit log):

- ``/me``: identity and the whole archive (subjects/archive.read_archive: every disclosure
  class, full ID numbers of its own), each record with its standing and the mark of an open
  objection (异议处理中), with links to object or apply for repair; its list entries; the
  documents issued to it (rights/documents), each readable at ``/me/documents/{id}``.
- ``/me/evaluation`` (its grade also on ``/me``): its public credit evaluation
  (evaluation/explain.explain_subject): grade, score, model, day, field grades, every point
  traced to the rows that gave it (linked to where the console shows them), its grade
  history, and the way to object to the result.
- ``/me/objections``, ``/me/objections/new?record=…|entry=…``, ``/me/objections/{id}``: file
  an objection with its evidence files (rights/evidence.store, then objections/service
  .file_objection with their ids, as POST /api/v1/objections); follow it (state, due dates,
  timeline, outcome, documents) and appeal a rejection (objections/appeals.file_appeal).
- ``/me/repairs``, ``/me/repairs/new?record=…|entry=…``, ``/me/repairs/{id}``: apply for
  credit repair (repairs/service.apply), each failed condition of Measures art. 34 explained;
  follow it and appeal a refusal.
- ``/me/commitments``: the items that apply to it, signing one online (the whole text read
  and confirmed), its commitments with their state and timeline, withdrawal before acceptance
  (commitments/service).
- ``/me/authorisations``: grant and revoke authorised queries (authorisations/service).
- ``/me/declarations``: self-declaration (declarations/service): the category's form with its
  attachments and the truthfulness commitment, the list, one declaration with its timeline.
- ``/me/reports``: its own credit reports (credit_reports/service.issue_own, free: Measures
  art. 7), issued as of now or a past day, downloaded signed as PDF or JSON.
- ``/me/government``: a government body's own 政务失信 cases (government/service): its
  written explanation, its rectification report, the payments of an unpaid bill.
- ``/me/warnings``: the risk warnings addressed to it, each with why (risk/service).
- ``/me/queries``: every read of its non-public information (authorisations/service
  .queries_of): who, when, for what purpose.

Forms POST with the session's CSRF token; bad input — a missing statement, a file that is not a
PDF, JPEG or PNG or is larger than 20 MB, an ineligible repair, an invalid grant period —
re-renders the form with each message (4xx), never a 500.

A module per group of pages (me, documents, objections, repairs, appeals, authorisations,
queries), each with its router, assembled here into the one router of the audience; what they
share is in common (the labels, the record or entry a procedure is about) and uploads (the
multipart forms with evidence files); the forms' plumbing is web/forms.
"""

from __future__ import annotations

from fastapi import APIRouter

from xinyong.web.subject import (
    appeals,
    authorisations,
    commitments,
    declarations,
    documents,
    evaluation,
    government,
    me,
    objections,
    queries,
    repairs,
    reports,
    warnings,
)
from xinyong.web.subject.uploads import MAX_FORM_BYTES

__all__ = ["MAX_FORM_BYTES", "router"]

router = APIRouter(include_in_schema=False)
for module in (
    me,
    evaluation,
    documents,
    objections,
    repairs,
    appeals,
    commitments,
    declarations,
    authorisations,
    reports,
    government,
    warnings,
    queries,
):
    router.include_router(module.router)
