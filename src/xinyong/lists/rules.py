"""What a list entry means on a given day, and what the public sees of it: pure rules of a
list, an entry and ``today`` (003 联合奖惩 §（六）、（十七）、（二十）; Measures art. 30, 36).

The API (lists/endpoints.py, subjects/service.py) and the portal (web/portal.py) both decide
from here, so that neither shows the public more than the other."""

from __future__ import annotations

from datetime import date

from xinyong.models import CreditList, EntryState, ListEntry, ListKind

# What the public sees of a public list: listed subjects and exit notices — and red candidates
# in public notice (003 联合奖惩 §（六）1; a black candidate's prior notice goes to the subject
# alone, §（六）2).
PUBLIC_STATES = (EntryState.listed, EntryState.exited)


def is_public_list(lst: CreditList) -> bool:
    """A list the public may read at all: its own ``disclosure`` (watch lists are shared among
    departments only)."""
    return lst.spec["disclosure"] == "public"


def is_in_force(entry: ListEntry, today: date) -> bool:
    """Listed and not past its period: measures apply. Expiry counts at once, before the
    daily job has marked the exit (the same rule as records, Measures art. 30)."""
    return entry.state == EntryState.listed and (
        entry.listed_until is None or entry.listed_until > today
    )


def publicly_visible(lst: CreditList, entry: ListEntry) -> bool:
    """Whether the public sees this entry among its list's publications (003 联合奖惩 §（二十）):
    on a public list, listed, exited (its exit notice, §（十七）) or a red candidate in public
    notice. Independent of the day: an exit notice stays a publication."""
    if not is_public_list(lst):
        return False
    return entry.state in PUBLIC_STATES or (
        entry.state == EntryState.notice and entry.kind == ListKind.red
    )


def makes_subject_public(lst: CreditList, entry: ListEntry, today: date) -> bool:
    """Whether this entry makes its subject public today: an entry in force on a public list.
    A natural person is shown to the public — found, read by ID number, given a page — only
    while such an entry names them (Measures art. 36 and 000 §（十八）: personal information is
    protected; 003 联合奖惩 §（二十）: the lists are published). A red candidate in notice or an
    exit notice is published with its list, but does not open the person."""
    return is_public_list(lst) and is_in_force(entry, today)
