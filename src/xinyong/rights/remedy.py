"""The remedy of a wrongful listing, whichever procedure found it — an upheld objection or
appeal (objections/), or the identifying department's own finding that it listed in error
(lists/service.exit_entry with reason ``revocation``).

003 联合奖惩 §（二十四）: 因工作失误导致 … 被误列入“黑名单”的 … 及时更正 … 书面道歉并进行澄清，
恢复其名誉; 被误列入“红名单”的 … 收回其受到联合激励获得的权益. The entries have already left
their lists (measures stop at once, a red entry is flagged for recall: lists/service._exit);
what follows here is the rest: the failure that the black listing wrote into the archives of
the organisation's persons falls with it (Measures art. 29), and the subject receives the
written apology and clarification — or, for a red listing alone, a clarification that names
the recall — kept among its documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from xinyong.core.citations import cite
from xinyong.core.clock import local_date
from xinyong.core.labels import DOCUMENT_KINDS
from xinyong.lists.repository import steps_of as steps_of_entry
from xinyong.models import (
    CreditList,
    Department,
    EntryState,
    ListEntry,
    ListKind,
    Standing,
    Subject,
)
from xinyong.records.repository import active_records_in_batches_for_update
from xinyong.records.standing import change_standing
from xinyong.rights import documents
from xinyong.rights.step import Procedure, Step


@dataclass(frozen=True)
class Finding:
    """What the procedure found, in the words the documents use."""

    procedure: str  # "objection", "list_entry" …: the procedure the documents belong to
    of: Procedure  # its row
    reference: str  # how the documents' titles name it: "异议 12", "名单条目 34"
    finding: str  # the sentence that opens the letter after the subject's name
    reason: str
    record_note: str | None = None  # what becomes of the records the listing rested on


def remedy(
    session: Session, step: Step, found: Finding, revoked: list[tuple[ListEntry, EntryState]]
) -> list[str]:
    """Revoke the related persons' records and issue the letter, for ``revoked`` — each entry
    with its state before it left. Returns the ids of the persons' records revoked."""
    related = _revoke_related_person_records(session, step, found, [e for e, _ in revoked])
    _issue_letter(session, step, found, revoked)
    return related


def _revoke_related_person_records(
    session: Session, step: Step, found: Finding, entries: list[ListEntry]
) -> list[str]:
    """A wrongful black listing also wrote the failure into the archives of the organisation's
    legal representative, principal and responsible persons (Measures art. 29;
    lists/service._record_related_persons): those records fall with it."""
    revoked: list[str] = []
    for entry in entries:
        batches = [
            int(s.detail["batch_id"])
            for s in steps_of_entry(session, entry)
            if s.step == "related_persons_recorded" and "batch_id" in s.detail
        ]
        if not batches:
            continue
        for record in active_records_in_batches_for_update(session, batches):
            change_standing(
                session,
                step,
                record,
                Standing.revoked,
                procedure=found.procedure,
                reason=f"名单条目 {entry.id} 经核实撤销：{found.reason}",
                detail={f"{found.procedure}_id": str(found.of.id), "entry_id": str(entry.id)},
            )
            revoked.append(str(record.id))
    return revoked


def _issue_letter(
    session: Session, step: Step, found: Finding, revoked: list[tuple[ListEntry, EntryState]]
) -> None:
    """书面道歉并进行澄清 for an adverse listing (black, watch); for a red listing alone the
    seed asks no apology, so the subject gets a clarification that names the recall."""
    subject = session.get_one(Subject, found.of.subject_id)
    adverse = any(e.kind is not ListKind.red for e, _ in revoked)
    lines = []
    for entry, before in revoked:
        lst = session.get_one(CreditList, entry.list_id)
        dept = session.get_one(Department, entry.department_id)
        if before == EntryState.listed and entry.confirmed_at is not None:
            since = f"自 {local_date(entry.confirmed_at).isoformat()} 起被列入"
        else:
            since = f"自 {local_date(entry.created_at).isoformat()} 起被拟列入"
        line = (
            f"· “{lst.spec['name']}”名单条目 {entry.id}"
            f"（认定单位：{dept.name}，认定事由：{entry.reason}）：{since}，"
            f"已于 {step.today.isoformat()} 撤销，相关联合奖惩措施即时停止。"
        )
        if entry.kind is ListKind.red:
            line += "因误列入红名单而获得的激励权益，将依法予以收回。"
        lines.append(line)
    opening = f"{subject.name}：\n{found.finding}{found.reason}\n"
    if adverse:
        kind = "apology"
        opening += (
            "因我们的工作失误，你（单位）被错误列入以下名单，特此书面致歉并予以澄清，恢复你（单位）"
            f"的名誉（{cite('003 联合奖惩 §（二十四）')}）："
        )
    else:
        kind = "clarification"
        opening += "以下名单条目系错误认定，予以撤销并澄清："
    title = f"{DOCUMENT_KINDS[kind]}（{found.reference}）"
    body = [opening, *lines]
    if found.record_note:
        body.append(found.record_note)
    documents.issue(
        session, step, found.procedure, found.of, kind=kind, title=title, body="\n".join(body)
    )
