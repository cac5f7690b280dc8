"""容缺受理 (accept with documents missing, 003 联合奖惩 §（八）; 001 §（一）; 002 §（一）): a
subject's eligibility read from the database, and what an acceptance with documents missing
must name. The rule itself is commitments/eligibility.py; the check answers the same
eligibility from its snapshot (checks/service.missing_documents_eligibility).

A commitment of type ``missing_documents`` names the documents missing (``missing_documents``)
and is stored only for an eligible subject (409 ``not_eligible`` with the reasons, nothing
stored); its deadline is the item's verification period by the official calendar. The
documents supplied in time fulfil it (service.supply_documents); a deadline passed without
them is a breach, written by the daily sweep (commitments/sweep.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.orm import Session

from xinyong.commitments import eligibility
from xinyong.commitments.schemas import CommitmentItemSpec
from xinyong.errors import Conflict, InvalidRequest
from xinyong.evaluation import repository as evaluation_repository
from xinyong.lists.repository import listed_of_subjects
from xinyong.lists.rules import listed_in_force
from xinyong.records.repository import latest_negative_determined_on

TYPE = "missing_documents"


def eligibility_facts(
    session: Session, subject_ids: Collection[int], today: date
) -> dict[int, eligibility.Facts]:
    """What eligibility looks at today, for each of these subjects: its own list entries in
    force, its latest negative record within the lookback, its public grade and its combined
    grades per field (indexed reads for all)."""
    rules = eligibility.default_eligibility()
    lists: dict[int, dict[str, list[str]]] = {sid: {} for sid in subject_ids}
    for sid, kind, state, until, name in listed_of_subjects(session, subject_ids):
        if listed_in_force(state, until, today):
            lists[sid].setdefault(kind.value, []).append(name)
    latest: dict[int, date] = {}
    if rules.lookback_years:
        since = eligibility.negative_since(today, rules.lookback_years)
        latest = latest_negative_determined_on(session, subject_ids, since, today)
    public, combined = evaluation_repository.public_and_combined_grades_of(session, subject_ids)
    return {
        sid: eligibility.Facts(
            lists_in_force=lists[sid],
            latest_negative=latest.get(sid),
            public_grade=public.get(sid),
            field_grades=combined.get(sid, {}),
        )
        for sid in subject_ids
    }


def subject_eligibility(
    session: Session,
    subject_id: int,
    today: date,
    facts: eligibility.Facts | None = None,
    field: str | None = None,
) -> eligibility.Eligibility:
    """The subject's eligibility today, from its ``facts`` if they were read already;
    ``field``: the accepting department's field of supervision (its kind), whose combined
    grade the minimum grade reads where there is one."""
    if facts is None:
        facts = eligibility_facts(session, [subject_id], today)[subject_id]
    return eligibility.evaluate(eligibility.default_eligibility(), facts, today, field)


def require_eligible(
    session: Session,
    subject_id: int,
    today: date,
    facts: eligibility.Facts | None = None,
    field: str | None = None,
) -> eligibility.Eligibility:
    """The eligibility of a subject to be accepted with documents missing; 409 ``not_eligible``
    with the reasons (Chinese, with their basis) if it is not."""
    result = subject_eligibility(session, subject_id, today, facts, field)
    if not result.eligible:
        texts = "；".join(r.text for r in result.reasons)
        raise Conflict(
            f"该主体不符合容缺受理条件：{texts}",
            "the subject is not eligible for acceptance with documents missing",
            field="subject",
            code="not_eligible",
            reasons=[r.out() for r in result.reasons],
        )
    return result


def documents_named(spec: CommitmentItemSpec, documents: list[str] | None) -> list[str] | None:
    """The documents missing, as the acceptance names them: required of a 容缺受理 item
    (422 ``missing_documents_required``), refused for any other (422
    ``missing_documents_not_applicable``); kept trimmed, in order, each once."""
    if spec.type != TYPE:
        if documents:
            raise InvalidRequest(
                "只有容缺受理事项可以列明所缺材料",
                "only a 容缺受理 item names missing documents",
                field="missing_documents",
                code="missing_documents_not_applicable",
            )
        return None
    names = list(dict.fromkeys(d.strip() for d in documents or () if d.strip()))
    if not names:
        raise InvalidRequest(
            "容缺受理须列明所缺材料",
            "name the documents missing",
            field="missing_documents",
            code="missing_documents_required",
        )
    return names


def unknown_documents(missing: list[str], supplied: list[str]) -> list[str]:
    """The documents named as supplied that were not missing."""
    return [d for d in supplied if d not in missing]


def outstanding(missing: list[str], supplied: list[str]) -> list[str]:
    """The documents still missing, in the order named at the acceptance."""
    return [d for d in missing if d not in supplied]
