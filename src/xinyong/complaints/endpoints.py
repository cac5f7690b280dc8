"""Complaints and tip-offs (失信举报) under /api/v1: the filing form's options, filing (anyone,
limited per address), the informant's receipt, and the competent department's and the
authority's reads and steps."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.complaints import reading, repository, service
from xinyong.complaints.rules import HANDLERS, MAX_ATTACHMENTS, shown_receipt
from xinyong.complaints.schemas import (
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintOptionsOut,
    ComplaintsOut,
    ComplaintStepIn,
    DepartmentCountOut,
    FiledOut,
    InformantOut,
    ReceiptIn,
    ReceiptOut,
)
from xinyong.core.api import (
    BigId,
    clock,
    current_principal,
    db_session,
    endpoint,
    json_part,
    page_offset,
)
from xinyong.core.auth import PUBLIC, Principal
from xinyong.core.clock import local_date
from xinyong.core.ratelimit import RATE_LIMITED, anonymous_lookup, client_address
from xinyong.models import Role
from xinyong.rights import evidence
from xinyong.rights.endpoints import request_step

router = APIRouter(tags=["complaints"])

EVERYONE = tuple(Role)
CHUNK = 1 << 20
STEP_ERRORS = {
    403: ["not_competent_department"],
    404: ["unknown_complaint"],
    409: [
        "complaint_closed",
        "complaint_already_accepted",
        "complaint_not_accepted_yet",
        "complaint_already_extended",
        "complaint_period_over",
        "complaint_not_extendable",
        "already_there",
        "calendar_year_unknown",
    ],
}


@router.get(
    "/complaint-options",
    response_model=ComplaintOptionsOut,
    **endpoint(*EVERYONE, summary="What a complaint names: sectors, departments, periods"),
)
def get_complaint_options(request: Request, session: Session = db_session) -> ComplaintOptionsOut:
    """The sectors a failure may be reported under, the departments one may name, and the
    handling periods with their basis (acceptance, then handling from acceptance), the
    attachments' limits."""
    return reading.options(session, request.app.state.db.settings)


def _read(file: UploadFile) -> service.Attachment:
    """One upload, read no further than its limit (413 ``file_too_large`` past 20 MB)."""
    data = bytearray()
    while chunk := file.file.read(CHUNK):
        data += chunk
        if len(data) > evidence.MAX_BYTES:
            raise evidence.too_large()
    return service.Attachment(
        filename=(file.filename or "file")[-200:], claimed=file.content_type, data=bytes(data)
    )


@router.post(
    "/complaints",
    status_code=201,
    response_model=FiledOut,
    **endpoint(
        *EVERYONE,
        errors={
            400: ["malformed_json"],
            409: ["calendar_year_unknown"],
            413: ["file_too_large", "body_too_large"],
            422: [
                "complaint_subject_required",
                "complaint_subject_ambiguous",
                "complaint_subject_name_required",
                "invalid_credit_code",
                "invalid_id_number",
                "invalid_happened_on",
                "informant_name_required",
                "informant_contact_required",
                "unknown_sector",
                "unknown_department",
                "too_many_attachments",
                "attachment_type_mismatch",
                "unsupported_attachment_type",
            ],
            **RATE_LIMITED,
        },
        summary="Report a subject's failure (失信举报), named or anonymous",
    ),
)
def post_complaint(
    request: Request,
    complaint: str = Form(
        description="the complaint as JSON (ComplaintIn): subject {credit_code | id_number, "
        "name}, facts, happened_on, place, sector, department, informant {name, phone, email, "
        "address} or null (anonymous)"
    ),
    files: list[UploadFile] = File(
        default=[],
        description=f"attachments: PDF, JPEG or PNG, at most 20 MB each, at most {MAX_ATTACHMENTS}",
    ),
    session: Session = db_session,
) -> FiledOut:
    """Anyone files, as `multipart/form-data`: the `complaint` part (JSON) and its
    attachments as `files`. The subject is an organisation by its `credit_code` or a person
    by `name` and `id_number`, checked with their check characters (422
    `complaint_subject_required`, `invalid_credit_code`, `invalid_id_number`). A named
    complaint gives `informant` (a name and a phone or an e-mail); `informant: null` is
    anonymous. Whoever sends it — a token or none — the complaint is the public's: nothing
    of the caller is kept, and the informant's identity is seen only by the department that
    handles it. It goes to the department named in `department`, else to the department of
    `sector` nearest the subject's region, else to the credit authority's queue, with the
    acceptance deadline (`accept_due_on`). The answer holds the `receipt_code`, shown this
    once: with it the informant follows the complaint (`POST /complaint-receipts`). Each
    client address may file `XINYONG_COMPLAINTS_PER_HOUR` an hour (429 `rate_limited`)."""
    body = json_part(ComplaintIn, complaint, "complaint", "举报内容")
    attachments = [_read(f) for f in files]
    limiter = request.app.state.complaints
    address = client_address(request)
    c, code = service.file_complaint(
        session,
        request_step(request, PUBLIC),
        body,
        attachments,
        admit=lambda: service.admit_filing(limiter, address),
    )
    session.flush()
    dept = reading.department_of(session, c)
    return FiledOut(
        receipt_code=shown_receipt(code),
        state=c.state.value,
        filed_at=c.filed_at,
        department_name=dept.name if dept else reading.AUTHORITY_QUEUE,
        accept_due_on=c.accept_due_on,
    )


@router.post(
    "/complaint-receipts",
    response_model=ReceiptOut,
    **endpoint(
        *EVERYONE,
        errors={404: ["unknown_receipt"], **RATE_LIMITED},
        summary="The informant follows a complaint by its receipt code",
    ),
)
def post_receipt(
    body: ReceiptIn, _: None = anonymous_lookup, session: Session = db_session
) -> ReceiptOut:
    """The progress of the complaint of `receipt_code` (any case, with or without hyphens):
    its state, the department handling it, the deadline running, and the department's
    replies to the informant — never who handled it, nor anything of the subject beyond what
    the informant wrote. A code not issued is 404 `unknown_receipt`. The code travels in the
    body, never in an address (addresses end up in logs and histories); anonymous callers are
    limited per address as every anonymous look-up."""
    return reading.receipt(session, body.receipt_code)


@router.get(
    "/complaints",
    response_model=ComplaintsOut,
    **endpoint(
        *HANDLERS,
        errors={422: ["unknown_department"]},
        summary="Complaints: the department's, or every one for the authority",
    ),
)
def get_complaints(
    request: Request,
    state: Literal[
        "open", "received", "accepted", "not_accepted", "substantiated", "unsubstantiated"
    ]
    | None = Query(default=None),
    overdue: bool = Query(default=False, description="only those past their deadline"),
    sector: str | None = Query(default=None, max_length=40),
    department: str | None = Query(
        default=None,
        max_length=64,
        description="authority only: a department's code, or `platform` for its own queue",
    ),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ComplaintsOut:
    """A department sees the complaints routed to it, the authority every one (or one
    department's, or its own queue's); soonest due first. `total` counts those that match,
    `overdue` those of them past the last day of their period. Without the informant's
    identity (`named` says whether there is one: GET /complaints/{id}/informant)."""
    today = local_date(clock(request).now())
    q = repository.ComplaintQuery(
        today=today, state=state, overdue=overdue, sector=sector, limit=limit, offset=offset
    )
    if principal.role is Role.authority and department == "platform":
        q = repository.ComplaintQuery(**{**q.__dict__, "authority_queue": True})
    elif principal.role is Role.authority and department is not None:
        dept = service.department_by_code(session, department)
        q = repository.ComplaintQuery(**{**q.__dict__, "department_id": dept.id})
    rows, total, late = service.complaint_page(session, principal, q)
    return ComplaintsOut(
        total=total,
        overdue=late,
        complaints=[reading.complaint_out(session, c, today) for c in rows],
    )


@router.get(
    "/complaints/overview",
    response_model=list[DepartmentCountOut],
    **endpoint(Role.authority, summary="Complaints per department: by state, open, overdue"),
)
def get_overview(request: Request, session: Session = db_session) -> list[DepartmentCountOut]:
    """For the authority's oversight (Measures art. 37, 40): per department and its own
    queue, the complaints by state, how many are open and how many overdue; most overdue
    first."""
    return reading.counts(session, local_date(clock(request).now()))


@router.get(
    "/complaints/{complaint_id}",
    response_model=ComplaintDetailOut,
    **endpoint(
        *HANDLERS, errors={404: ["unknown_complaint"]}, summary="A complaint, with its steps"
    ),
)
def get_complaint(
    complaint_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ComplaintDetailOut:
    """For the department it is routed to and the authority; 404 for anyone else — the
    subject named included."""
    c = service.get_complaint(session, principal, complaint_id)
    return reading.complaint_detail(session, c, local_date(clock(request).now()))


@router.post(
    "/complaints/{complaint_id}/steps",
    response_model=ComplaintDetailOut,
    **endpoint(
        *HANDLERS,
        errors={
            **STEP_ERRORS,
            422: [
                "complaint_text_required",
                "complaint_approval_required",
                "complaint_record_required",
                "record_not_negative",
                "unknown_record",
                "unknown_department",
                "unknown_item",
            ],
        },
        summary="A step of the department handling a complaint",
    ),
)
def post_step(
    complaint_id: BigId,
    body: ComplaintStepIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ComplaintDetailOut:
    """The department the complaint is routed to (the authority for its own queue; any, to
    refer): `accepted` (the handling period starts), `not_accepted` with its reason,
    `replied`, `referred` to the competent `department` (its acceptance period starts
    again), `extended` once before the handling period ends, with the reason and its
    `approval` (where the period's rule allows it), `unsubstantiated` with the reply, or
    `substantiated` with the reply and the department's own record — pushed now (`record`:
    item, fields, severity, determined_on; source id `complaint:{id}`, collected as every
    record, its row errors the answer's 422) or pushed already through the batch API
    (`record_source_id`) — linked to the complaint.
    Each step is on the complaint's timeline with its actor, in the audit log and on the
    feed; the informant reads the replies with the receipt code."""
    step = request_step(request, principal)
    c = service.take_step(session, step, complaint_id, body)
    session.flush()
    return reading.complaint_detail(session, c, step.today)


@router.get(
    "/complaints/{complaint_id}/informant",
    response_model=InformantOut,
    **endpoint(
        *HANDLERS,
        errors={
            403: ["not_competent_department"],
            404: ["unknown_complaint", "anonymous_complaint"],
            409: ["complaint_closed"],
            422: ["missing_purpose"],
        },
        summary="The informant's identity, for the department handling the complaint",
    ),
)
def get_informant(
    complaint_id: BigId,
    request: Request,
    purpose: str | None = Query(default=None, max_length=200),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> InformantOut:
    """The informant's name and contact, for the department handling the complaint while it
    is open (to verify what was reported), with the `purpose` of the read, logged
    (`complaint.informant_read`). The authority reads it only for its own queue; nobody
    reads it once the complaint is closed."""
    return service.read_informant(session, request_step(request, principal), complaint_id, purpose)


@router.get(
    "/complaints/{complaint_id}/files/{file_id}",
    response_class=Response,
    **endpoint(
        *HANDLERS,
        errors={404: ["unknown_complaint", "unknown_file"]},
        summary="An attachment of a complaint",
    ),
)
def get_file(
    complaint_id: BigId,
    file_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> Response:
    """For the department the complaint is routed to and the authority, the read audited."""
    row = service.complaint_file(session, request_step(request, principal), complaint_id, file_id)
    return Response(
        row.content,
        media_type=row.content_type,
        headers={"Content-Disposition": f'attachment; filename="file-{row.id}"'},
    )
