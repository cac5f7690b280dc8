"""Related parties: the subjects near one subject, with the path and their list status; the
flags of the latest scan, as departments read them. Reads of government-shared data, each
logged with its purpose (004 §14)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.labels import LIST_KINDS
from xinyong.models import RelatedPartyFlag, RelatedPartyScan, Subject
from xinyong.relations import repository
from xinyong.relations.graph import Edges, RelatedGraph
from xinyong.relations.rules import DEPTH, ROLE_NAMES, describe_path
from xinyong.relations.schemas import (
    FlagOut,
    FlagsOut,
    PartyOut,
    PathEdgeOut,
    RelatedOut,
    RelatedSubjectOut,
    ScanOut,
)


def party(subject: Subject | None, subject_id: int) -> PartyOut:
    if subject is None:
        return PartyOut(name=f"主体{subject_id}", kind="unknown")
    return PartyOut(
        credit_code=subject.credit_code,
        id_masked=subject.id_masked if subject.credit_code is None else None,
        name=subject.name,
        kind=str(subject.kind),
    )


def _marks(kinds: dict[int, list[str]]) -> dict[int, str]:
    return {s: "、".join(LIST_KINDS[k] for k in ks) for s, ks in kinds.items() if ks}


def _path(edges: Iterable[tuple[int, int, str]], subjects: dict[int, Subject]) -> list[PathEdgeOut]:
    return [
        PathEdgeOut(
            holder=party(subjects.get(h), h),
            of=party(subjects.get(o), o),
            role=role,
            role_name=ROLE_NAMES[role],
        )
        for h, o, role in edges
    ]


def related_subjects(
    session: Session, subject: Subject, *, actor: str, now: datetime, purpose: str
) -> RelatedOut:
    """The subjects within two links of ``subject``, nearest first, each with its list kinds
    in force today and the path; the read is logged with its purpose."""
    today = now.date()
    near = repository.edges_touching(session, [subject.id])
    ring = {n for a, b, _ in near for n in (a, b)} | {subject.id}
    rows = set(near) | set(repository.edges_touching(session, ring))
    reached = RelatedGraph(Edges.of_rows(sorted(rows))).search([subject.id], DEPTH)
    ids = {subject.id} | {n for r in reached for n in r.nodes}
    subjects = repository.subjects_by_id(session, ids)
    kinds = repository.list_kinds_in_force(session, ids, today)
    marks = _marks(kinds)
    names = {i: s.name for i, s in subjects.items()}
    audit.log(
        session,
        actor=actor,
        action="subject.related_read",
        at=now,
        subject_id=subject.id,
        target_type="subject",
        target_id=subject.id,
        purpose=purpose,
        detail={"related": len(reached)},
    )
    return RelatedOut(
        subject=party(subject, subject.id),
        depth=DEPTH,
        related=[
            RelatedSubjectOut(
                subject=party(subjects.get(r.subject_id), r.subject_id),
                distance=r.distance,
                lists=kinds.get(r.subject_id, []),
                path=_path(r.edges, subjects),
                path_text=describe_path(r.edges, names, marks),
            )
            for r in sorted(reached, key=lambda r: (r.distance, r.subject_id))
        ],
    )


def flag_out(flag: RelatedPartyFlag, subjects: dict[int, Subject]) -> FlagOut:
    edges = [(int(h), int(o), str(r)) for h, o, r in flag.path["edges"]]
    names = {i: s.name for i, s in subjects.items()}
    return FlagOut(
        subject=party(subjects.get(flag.subject_id), flag.subject_id),
        black_subject=party(subjects.get(flag.black_subject_id), flag.black_subject_id),
        entry_id=str(flag.entry_id),
        distance=flag.distance,
        path=_path(edges, subjects),
        path_text=describe_path(edges, names, {flag.black_subject_id: "黑名单"}),
        found_at=flag.found_at,
    )


def scan_out(scan: RelatedPartyScan) -> ScanOut:
    return ScanOut.model_validate(scan, from_attributes=True)


def read_flags(
    session: Session,
    *,
    actor: str,
    now: datetime,
    purpose: str,
    limit: int,
    offset: int,
) -> FlagsOut:
    """The organisations the latest scan flagged, nearest first, with their paths; the read
    is logged with its purpose."""
    total, flags = repository.flags(session, limit=limit, offset=offset)
    ids = {n for f in flags for n in f.path["nodes"]}
    subjects = repository.subjects_by_id(session, ids)
    audit.log(
        session,
        actor=actor,
        action="related_party_flags.read",
        at=now,
        target_type="related_party_flags",
        purpose=purpose,
        detail={"offset": offset, "count": len(flags)},
    )
    scan = repository.latest_scan(session)
    return FlagsOut(
        scan=scan_out(scan) if scan else None,
        total=total,
        items=[flag_out(f, subjects) for f in flags],
    )
