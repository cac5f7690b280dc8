"""Credit commitments (信用承诺) under /api/v1: the item list, signing, fulfilment."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from xinyong.commitments import grouped, items, rules, service
from xinyong.commitments.schemas import (
    CommitmentIn,
    CommitmentItemOut,
    CommitmentItemsIn,
    CommitmentOut,
    DocumentsIn,
    FulfilmentIn,
    RevocationIn,
    WithdrawalIn,
)
from xinyong.core.api import (
    BigId,
    caller_token,
    check_caller,
    clock,
    current_principal,
    cursor,
    db_session,
    endpoint,
)
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.group_commit import GroupWriter
from xinyong.models import Role
from xinyong.records.service import CollectionContext
from xinyong.rights.endpoints import request_step
from xinyong.rights.step import Step

router = APIRouter(tags=["commitments"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
SIGNERS = rules.TRANSITIONS["signed"].by
DEPARTMENTS = rules.DEPARTMENTS
READERS = (Role.subject, Role.provider, Role.user_department, Role.authority)
NOT_FOUND = {404: ["unknown_commitment"]}
# How long a signing waits for its group's commit (core/group_commit.GroupWriter.run).
SIGNING_TIMEOUT = 60.0


@router.get(
    "/commitment-items",
    response_model=list[CommitmentItemOut],
    **endpoint(*EVERYONE, summary="The commitment item list (信用承诺事项清单)"),
)
def get_commitment_items(session: Session = db_session) -> list[CommitmentItemOut]:
    """Each item with its type, the procedure it belongs to, the subjects it applies to, the
    accepting sector, its legal basis, whether its commitments are published, how and by when
    fulfilment is verified, what a breach leads to, and its current standard text with the
    text's version (002 §（一）; 004 §3)."""
    return items.items_out(session)


@router.post(
    "/commitment-items",
    **endpoint(
        Role.authority,
        errors={422: ["unknown_breach_item", "breach_item_not_provided"]},
        summary="Publish the commitment item list",
    ),
)
def post_commitment_items(
    body: CommitmentItemsIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict:
    """The whole list: new and revised items get a new version, a changed standard text a new
    template version (commitments signed before keep theirs); items left out are retired."""
    return items.publish_commitment_items(
        session, body, actor=principal.actor, now=clock(request).now()
    )


@router.post(
    "/commitments",
    status_code=201,
    response_model=CommitmentOut,
    **endpoint(
        *SIGNERS,
        caller_in_write=CommitmentIn,
        errors={
            403: ["not_your_subject", "not_accepting_department"],
            404: ["subject_not_found"],
            409: [
                "template_not_current",
                "commitment_pending",
                "file_in_use",
                "calendar_year_unknown",
                "not_eligible",
            ],
            422: [
                "unknown_commitment_item",
                "item_not_applicable",
                "missing_department",
                "unknown_department",
                "department_not_accepting",
                "not_confirmed",
                "missing_subject",
                "invalid_credit_code",
                "invalid_id_number",
                "unknown_file",
                "missing_documents_required",
                "missing_documents_not_applicable",
            ],
        },
        summary="Sign a commitment (作出信用承诺)",
    ),
)
async def post_commitment(body: CommitmentIn, request: Request) -> CommitmentOut:
    """A subject signs online for itself: it names the accepting `department`, the
    `template_version` it read (409 `template_not_current` if a newer text was published) and
    `confirmed: true`; the rendered text is stored whole with its SHA-256, the account and the
    time, and waits for the department's acceptance. A department records a paper commitment
    for the `subject` it names (with the scan as `evidence_file_id`), accepted at once. The
    deadline of fulfilment follows the item's verification period, in working days by the
    official calendar where its basis says so. One pending commitment per subject, item and
    `reference` (409 `commitment_pending`). A 容缺受理 item (type `missing_documents`) names
    the `missing_documents`, and is stored only for a subject eligible for it (409
    `not_eligible`, `detail.reasons` with their basis; nothing stored)."""
    token, now = caller_token(request), clock(request).now()
    ctx: CollectionContext = request.app.state.collection

    def signing(session: Session) -> CommitmentOut:
        # The caller first: its token, read with the group's, and its role (the door let a
        # valid body through unread: core/api.py caller_in_write).
        principal = check_caller(SIGNERS, grouped.caller(session, token))
        return service.sign_answered(session, Step(ctx, principal, now), body)

    # Committed in a group with the signings that arrive meanwhile, each in a savepoint of its
    # own (core/group_commit.py): a refused one stores nothing and gets its own error. The
    # group reads what its signings need once for all (grouped.prepare_signings); the request
    # waits for it on the event loop, not in a thread.
    writer: GroupWriter = request.app.state.signings
    done = writer.submit(
        signing,
        prepare=grouped.prepare_signings,
        hint=grouped.signing_hint(token, body, local_date(now)),
    )
    return await asyncio.wait_for(asyncio.wrap_future(done), SIGNING_TIMEOUT)


@router.get(
    "/commitments",
    response_model=list[CommitmentOut],
    **endpoint(*READERS, summary="Commitments: the subject's own, the department's, or all"),
)
def get_commitments(
    state: Literal["pending", "fulfilled", "breached", "false", "withdrawn"] | None = Query(
        default=None
    ),
    item: str | None = Query(default=None, max_length=64),
    after: int | None = cursor("commitment id to continue after"),
    limit: int = Query(default=100, ge=1, le=1000),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[CommitmentOut]:
    """A subject sees its own commitments, a department those made to it, the authority every
    one; oldest first, `after` the last id of the page before."""
    rows = service.find_commitments(
        session, principal, state=state, item=item, after=after, limit=limit
    )
    return [service.commitment_out(session, c) for c in rows]


@router.get(
    "/commitments/{commitment_id}",
    response_model=CommitmentOut,
    **endpoint(*READERS, errors=NOT_FOUND, summary="A commitment, with its steps"),
)
def get_commitment(
    commitment_id: BigId,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CommitmentOut:
    """For the subject itself, its accepting department and the authority; 404 for anyone
    else."""
    return service.commitment_out(
        session, service.get_commitment(session, principal, commitment_id)
    )


STEP_ERRORS = {
    403: ["not_accepting_department"],
    404: ["unknown_commitment"],
    409: ["invalid_state"],
}


@router.post(
    "/commitments/{commitment_id}/acceptance",
    response_model=CommitmentOut,
    **endpoint(
        *DEPARTMENTS,
        errors={**STEP_ERRORS, 409: ["invalid_state", "calendar_year_unknown", "not_eligible"]},
        summary="Accept a commitment signed online",
    ),
)
def post_acceptance(
    commitment_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CommitmentOut:
    """The accepting department accepts a pending commitment (409 `invalid_state`,
    `detail.reason` `already_accepted`, if it was). A 告知承诺 (`approval_substitute`) is granted
    on: its verification (`commitment_verification`) opens on the department's task queue, due
    at the end of the item's verification period counted from the day after. A 容缺受理 only
    while the subject is eligible for it (409 `not_eligible`)."""
    c = service.accept(session, request_step(request, principal), commitment_id)
    session.flush()
    return service.commitment_out(session, c)


@router.post(
    "/commitments/{commitment_id}/fulfilment",
    response_model=CommitmentOut,
    **endpoint(
        *DEPARTMENTS,
        errors={
            **STEP_ERRORS,
            409: ["invalid_state", "file_in_use", "calendar_year_unknown"],
            422: ["missing_decision_number", "unknown_file"],
        },
        summary="Determine a commitment's fulfilment (履约认定)",
    ),
)
def post_fulfilment(
    commitment_id: BigId,
    body: FulfilmentIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CommitmentOut:
    """The accepting department, after acceptance: `fulfilled`; `breached` (once the deadline
    is over: its last day is still in it; else 409 `invalid_state`, `detail.reason`
    `not_yet_due`); or `false` (虚假承诺). A breach or a false commitment needs the decision's
    `decision_number` and writes the negative record the item list names, with its severity
    (Measures art. 12（六）), linked as `record_id`. Any outcome closes a 告知承诺's
    verification task; `false` or `breached` opens its revocation (`licence_revocation`, due in
    20 working days) on the department's queue."""
    c = service.fulfil(session, request_step(request, principal), commitment_id, body)
    session.flush()
    return service.commitment_out(session, c)


@router.post(
    "/commitments/{commitment_id}/documents",
    response_model=CommitmentOut,
    **endpoint(
        *DEPARTMENTS,
        errors={
            **STEP_ERRORS,
            409: ["invalid_state", "file_in_use"],
            422: ["unknown_document", "unknown_file"],
        },
        summary="Record documents of a 容缺受理 supplied (补齐容缺材料)",
    ),
)
def post_documents(
    commitment_id: BigId,
    body: DocumentsIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CommitmentOut:
    """The accepting department records `documents` (names among the commitment's
    `missing_documents`; else 422 `unknown_document`) supplied up to the deadline, its last
    day included; when none is outstanding the commitment is fulfilled. After the deadline
    409 `invalid_state` (`detail.reason` `past_due`): the daily jobs write the breach the day
    after it; on a commitment that is no 容缺受理, `not_missing_documents`."""
    c = service.supply_documents(session, request_step(request, principal), commitment_id, body)
    session.flush()
    return service.commitment_out(session, c)


@router.post(
    "/commitments/{commitment_id}/withdrawal",
    response_model=CommitmentOut,
    **endpoint(Role.subject, errors=STEP_ERRORS, summary="Withdraw a commitment"),
)
def post_withdrawal(
    commitment_id: BigId,
    body: WithdrawalIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CommitmentOut:
    """The subject withdraws its own commitment before the department accepts it (409
    `invalid_state`, `detail.reason` `already_accepted`, after)."""
    c = service.withdraw(session, request_step(request, principal), commitment_id, body)
    session.flush()
    return service.commitment_out(session, c)


@router.post(
    "/commitments/{commitment_id}/revocation",
    response_model=CommitmentOut,
    **endpoint(
        *DEPARTMENTS,
        errors=STEP_ERRORS,
        summary="Record the revocation of a grant on a commitment (撤销许可)",
    ),
)
def post_revocation(
    commitment_id: BigId,
    body: RevocationIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CommitmentOut:
    """The accepting department records that it revoked what it granted on a 告知承诺 found
    false or not kept, with the decision's `decision_number`: a step `revocation_recorded`, and
    its `licence_revocation` task closed. Once only, and only then (409 `invalid_state`,
    `detail.reason` `no_revocation_due` or `already_revoked`)."""
    c = service.record_revocation(session, request_step(request, principal), commitment_id, body)
    session.flush()
    return service.commitment_out(session, c)
