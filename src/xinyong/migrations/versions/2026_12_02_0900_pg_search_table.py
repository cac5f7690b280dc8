"""PostgreSQL: organisation names are indexed for the portal's search after collection, not
during it (ADR 0012, docs/portal.md § PostgreSQL).

The two GIN indexes of migration 0007 cost collection ≈ 58 µs a new organisation, ≈ 13 µs a
record: a third of the writer's time in a 1M-record import (docs/performance.md § Ingestion).
They move from ``subjects`` to a table of their own, ``subject_search`` (subject id, name),
which the scheduled jobs fill from a queue. Collection pays only the queue (≈ 2 µs an
organisation): a statement-level
trigger with a transition table copies each new organisation's id and name into
``subject_search_queue``; a row trigger queues a rename or a change of kind. Until the jobs
have indexed them, the search reads the queued names directly (an unindexed scan of the
queue), so a new organisation is found at once.

SQLite keeps its FTS5 table of migration 0007, caught up the same way by the jobs and by the
search itself. The exact-name b-tree on ``subjects.name`` stays on PostgreSQL (it costs
collection little, and a person is found only by it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORGS = "kind <> 'natural_person'"

PG_UP = [
    # Keyed by subject like every large table (a distribution column for sharding later).
    "CREATE TABLE subject_search (subject_id BIGINT PRIMARY KEY "
    "REFERENCES subjects (id) ON DELETE CASCADE, name TEXT NOT NULL)",
    # Appended to by collection, read whole by the search until the jobs have taken it (a
    # chunk at a time, by ctid). ``renamed``: the subject may be indexed under its old name,
    # which the search must then pass over; only those rows are indexed (a partial index costs
    # a new subject nothing). Vacuumed by the jobs once taken: a scan of an emptied queue
    # still reads every dead row (143 ms measured after a 1M-record import).
    "CREATE TABLE subject_search_queue (subject_id BIGINT NOT NULL, name TEXT NOT NULL, "
    "renamed BOOLEAN NOT NULL DEFAULT false)",
    "CREATE INDEX ix_subject_search_queue_renamed ON subject_search_queue (subject_id) "
    "WHERE renamed",
    # A queue that never empties (a steady trickle of batches) is vacuumed by autovacuum
    # every 10,000 rows taken, not at a fifth of its size.
    "ALTER TABLE subject_search_queue SET (autovacuum_vacuum_scale_factor = 0, "
    "autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_insert_scale_factor = 0, "
    "autovacuum_vacuum_insert_threshold = 100000)",
    # The organisations already collected, indexed here in one pass: building a GIN index
    # over a full table is far cheaper than inserting into one row by row.
    f"INSERT INTO subject_search (subject_id, name) SELECT id, name FROM subjects WHERE {ORGS}",
    "DROP STATISTICS IF EXISTS st_subjects_name_grams",
    "DROP INDEX IF EXISTS ix_subjects_name_trgm",
    "DROP INDEX IF EXISTS ix_subjects_name_grams",
    # As in 0007 (docs/portal.md): grams for one and two characters, pg_trgm for three and
    # more, a small pending list (every search reads all of it), element statistics of the
    # grams (the planner then scans the table for 公 and reads the index for 嬲).
    "CREATE INDEX ix_subject_search_grams ON subject_search "
    "USING gin (xinyong_search_grams(name)) WITH (gin_pending_list_limit = 1024)",
    "CREATE INDEX ix_subject_search_trgm ON subject_search "
    "USING gin (name gin_trgm_ops) WITH (gin_pending_list_limit = 1024)",
    "CREATE STATISTICS st_subject_search_grams ON (xinyong_search_grams(name)) FROM subject_search",
    # Once per statement, over the rows it inserted: a COPY of 10,000 subjects runs it once.
    f"""
    CREATE FUNCTION xinyong_subjects_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO subject_search_queue (subject_id, name)
        SELECT id, name FROM new_subjects WHERE {ORGS};
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER subjects_search_inserted AFTER INSERT ON subjects "
    "REFERENCING NEW TABLE AS new_subjects FOR EACH STATEMENT "
    "EXECUTE FUNCTION xinyong_subjects_inserted()",
    # A rename (a registration record naming the organisation anew) or a change of kind: rare,
    # so per row; the WHEN clause costs an update that changes neither almost nothing.
    """
    CREATE FUNCTION xinyong_subjects_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO subject_search_queue (subject_id, name, renamed)
        VALUES (NEW.id, NEW.name, true);
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER subjects_search_renamed AFTER UPDATE OF name, kind ON subjects "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.kind IS DISTINCT FROM "
    "NEW.kind) EXECUTE FUNCTION xinyong_subjects_renamed()",
]

PG_DOWN = [
    "DROP TRIGGER IF EXISTS subjects_search_renamed ON subjects",
    "DROP TRIGGER IF EXISTS subjects_search_inserted ON subjects",
    "DROP FUNCTION IF EXISTS xinyong_subjects_renamed()",
    "DROP FUNCTION IF EXISTS xinyong_subjects_inserted()",
    "DROP TABLE IF EXISTS subject_search_queue",
    "DROP TABLE IF EXISTS subject_search",
    "CREATE INDEX ix_subjects_name_grams ON subjects USING gin (xinyong_search_grams(name)) "
    f"WITH (gin_pending_list_limit = 1024) WHERE {ORGS}",
    "CREATE INDEX ix_subjects_name_trgm ON subjects USING gin (name gin_trgm_ops) "
    f"WITH (gin_pending_list_limit = 1024) WHERE {ORGS}",
    "CREATE STATISTICS st_subjects_name_grams ON (xinyong_search_grams(name)) FROM subjects",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_DOWN:
            op.execute(statement)
