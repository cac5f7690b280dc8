"""What the public portal looks up (信用门户, issue 5): subjects by name or credit code, whether
a subject may be shown to the public at all, and the 双公示 columns. docs/portal.md.

Subject search
--------------
A query is a credit code (exact: the organisation with that code) or part of a name, from one
character. An ID number is never searched: a person is never found by number on a public page
(Measures art. 36; 000 §（十八））. Organisations are found by any part of their name. Natural
persons are found only by their whole name, and only while an entry on a public list names
them and is in force (the list published them, 003 联合奖惩 §（二十））: a person is never found
by a surname or a character.

Matches are ranked exact name first, then shorter names first. At most ``CAP`` matches are
gathered; when more match, the page says so ("1000+") and ranks the ones gathered. On
PostgreSQL a GIN index of each name's characters and character pairs answers one- and
two-character queries and pg_trgm the longer ones, both on the table ``subject_search`` that
the scheduled jobs fill from a queue the collection appends to (ADR 0012); on SQLite one FTS5
table of characters and character pairs answers every length (its trigram tokenizer finds
nothing shorter than three), and a whole-name token the exact-name look-ups. Both only narrow:
every match is checked against the subject's name now.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, NamedTuple

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core.identifiers import (
    IdentifierError,
    subject_key_kind,
    validate_credit_code,
    validate_id_number,
)
from xinyong.core.locks import advisory_xact_lock
from xinyong.core.text import UNSTORABLE, normalise_name
from xinyong.lists.repository import all_lists, entries_of_subjects
from xinyong.lists.rules import is_public_list, makes_subject_public, publicly_visible
from xinyong.models import (
    CreditList,
    Department,
    Disclosure,
    EntryState,
    Objection,
    ObjectionState,
    Standing,
    Subject,
    SubjectKind,
    TargetType,
)
from xinyong.records.repository import public_act_records
from xinyong.subjects.rules import effective_standing
from xinyong.subjects.service import is_public, publicly_listed

# A query longer than this is cut (names are at most 200 characters; a query costs one gram a
# character, and nobody types a hundred characters of a name).
MAX_QUERY_CHARS = 100
# Matches gathered at most; more than this and the count reads "1000+".
CAP = 1000
PAGE_SIZE = 20
# The person filter looks at this many same-named persons at most (a very common name).
MAX_NAMESAKES = 2000

PERSON = SubjectKind.natural_person.value

QueryKind = Literal["empty", "code", "id_number", "invalid", "name"]


# --- the query ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """``text``: what is searched for, and echoed in the form (never an ID number)."""

    text: str
    kind: QueryKind
    truncated: bool = False
    # A credit code that could be an ID number: refused like one unless an organisation
    # holds that code.
    id_shaped: bool = False
    # Kind "invalid": a credit code or an 18-character ID number that fails its check
    # (GB 32100-2015, GB 11643-1999), and why. Not searched: no name looks like that.
    problem: IdentifierError | None = None


def _clean(raw: str) -> str:
    """Control characters, NUL and lone surrogates out (PostgreSQL refuses NUL in text, and
    no name holds them); then normalised as collection normalises names (core/text.py: NFKC,
    format characters out, whitespace runs one space)."""
    return normalise_name(UNSTORABLE.sub("", raw))


def parse_query(raw: str | None) -> Query:
    """What the visitor typed, as something safe to search for."""
    raw = raw or ""
    # Cut long input before cleaning it: 10,000 characters or more cost nothing here.
    head = raw[: MAX_QUERY_CHARS * 4]
    cleaned = _clean(head)
    truncated = len(raw) > len(head) or len(cleaned) > MAX_QUERY_CHARS
    cleaned = cleaned[:MAX_QUERY_CHARS].strip()
    if not cleaned:
        return Query("", "empty", truncated)
    compact = cleaned.replace(" ", "")
    id_shaped = (compact.isdigit() and len(compact) in (15, 17, 18)) or (
        len(compact) == 18 and compact[:17].isdigit() and compact[17] in "xX"
    )
    if len(compact) == 18 and compact.isascii():
        try:
            # An all-digit credit code can look like an ID number: the search then finds the
            # organisation with that code, or answers as for an ID number.
            return Query(validate_credit_code(compact), "code", truncated, id_shaped)
        except IdentifierError as exc:
            code_problem = exc
        if id_shaped and subject_key_kind(compact) == "id_number":
            try:
                validate_id_number(compact)
            except IdentifierError as exc:  # never echoed: it is (nearly) a person's number
                return Query("", "invalid", truncated, problem=exc)
        elif _code_shaped(compact):
            # Valid as neither kind: why it fails as the likelier, as GET /subjects/{key} says.
            return Query(
                "" if id_shaped else compact.upper(), "invalid", truncated, False, code_problem
            )
    elif not id_shaped and _code_shaped(compact):
        try:
            validate_credit_code(compact)  # the wrong length
        except IdentifierError as exc:
            return Query(compact.upper(), "invalid", truncated, problem=exc)
    if id_shaped:
        # Shaped like an ID number (15-digit legacy numbers too): refused, not searched, and
        # not even echoed back.
        return Query("", "id_number", truncated)
    return Query(cleaned, "name", truncated)


def _code_shaped(compact: str) -> bool:
    """Typed as a credit code, not as a name or a licence number: 18 letters and digits (17 or
    19 with a letter among them, a character too few or too many), the first a registering
    authority's and the 3rd to 8th the digits of a region code (GB 32100-2015 §4)."""
    return (
        (len(compact) == 18 or (len(compact) in (17, 19) and not compact.isdigit()))
        and compact.isascii()
        and compact.isalnum()
        and compact[0].upper() in "123456789ANY"
        and compact[2:8].isdigit()
    )


def grams(name: str) -> set[str]:
    """Every character and every pair of adjacent characters of a name."""
    return {name[i : i + 1] for i in range(len(name))} | {
        name[i : i + 2] for i in range(len(name) - 1)
    }


def query_grams(q: str) -> list[str]:
    """The grams a name must hold to contain ``q``: q itself when it is one or two characters,
    else its pairs (the name is then checked for q itself)."""
    if len(q) <= 2:
        return [q]
    return sorted({q[i : i + 2] for i in range(len(q) - 1)})


def _hex(gram: str) -> str:
    # FTS5 tokens that any tokenizer keeps whole and any query syntax accepts bare.
    return gram.encode("utf-8", "surrogatepass").hex()


# --- the search tables: caught up after collection ----------------------------------------------


# Whole names up to this long also get one token of their own (``w`` + hex: never a gram's),
# for exact-name look-ups without a b-tree on subjects.name that collection would pay for.
WHOLE_NAME_CHARS = 50


def _whole(name: str) -> str:
    return "w" + _hex(name)


def _fts_text(name: str, kind: str) -> str:
    """What the SQLite search table holds of a subject: an organisation's grams and whole
    name; a person's whole name only (never found by part of it)."""
    tokens = [] if kind == PERSON else sorted(_hex(g) for g in grams(name))
    if name and len(name) <= WHOLE_NAME_CHARS:
        tokens.append(_whole(name))
    return " ".join(tokens)


class Refreshed(NamedTuple):
    indexed: int  # names added to the search table
    done: bool  # up to date (False: ``limit`` stopped it; call again)


def refresh_index(session: Session, *, limit: int | None = None) -> Refreshed:
    """Bring the search table up to date with the subjects collected or renamed since: in the
    caller's transaction, at most ``limit`` subjects (the scheduled jobs, jobs.py)."""
    if session.get_bind().dialect.name == "postgresql":
        return _drain_queue(session, limit=limit)
    return _refresh_sqlite(session, limit=limit)


# Queued subjects taken per statement on PostgreSQL.
QUEUE_CHUNK = 10_000


def _drain_queue(session: Session, *, limit: int | None) -> Refreshed:
    """PostgreSQL: index the subjects the triggers of migration 0009 queued (new
    organisations, renames, changes of kind) under their names now, and take them off the
    queue. ≈ 54–59 µs an organisation (220,000 in 11.8–12.9 s at 1M subjects, docs/performance.md
    § Portal).
    Under a lock: two drains at once could each read a name and the older one commit last."""
    advisory_xact_lock(session, "job:search_index")
    conn = session.connection()
    indexed = 0
    while limit is None or indexed < limit:
        take = QUEUE_CHUNK if limit is None else min(QUEUE_CHUNK, limit - indexed)
        # By ctid: the queue has no key (collection appends to it and pays for nothing more).
        ids = list(
            conn.execute(
                text(
                    "WITH taken AS (DELETE FROM subject_search_queue WHERE ctid = ANY(ARRAY("
                    "SELECT ctid FROM subject_search_queue LIMIT :take)) RETURNING subject_id) "
                    "SELECT DISTINCT subject_id FROM taken"
                ),
                {"take": take},
            ).scalars()
        )
        if not ids:
            return Refreshed(indexed, True)
        # Out with what it was indexed under, in with its name now (a subject now a person
        # is not put back: persons are found by whole name only).
        conn.execute(text("DELETE FROM subject_search WHERE subject_id = ANY(:ids)"), {"ids": ids})
        conn.execute(
            text(
                "INSERT INTO subject_search (subject_id, name) SELECT id, name FROM subjects "
                "WHERE id = ANY(:ids) AND kind <> 'natural_person'"
            ),
            {"ids": ids},
        )
        indexed += len(ids)
    done = conn.execute(text("SELECT NOT EXISTS (SELECT 1 FROM subject_search_queue)")).scalar()
    return Refreshed(indexed, bool(done))


def vacuum_queue(engine: Engine) -> bool:
    """PostgreSQL: vacuum the queue once the jobs have taken all of it. Every search scans
    the queue, and a scan of an emptied one still reads each dead row (143 ms measured after
    a 1M-record import, until autovacuum came by); the vacuum also gives the emptied pages
    back, so "empty and still pages on disk" is the sign. True when it vacuumed."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        bloated = conn.exec_driver_sql(
            "SELECT pg_relation_size('subject_search_queue') > 0 "
            "AND NOT EXISTS (SELECT 1 FROM subject_search_queue)"
        ).scalar()
        if not bloated:
            return False
        conn.exec_driver_sql("VACUUM subject_search_queue")
        return True


def _refresh_sqlite(session: Session, *, limit: int | None = None) -> Refreshed:
    """Bring the SQLite search table up to date: subjects added since the last search
    (subjects.rowid above the high-water mark), renamed ones, or everything again after a
    deletion or a renumbering of rowids. Collection writes subjects at full speed and pays
    nothing; the first search after a large import indexes it (≈ 20 µs a subject measured:
    23 s for a million).
    Runs in the caller's transaction (on SQLite every transaction holds the write lock, so
    two processes never refresh at once). ``limit``: at most that many subjects in this
    transaction, so that the write lock is held briefly."""
    conn = session.connection()
    state = conn.exec_driver_sql(
        "SELECT st.last_rowid, st.last_id, st.rebuild, st.renamed, "
        "(SELECT max(rowid) FROM subjects), "
        "(SELECT id FROM subjects WHERE rowid = st.last_rowid) "
        "FROM subject_search_state st WHERE st.id = 1"
    ).first()
    if state is None:
        conn.exec_driver_sql(
            "INSERT INTO subject_search_state (id, last_rowid, last_id, rebuild, renamed) "
            "VALUES (1, 0, 0, 1, 0)"
        )
        last_rowid, last_id, rebuild, renamed, top, at_last = 0, 0, 1, 0, None, None
    else:
        last_rowid, last_id, rebuild, renamed, top, at_last = state
    if last_rowid and at_last != last_id:
        rebuild = 1  # the row we stopped at is gone or holds another subject: renumbered
    if not rebuild and not renamed and (top or 0) <= last_rowid:
        return Refreshed(0, True)
    if rebuild:
        conn.exec_driver_sql("INSERT INTO subject_search(subject_search) VALUES ('delete-all')")
        conn.exec_driver_sql("DELETE FROM subject_search_renames")
        last_rowid, last_id = 0, 0
    elif renamed:
        _apply_renames(conn, last_rowid)
    indexed = scanned = 0
    done = False
    while limit is None or scanned < limit:
        rows = conn.exec_driver_sql(
            "SELECT rowid, id, name, kind FROM subjects WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (last_rowid, min(20000, limit - scanned) if limit is not None else 20000),
        ).all()
        if not rows:
            done = True
            break
        scanned += len(rows)
        batch = [(r[1], tokens) for r in rows if r[2] and (tokens := _fts_text(r[2], r[3]))]
        if batch:
            conn.exec_driver_sql("INSERT INTO subject_search (rowid, grams) VALUES (?, ?)", batch)
        indexed += len(batch)
        last_rowid, last_id = rows[-1][0], rows[-1][1]
    conn.exec_driver_sql(
        "UPDATE subject_search_state SET last_rowid = ?, last_id = ?, rebuild = 0, renamed = 0 "
        "WHERE id = 1",
        (last_rowid, last_id),
    )
    return Refreshed(indexed, done)


def _apply_renames(conn: Connection, last_rowid: int) -> None:
    """Each renamed subject already indexed: out with the grams of the name it was indexed
    under (its first rename since), in with those of its name now."""
    first: dict[int, tuple[int, str, str]] = {}
    for _seq, subject_id, rowid, old_name, old_kind in conn.exec_driver_sql(
        "SELECT seq, subject_id, subject_rowid, old_name, old_kind FROM subject_search_renames "
        "ORDER BY seq"
    ):
        first.setdefault(subject_id, (rowid, old_name, old_kind))
    for subject_id, (rowid, old_name, old_kind) in first.items():
        if rowid > last_rowid:
            continue  # not indexed yet: the new-rows pass takes it under its name now
        old_text = _fts_text(old_name, old_kind) if old_name else ""
        if old_text:
            conn.exec_driver_sql(
                "INSERT INTO subject_search (subject_search, rowid, grams) VALUES ('delete', ?, ?)",
                (subject_id, old_text),
            )
        now = conn.exec_driver_sql(
            "SELECT name, kind FROM subjects WHERE id = ?", (subject_id,)
        ).first()
        new_text = _fts_text(now[0], now[1]) if now is not None and now[0] else ""
        if new_text:
            conn.exec_driver_sql(
                "INSERT INTO subject_search (rowid, grams) VALUES (?, ?)",
                (subject_id, new_text),
            )
    conn.exec_driver_sql("DELETE FROM subject_search_renames")


# --- organisations by name ---------------------------------------------------------------------


def _escape_like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has_word_run(q: str, length: int = 3) -> bool:
    """pg_trgm takes its trigrams from runs of letters and digits (CJK characters count)."""
    run = 0
    for ch in q:
        run = run + 1 if ch.isalnum() else 0
        if run >= length:
            return True
    return False


def _org_matches(session: Session, q: str, limit: int) -> list[tuple[int, str]]:
    """(id, name) of up to ``limit`` organisations whose name contains ``q``."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return _pg_org_matches(conn, q, limit)
    _refresh_sqlite(session)
    match = " ".join(f'"{_hex(g)}"' for g in query_grams(q))
    rows = conn.exec_driver_sql(
        "SELECT s.id, s.name FROM subject_search f JOIN subjects s ON s.id = f.rowid "
        "WHERE subject_search MATCH ? AND instr(s.name, ?) > 0 "
        "AND s.kind <> 'natural_person' LIMIT ?",
        (match, q, limit),
    )
    return [(r[0], r[1]) for r in rows]


def _pg_org_matches(conn: Connection, q: str, limit: int) -> list[tuple[int, str]]:
    """The indexed names (``subject_search``), and the queued ones the jobs have not indexed
    yet, read as they are: a new organisation is found at once. An indexed subject renamed
    since is passed over there (its old name is indexed) and found in the queue, each queued
    match checked against the subject's name and kind now."""
    # Plan each search for its own text: the planner's choice (scan the table and stop at the
    # first thousand, or read the index) depends on how common the text is.
    conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    params: dict[str, Any] = {"q": q, "limit": limit}
    if len(q) > 2 and _has_word_run(q):
        narrow = "f.name LIKE :pattern"
        params["pattern"] = f"%{_escape_like(q)}%"
    else:
        narrow = "xinyong_search_grams(f.name) @> CAST(:grams AS text[]) AND strpos(f.name, :q) > 0"
        params["grams"] = query_grams(q)
    sql = (
        f"(SELECT f.subject_id, f.name FROM subject_search f WHERE {narrow} AND NOT EXISTS "
        "(SELECT 1 FROM subject_search_queue r WHERE r.renamed AND r.subject_id = f.subject_id) "
        "LIMIT :limit) UNION "
        "(SELECT s.id, s.name FROM subject_search_queue w JOIN subjects s ON s.id = w.subject_id "
        "WHERE strpos(w.name, :q) > 0 AND strpos(s.name, :q) > 0 "
        "AND s.kind <> 'natural_person' LIMIT :limit) LIMIT :limit"
    )
    return [(r[0], r[1]) for r in conn.execute(text(sql), params)]


def _named(session: Session, q: str, *, persons: bool, limit: int) -> list[tuple[int, str]]:
    """Subjects named exactly ``q``: persons, or organisations. PostgreSQL: a b-tree on
    subjects.name. SQLite: the search table's whole-name token."""
    kind = "kind = 'natural_person'" if persons else "kind <> 'natural_person'"
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(f"SELECT id, name FROM subjects WHERE {kind} AND name = :q LIMIT :limit"),
            {"q": q, "limit": limit},
        )
        return [(r[0], r[1]) for r in rows]
    if len(q) > WHOLE_NAME_CHARS:
        return []  # no such name is indexed whole; an organisation's is among its matches
    _refresh_sqlite(session)
    rows = conn.exec_driver_sql(
        "SELECT s.id, s.name FROM subject_search f JOIN subjects s ON s.id = f.rowid "
        f"WHERE subject_search MATCH ? AND s.name = ? AND s.{kind} LIMIT ?",
        (f'"{_whole(q)}"', q, limit),
    )
    return [(r[0], r[1]) for r in rows]


# --- persons: only while a public list publishes them (subjects/service.is_public) ----------


def _public_lists(session: Session) -> dict[int, CreditList]:
    return {lst.id: lst for lst in all_lists(session) if is_public_list(lst)}


def _persons_named(session: Session, q: str, today: date) -> list[tuple[int, str]]:
    ids = [sid for sid, _ in _named(session, q, persons=True, limit=MAX_NAMESAKES)]
    listed = publicly_listed(session, ids, today)
    return [(sid, q) for sid in ids if sid in listed]


# --- the search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    id: int
    kind: SubjectKind
    name: str
    credit_code: str | None
    id_masked: str | None
    region_code: str | None
    exact: bool
    # (list name, kind) of the public entries it is on: in force, or a red candidate in notice.
    badges: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return page_key(self.credit_code, self.id)

    @property
    def shown_number(self) -> str:
        return self.credit_code or self.id_masked or ""

    def name_parts(self, q: str) -> tuple[str, str, str]:
        """The name around the first match of q, for highlighting."""
        at = self.name.find(q) if q else -1
        if at < 0:
            return self.name, "", ""
        return self.name[:at], q, self.name[at + len(q) :]


@dataclass
class SearchResult:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    more: bool = False  # more than CAP matched
    page: int = 1
    pages: int = 0

    @property
    def count_text(self) -> str:
        return f"{CAP}+" if self.more else str(self.total)


def page_key(credit_code: str | None, subject_id: int) -> str:
    """The key of a subject's public page: its credit code, or for a person its internal id
    (never the ID number: the address would show it)."""
    return credit_code or f"p{subject_id}"


def search_subjects(
    session: Session, raw: str | None, *, today: date, page: int = 1, page_size: int = PAGE_SIZE
) -> SearchResult:
    query = parse_query(raw)
    result = SearchResult(query=query)
    if query.kind in ("empty", "id_number"):
        return result
    if query.kind == "code":
        found = session.execute(
            select(Subject.id, Subject.name).where(
                Subject.credit_code == query.text, Subject.kind != SubjectKind.natural_person
            )
        ).all()
        ranked = [(r.id, r.name) for r in found]
        if not ranked and query.id_shaped:
            result.query = Query("", "id_number", query.truncated)
            return result
    else:
        q = query.text
        orgs = _org_matches(session, q, CAP + 1)
        result.more = len(orgs) > CAP
        # Gathered short of everything: the exact names are looked up on their own.
        exact = _named(session, q, persons=False, limit=50) if result.more else []
        persons = _persons_named(session, q, today)
        seen: set[int] = set()
        ranked = []
        for sid, name in sorted(
            [*exact, *persons, *orgs], key=lambda r: (r[1] != q, len(r[1]), r[0])
        ):
            if sid not in seen:
                seen.add(sid)
                ranked.append((sid, name))
        ranked = ranked[:CAP]
    result.total = len(ranked)
    result.pages = max(1, math.ceil(len(ranked) / page_size))
    result.page = min(max(1, page), result.pages)
    start = (result.page - 1) * page_size
    chosen = ranked[start : start + page_size]
    result.hits = _hits(session, [sid for sid, _ in chosen], query.text, today)
    return result


def _hits(session: Session, ids: Sequence[int], q: str, today: date) -> list[Hit]:
    if not ids:
        return []
    rows = {
        s.id: s
        for s in session.execute(
            select(
                Subject.id,
                Subject.kind,
                Subject.name,
                Subject.credit_code,
                Subject.id_masked,
                Subject.region_code,
            ).where(Subject.id.in_(list(ids)))
        )
    }
    badges = public_badges(session, ids, today)
    return [
        Hit(
            id=row.id,
            kind=row.kind,
            name=row.name,
            credit_code=row.credit_code,
            id_masked=row.id_masked,
            region_code=row.region_code,
            exact=row.name == q,
            badges=tuple(badges.get(row.id, ())),
        )
        for sid in ids
        if (row := rows.get(sid)) is not None
    ]


def public_badges(
    session: Session, ids: Sequence[int], today: date
) -> dict[int, list[tuple[str, str]]]:
    """The public list entries shown beside a subject: in force, or a red candidate in its
    public notice (lists/rules: what the public sees of a list)."""
    public = _public_lists(session)
    out: dict[int, list[tuple[str, str]]] = {}
    for entry in entries_of_subjects(session, ids, (EntryState.listed, EntryState.notice)):
        lst = public.get(entry.list_id)
        if lst is None:
            continue
        shown = makes_subject_public(lst, entry, today) or (
            entry.state == EntryState.notice and publicly_visible(lst, entry)
        )
        if shown:
            out.setdefault(entry.subject_id, []).append((lst.spec["name"], entry.kind.value))
    return out


def find_public_subject(session: Session, key: str, *, today: date) -> Subject | None:
    """The subject of a public page's key (credit code, or ``p`` + id for a listed person), or
    None — also for an ID number, an unlisted person or a malformed key, alike."""
    key = (key or "").strip()
    subject: Subject | None = None
    if len(key) > 1 and key[0] == "p" and key[1:].isdigit() and len(key) <= 20:
        subject = session.get(Subject, int(key[1:]))
        if subject is None or subject.kind != SubjectKind.natural_person:
            return None
    elif len(key) == 18 and key.isascii() and key.isalnum():
        # Organisations only: a key is never looked up as an ID number.
        try:
            code = validate_credit_code(key)
        except IdentifierError:
            return None
        subject = session.execute(
            select(Subject).where(Subject.credit_code == code)
        ).scalar_one_or_none()
    if subject is None or not is_public(session, subject, today):
        return None
    return subject


# --- 双公示 ---------------------------------------------------------------------------------------

# The two columns (000 §（十五）: 行政许可和行政处罚信息 7 个工作日内上网公开): the items whose
# act type is licensing or penalty, and the field that types a decision within its item.
DUAL_TABS: dict[str, tuple[str, str, str]] = {
    "licensing": ("行政许可", "licence_category", "许可类别"),
    "penalty": ("行政处罚", "penalty_category", "处罚类别"),
}
DUAL_MAX_PAGE = 500
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


@dataclass(frozen=True)
class DualItem:
    code: str
    name: str
    decision_field: str | None
    # (name, label) of each field, in the catalog's order.
    fields: tuple[tuple[str, str], ...]
    categories: tuple[str, ...]


@dataclass
class DualRow:
    record_id: int
    item: DualItem
    subject_name: str
    subject_number: str
    subject_key: str | None  # a page to link to, when the subject has one
    provider: str
    decided_on: str | None
    fields: dict[str, Any]
    under_objection: bool = False


@dataclass
class DualPage:
    tab: str
    items: list[DualItem]
    rows: list[DualRow]
    page: int
    has_next: bool


def dual_items(session: Session, tab: str) -> list[DualItem]:
    """The published catalog's items of one column."""
    catalog = published_catalog(session)
    if catalog is None or tab not in DUAL_TABS:
        return []
    category_field = DUAL_TABS[tab][1]
    out = []
    for code, compiled in sorted(catalog.items.items()):
        spec = compiled.spec
        if spec.act_type != tab or spec.disclosure != Disclosure.public:
            continue
        values: tuple[str, ...] = ()
        for f in spec.fields:
            if f.name == category_field and f.values:
                values = tuple(f.values)
        out.append(
            DualItem(
                code=code,
                name=spec.name,
                decision_field=spec.decision_date_field,
                fields=tuple((f.name, f.label) for f in spec.fields),
                categories=values,
            )
        )
    return out


def dual_publicity(
    session: Session,
    *,
    tab: str,
    today: date,
    provider_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    item: str | None = None,
    category: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> DualPage:
    """Public, active records of one column, newest decision first (docs/portal.md)."""
    items = dual_items(session, tab)
    chosen = [i for i in items if item in (None, i.code)]
    page = min(max(1, page), DUAL_MAX_PAGE)
    if not chosen:
        return DualPage(tab, items, [], page, False)
    rows = public_act_records(
        session,
        [i.code for i in chosen if _CODE.match(i.code)],
        decision_field=chosen[0].decision_field or "decided_on",
        today=today,
        provider_id=provider_id,
        date_from=date_from,
        date_to=date_to,
        category_field=DUAL_TABS[tab][1],
        category=category,
        offset=(page - 1) * page_size,
        limit=page_size + 1,
    )
    has_next = len(rows) > page_size
    by_code = {i.code: i for i in chosen}
    providers = dict(
        session.execute(
            select(Department.id, Department.name).where(
                Department.id.in_({r[0].provider_id for r in rows})
            )
        ).all()
    )
    persons = [r[0].subject_id for r in rows if r[4] == SubjectKind.natural_person]
    listed = publicly_listed(session, persons, today)
    disputed = _under_objection(session, [(r[0].subject_id, r[0].id) for r in rows])
    out = []
    for record, name, code, masked, kind in rows[:page_size]:
        if effective_standing(record.standing, record.expires_on, today) != Standing.active:
            continue
        dual_item = by_code[record.item_code]
        fields = dict(record.fields)
        linkable = kind != SubjectKind.natural_person or record.subject_id in listed
        out.append(
            DualRow(
                record_id=record.id,
                item=dual_item,
                subject_name=name,
                subject_number=code or masked or "",
                subject_key=page_key(code, record.subject_id) if linkable else None,
                provider=providers.get(record.provider_id, ""),
                decided_on=fields.get(dual_item.decision_field or "decided_on"),
                fields=fields,
                under_objection=record.id in disputed,
            )
        )
    return DualPage(tab, items, out, page, has_next)


def _under_objection(session: Session, keys: list[tuple[int, int]]) -> set[int]:
    """Records with an open objection: marked, still published (Measures art. 32), as the
    archive marks them."""
    if not keys:
        return set()
    return set(
        session.execute(
            select(Objection.target_id).where(
                Objection.subject_id.in_({s for s, _ in keys}),
                Objection.target_id.in_({r for _, r in keys}),
                Objection.target_type == TargetType.record,
                Objection.state != ObjectionState.closed,
            )
        ).scalars()
    )
