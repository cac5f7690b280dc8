"""The public portal's indexes (issue 5): subject search by name from one character, exact
names, and the 双公示 columns newest decision first. docs/portal.md explains each.

PostgreSQL: pg_trgm (a GIN ``gin_trgm_ops`` index) for queries of three characters or more; a
GIN index of each name's single characters and character pairs for one- and two-character
queries, which trigrams cannot answer; extended statistics on those grams so that the planner
scans the table instead of the index for a character nearly every name holds.

SQLite: an FTS5 table of each organisation name's characters and character pairs, and of every
subject's whole name (hex tokens: FTS5's trigram tokenizer finds nothing shorter than three
characters), kept up to date by the search itself (``xinyong.subjects.search.refresh_index``)
from a high-water mark of ``subjects.rowid``; triggers only note renames and deletions, so
collection pays nothing for it (a b-tree on subjects.name cost it ≈ 27 µs a new subject).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORGS = "kind <> 'natural_person'"
# The 双公示 items (000 §（十五）): licences and penalties, by their decision date.
DUAL = "item_code IN ('administrative_licensing', 'administrative_penalty')"

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Every character and every pair of adjacent characters of a name, once each. IMMUTABLE:
    # it depends on its argument alone, so it may define an index.
    """
    CREATE FUNCTION xinyong_search_grams(t text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        grams text[] := string_to_array(t, NULL);
        n int := char_length(t);
    BEGIN
        FOR i IN 1 .. n - 1 LOOP
            grams := grams || substr(t, i, 2);
        END LOOP;
        RETURN grams;
    END
    $$
    """,
    # A smaller pending list: every search reads all of it (4 MB by default: ≈ 3 ms a search
    # when full; 512 kB cost collection ≈ 15 µs more an organisation, 1 MB ≈ 6 µs).
    "CREATE INDEX ix_subjects_name_grams ON subjects USING gin (xinyong_search_grams(name)) "
    f"WITH (gin_pending_list_limit = 1024) WHERE {ORGS}",
    "CREATE INDEX ix_subjects_name_trgm ON subjects USING gin (name gin_trgm_ops) "
    f"WITH (gin_pending_list_limit = 1024) WHERE {ORGS}",
    # Element statistics of the grams: the planner then knows that 公 is in most names (scan
    # the table, stop at the first thousand) and 嬲 in none (the index).
    "CREATE STATISTICS st_subjects_name_grams ON (xinyong_search_grams(name)) FROM subjects",
    # Exact names: a person's whole name, and an organisation named exactly as searched.
    "CREATE INDEX ix_subjects_name ON subjects (name)",
    "CREATE INDEX ix_records_dual_publicity ON records "
    f"(item_code, (fields ->> 'decided_on'), id) WHERE {DUAL}",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_records_dual_publicity",
    "DROP INDEX IF EXISTS ix_subjects_name",
    "DROP STATISTICS IF EXISTS st_subjects_name_grams",
    "DROP INDEX IF EXISTS ix_subjects_name_trgm",
    "DROP INDEX IF EXISTS ix_subjects_name_grams",
    "DROP FUNCTION IF EXISTS xinyong_search_grams(text)",
    # pg_trgm stays: another schema object may use it.
]

SQLITE_UP = [
    # Contentless (the names stay in subjects), rowids only (detail=none, no sizes): about
    # 25 MB for 850,000 organisations.
    "CREATE VIRTUAL TABLE subject_search USING fts5("
    "grams, content='', detail='none', columnsize=0, tokenize='ascii')",
    # last_rowid: the highest subjects.rowid indexed, and last_id the id of that row (a table
    # whose rowids were renumbered is indexed again); rebuild: start again from nothing (set by
    # a deletion, and at first so that existing subjects get indexed on the first search).
    "CREATE TABLE subject_search_state (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "last_rowid INTEGER NOT NULL, last_id BIGINT NOT NULL, rebuild INTEGER NOT NULL, "
    "renamed INTEGER NOT NULL)",
    "INSERT INTO subject_search_state (id, last_rowid, last_id, rebuild, renamed) "
    "VALUES (1, 0, 0, 1, 0)",
    # The name a renamed subject had when it was indexed: its grams are taken out again.
    "CREATE TABLE subject_search_renames (seq INTEGER PRIMARY KEY, subject_id BIGINT NOT NULL, "
    "subject_rowid INTEGER NOT NULL, old_name TEXT NOT NULL, old_kind VARCHAR(32) NOT NULL)",
    """
    CREATE TRIGGER subjects_search_renamed AFTER UPDATE OF name, kind ON subjects
    WHEN OLD.name IS NOT NEW.name OR OLD.kind IS NOT NEW.kind
    BEGIN
        INSERT INTO subject_search_renames (subject_id, subject_rowid, old_name, old_kind)
        VALUES (OLD.id, OLD.rowid, OLD.name, OLD.kind);
        UPDATE subject_search_state SET renamed = 1 WHERE id = 1;
    END
    """,
    """
    CREATE TRIGGER subjects_search_deleted AFTER DELETE ON subjects
    BEGIN
        UPDATE subject_search_state SET rebuild = 1 WHERE id = 1;
    END
    """,
    "CREATE INDEX ix_records_dual_publicity ON records "
    f"(item_code, json_extract(fields, '$.decided_on'), id) WHERE {DUAL}",
]
SQLITE_DOWN = [
    "DROP INDEX IF EXISTS ix_records_dual_publicity",
    "DROP TRIGGER IF EXISTS subjects_search_deleted",
    "DROP TRIGGER IF EXISTS subjects_search_renamed",
    "DROP TABLE IF EXISTS subject_search_renames",
    "DROP TABLE IF EXISTS subject_search_state",
    "DROP TABLE IF EXISTS subject_search",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(PG_UP)
    else:
        _run(SQLITE_UP)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(PG_DOWN)
    else:
        _run(SQLITE_DOWN)
