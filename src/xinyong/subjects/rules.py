"""Who sees what of an archive (Measures art. 19–22; 004 §14; 000 §（十八））."""

from __future__ import annotations

from datetime import date

from xinyong.core.auth import Principal
from xinyong.models import Disclosure, Role, Standing


def visible_disclosures(principal: Principal, subject_id: int) -> frozenset[Disclosure]:
    """社会公开 for everyone; 政府共享 for departments (art. 20); 授权查询 only for the subject
    itself (art. 22) — grants to others arrive with the authorisation procedure — and for
    the authority that runs the platform and handles objections (every such read audited)."""
    if principal.role is Role.subject and principal.subject_id == subject_id:
        return frozenset(Disclosure)
    if principal.role is Role.authority:
        return frozenset(Disclosure)
    if principal.role in (Role.provider, Role.user_department):
        return frozenset({Disclosure.public, Disclosure.government})
    return frozenset({Disclosure.public})


def sees_full_id_number(principal: Principal, subject_id: int) -> bool:
    """ID numbers are masked everywhere except to the person itself and the authority."""
    return principal.role is Role.authority or (
        principal.role is Role.subject and principal.subject_id == subject_id
    )


def sees_any_person(principal: Principal, subject_id: int) -> bool:
    """Who may read a natural person whom no public list publishes: departments, for their
    duties (Measures art. 20; every read logged with its purpose, 004 §14), and the person
    itself. To anyone else — the public, another subject's token — such a person is not there
    at all (subjects/service.find_visible_subject; Measures art. 36, 000 §（十八））."""
    return principal.is_department or (
        principal.role is Role.subject and principal.subject_id == subject_id
    )


def sees_history(principal: Principal) -> bool:
    """Only active records are published (Measures art. 30: an expired record is no longer
    published); departments and the subject also see the archive's history with its standing."""
    return principal.role is not Role.public


def effective_standing(standing: Standing, expires_on: date | None, today: date) -> Standing:
    """A record past its validity is expired from that day, whether or not the daily job has
    run yet (Measures art. 30)."""
    if standing is Standing.active and expires_on is not None and today >= expires_on:
        return Standing.expired
    return standing
