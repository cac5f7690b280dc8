"""The models say what the migrations build: a database upgraded to head by Alembic, compared
with ``xinyong.models``' metadata by Alembic's autogenerate, differs in nothing but the
structures named below (docs/testing.md § The code's shape).

A difference means a model was changed without its migration (the next migration is due), or a
migration without its model. Old migrations are never edited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Connection, Integer, MetaData
from sqlalchemy import inspect as sa_inspect

from xinyong.db import make_engine
from xinyong.migrations import upgrade
from xinyong.models import Base

# The portal's search, which each database builds its own way (migrations 0007 and 0009,
# docs/portal.md): no model declares it, since a table of a model exists on both databases, and
# the tests' emptying of every model's table (fixtures/database.py) cannot DELETE from an FTS5
# table. Its triggers, functions, statistics and pg_trgm are not compared by Alembic at all.
MIGRATION_ONLY_TABLES = {
    "sqlite": {
        "subject_search",  # FTS5 virtual table of names' characters and pairs (0007)
        "subject_search_config",  # … and FTS5's shadow tables of it
        "subject_search_data",
        "subject_search_idx",
        "subject_search_state",  # how far the FTS5 table is caught up (0007)
        "subject_search_renames",  # names to take out of it again (0007)
    },
    "postgresql": {
        "subject_search",  # organisation names with their GIN indexes (0009)
        "subject_search_queue",  # names collected, not yet indexed (0009)
    },
}
DUE_INDEXES = ("ix_records_due_valid_to", "ix_records_due_rectification_deadline_on")
MIGRATION_ONLY_INDEXES = {
    # The 双公示 columns by decision date (0007): an expression index whose expression differs
    # between the databases (json_extract / ->>). SQLite's reflection does not see it at all.
    # So is the decision-number index of the duplicate check (0024, quality/checks.py), and
    # so are the indexes of the warning sweep's date fields (0027, risk/repository.py).
    "sqlite": {"ix_records_dual_publicity", "ix_records_decision_number", *DUE_INDEXES},
    # … and the exact-name b-tree that only PostgreSQL keeps (0007, 0009: on SQLite it cost
    # collection more than the FTS5 table's exact-name tokens).
    "postgresql": {
        "ix_records_dual_publicity",
        "ix_subjects_name",
        "ix_records_decision_number",
        *DUE_INDEXES,
    },
}


def leaves_out(dialect: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` hook: every structure but the migration-only ones."""
    tables, indexes = MIGRATION_ONLY_TABLES[dialect], MIGRATION_ONLY_INDEXES[dialect]

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, to: Any) -> bool:
        if type_ == "table":
            return name not in tables
        if type_ == "index":
            return name not in indexes and obj.table.name not in tables
        return True

    return include_object


def same_server_default(
    context: MigrationContext,
    inspected_column: Any,
    metadata_column: Any,
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's own comparison of server defaults (None), but for the empty string on SQLite.
    SQLite gives back the default as written, ``('')``; Alembic takes off parentheses and quotes
    only when something stands between them, so the model's ``server_default=""``
    (repairs.credit_management, created by migration 0008 with the same "") would differ for
    ever from what the database holds."""
    if context.dialect.name == "sqlite" and inspected_default in ("''", "('')"):
        return rendered_metadata_default != ""
    return None


# SQLite's reflection skips expression indexes (ix_records_dual_publicity), and says so.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)


def differences(conn: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(
        conn,
        opts={
            "compare_type": True,
            "compare_server_default": same_server_default,
            "include_object": leaves_out(conn.dialect.name),
        },
    )
    return compare_metadata(context, metadata)


def test_a_database_migrated_to_head_is_what_the_models_declare(empty_url):
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            found = differences(conn, Base.metadata)
            # … and a difference would be found: a model's column the migrations never made
            drifted = MetaData()
            for table in Base.metadata.sorted_tables:
                table.to_metadata(drifted)
            drifted.tables["repairs"].append_column(Column("drifted", Integer))
            assert [d[0] for d in differences(conn, drifted)] == ["add_column"]
    finally:
        engine.dispose()
    assert found == [], (
        "the models and the migrations differ (docs/testing.md § The code's shape): a model "
        "changed needs its migration, a migration its model\n"
        + "\n".join(f"  {difference}" for difference in found)
    )


def test_the_migration_only_structures_exist(empty_url):
    """Each name left out of the comparison is in a migrated database: a name that no longer
    is would hide a structure of that name added later."""
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        dialect = engine.dialect.name
        with engine.connect() as conn:
            inspector = sa_inspect(conn)
            tables = set(inspector.get_table_names())
            indexes = {index["name"] for table in tables for index in inspector.get_indexes(table)}
            if dialect == "sqlite":  # reflection skips expression indexes: ask the catalog
                indexes |= set(
                    conn.exec_driver_sql(
                        "SELECT name FROM sqlite_master WHERE type = 'index'"
                    ).scalars()
                )
    finally:
        engine.dispose()
    assert MIGRATION_ONLY_TABLES[dialect] <= tables
    assert MIGRATION_ONLY_INDEXES[dialect] <= indexes
