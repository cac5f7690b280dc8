"""The evaluation's input tables, read by DuckDB straight from the platform's database —
SQLite or PostgreSQL, through the extensions shipped as Python packages — or from a Parquet
extract; and that extract written for Spark (docs/adr/0016).

The extensions are never downloaded: ``INSTALL '<file>'`` copies the file the package ships
into an extension directory under ``XINYONG_VAR_DIR`` (by the extension's canonical name,
``postgres_scanner`` / ``sqlite_scanner``, under which alone it loads), and autoloading from
the internet is switched off. An intranet host needs nothing but the wheels.

The tables, whatever they are read from (the engine's only inputs):

    in_subjects      subject_id, kind
    in_records       subject_id, record_id, item_code, severity, standing, determined_on,
                     expires_on, received_on, f_<field> (text), item (its number among the
                     model's items), under_objection, d_<field> (date)
    in_entries       subject_id, entry_id, list_code, kind, state, confirmed_on, listed_until,
                     rectified
    in_commitments   subject_id, commitment_id, type, state, signed_on, closed_on
    in_declarations  subject_id, declaration_id, category, state, verified_on

Only what the model needs is read: records of the items it names, with the fields it names
(``Needs``). Days are Asia/Shanghai's (UTC+8 all year since 1991)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import duckdb
from sqlalchemy.engine import make_url

INPUTS = ("subjects", "records", "entries", "commitments", "declarations")
# Organisations by the kinds a model for organisations applies to; government agencies are
# evaluated by the government-integrity evaluation instead (003 政务诚信 §（五））.
KINDS = {
    "organisation": ("legal_person", "non_legal_person_org"),
    "natural_person": ("natural_person",),
}


@dataclass(frozen=True)
class FieldNeed:
    """A field some items' records are read with: as text (``f_<name>``) and, where it is a
    date, as a date too (``d_<name>``)."""

    name: str
    items: tuple[str, ...]
    is_date: bool


@dataclass(frozen=True)
class Needs:
    """What a model reads of the archive: its subjects' kind, the items, their fields."""

    applies_to: str
    items: tuple[str, ...]
    fields: tuple[FieldNeed, ...]
    # Repaired records of any item count for rectification done.
    repaired: bool = False


def _extension_module(name: str) -> ModuleType:
    if name == "postgres":
        import duckdb_extension_postgres

        return duckdb_extension_postgres
    import duckdb_extension_sqlite

    return duckdb_extension_sqlite


def connect(var_dir: Path, *, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills under ``var_dir`` and loads extensions only from the
    shipped packages."""
    base = Path(var_dir) / "duckdb"
    (base / "extensions").mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "extension_directory": str(base / "extensions"),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "temp_directory": str(base / "tmp"),
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    return duckdb.connect(config=config)


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """``postgres`` or ``sqlite``, from the file its package ships for this DuckDB."""
    module = _extension_module(name)
    assert module.__file__ is not None  # a regular package
    version = duckdb.sql("PRAGMA version").fetchone()[0]  # type: ignore[index]  # one row
    shipped = Path(module.__file__).parent / "extensions" / version / f"{name}.duckdb_extension"
    con.execute(f"INSTALL '{shipped}'")
    con.execute(f"LOAD {name}")


def _quoted(values: Collection[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "NULL"


def _ids(subject_ids: Collection[int] | None) -> str:
    if subject_ids is None:
        return ""
    return f" AND subject_id IN ({', '.join(str(int(s)) for s in subject_ids) or 'NULL'})"


def read_database(
    con: duckdb.DuckDBPyConnection,
    database_url: str,
    needs: Needs,
    *,
    subject_ids: Collection[int] | None = None,
) -> None:
    """Make the input tables from the platform's database (read only), narrowed to
    ``subject_ids`` when given (an explanation reads one subject)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        load_extension(con, "sqlite")
        con.execute(f"ATTACH '{url.database}' AS src (TYPE sqlite, READ_ONLY)")
        dialect = "sqlite"
    else:
        load_extension(con, "postgres")
        con.execute(f"ATTACH '{_libpq(database_url)}' AS src (TYPE postgres, READ_ONLY)")
        dialect = "postgresql"
    try:
        _tables(con, dialect, needs, _ids(subject_ids))
    finally:
        con.execute("DETACH src")


def _libpq(database_url: str) -> str:
    """A SQLAlchemy URL as libpq's key=value string."""
    url = make_url(database_url)
    parts = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v not in (None, ""))


def _local_day(column: str, dialect: str) -> str:
    """The Asia/Shanghai day of a stored UTC time, in the database's own SQL: SQLite keeps
    it as naive text (models/base.py), PostgreSQL as timestamptz."""
    if dialect == "sqlite":
        return f"date({column}, '+8 hours')"
    return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS date)"


def _json_text(field: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"json_extract(fields, '$.{field}')"
    return f"fields->>'{field}'"


def _native(dialect: str, query: str) -> str:
    """A query the database runs itself (its filters, its JSON): DuckDB's extensions push
    no filter into SQLite and no JSON extraction into PostgreSQL, so the rows that cross are
    only those wanted, with only the fields wanted."""
    function = "sqlite_query" if dialect == "sqlite" else "postgres_query"
    return f"{function}('src', '{query.replace(chr(39), chr(39) * 2)}')"


def _tables(con: duckdb.DuckDBPyConnection, dialect: str, needs: Needs, narrow: str) -> None:
    """The inputs, typed here: SQLite's query results come as text."""
    kinds = _quoted(KINDS[needs.applies_to])
    agency = " AND NOT is_government_agency" if needs.applies_to == "organisation" else ""
    by_id = narrow.replace("subject_id", "id")
    subjects = _native(
        dialect, f"SELECT id, kind FROM subjects WHERE kind IN ({kinds}){agency}{by_id}"
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_subjects AS SELECT CAST(id AS BIGINT) AS subject_id, "
        f"CAST(kind AS VARCHAR) AS kind FROM {subjects}"
    )
    _records(con, dialect, needs, narrow)
    entries = _native(
        dialect,
        "SELECT subject_id, id, list_code, kind, state, "
        f"{_local_day('confirmed_at', dialect)} AS confirmed_on, listed_until, "
        f"rectified_at IS NOT NULL AS rectified FROM list_entries WHERE true{narrow}",
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_entries AS SELECT CAST(subject_id AS BIGINT) AS subject_id, "
        "CAST(id AS BIGINT) AS entry_id, CAST(list_code AS VARCHAR) AS list_code, "
        "CAST(kind AS VARCHAR) AS kind, CAST(state AS VARCHAR) AS state, "
        "CAST(confirmed_on AS DATE) AS confirmed_on, CAST(listed_until AS DATE) AS "
        f"listed_until, CAST(CAST(rectified AS INTEGER) AS BOOLEAN) AS rectified FROM {entries}"
    )
    commitments = _native(
        dialect,
        f"SELECT subject_id, id, type, state, {_local_day('signed_at', dialect)} AS signed_on, "
        f"{_local_day('closed_at', dialect)} AS closed_on FROM commitments WHERE true{narrow}",
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_commitments AS SELECT CAST(subject_id AS BIGINT) AS "
        "subject_id, CAST(id AS BIGINT) AS commitment_id, CAST(type AS VARCHAR) AS type, "
        "CAST(state AS VARCHAR) AS state, CAST(signed_on AS DATE) AS signed_on, "
        f"CAST(closed_on AS DATE) AS closed_on FROM {commitments}"
    )
    declarations = _native(
        dialect,
        f"SELECT subject_id, id, category, state, {_local_day('verified_at', dialect)} AS "
        f"verified_on FROM declarations WHERE true{narrow}",
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_declarations AS SELECT CAST(subject_id AS BIGINT) AS "
        "subject_id, CAST(id AS BIGINT) AS declaration_id, CAST(category AS VARCHAR) AS "
        "category, CAST(state AS VARCHAR) AS state, CAST(verified_on AS DATE) AS verified_on "
        f"FROM {declarations}"
    )


def _records(con: duckdb.DuckDBPyConnection, dialect: str, needs: Needs, narrow: str) -> None:
    """The records of the model's items with the fields it reads, each taken out of the JSON
    by the database for those items only; and whether each is under an open objection."""
    items = f"(item_code IN ({_quoted(needs.items)})"
    items += " OR standing = 'repaired')" if needs.repaired else ")"
    fields = "".join(
        f", CASE WHEN item_code IN ({_quoted(f.items)}) THEN {_json_text(f.name, dialect)} "
        f"END AS f_{f.name}"
        for f in needs.fields
    )
    records = _native(
        dialect,
        "SELECT subject_id, id, item_code, severity, standing, determined_on, expires_on, "
        f"{_local_day('received_at', dialect)} AS received_on{fields} FROM records "
        f"WHERE {items}{narrow}",
    )
    objections = _native(
        dialect,
        "SELECT DISTINCT subject_id, target_id FROM objections WHERE target_type = 'record' "
        f"AND state <> 'closed'{narrow}",
    )
    typed = "".join(f", CAST(f_{f.name} AS VARCHAR) AS f_{f.name}" for f in needs.fields)
    # The item by its number in needs.items (engine.item_numbers): what the engine looks up.
    number = " ".join(f"WHEN '{code}' THEN {n}" for n, code in enumerate(needs.items))
    typed += f", CAST(CASE item_code {number} END AS SMALLINT) AS item"
    dates = "".join(
        f", TRY_CAST(f_{f.name} AS DATE) AS d_{f.name}" for f in needs.fields if f.is_date
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_records AS SELECT CAST(r.subject_id AS BIGINT) AS "
        "subject_id, CAST(r.id AS BIGINT) AS record_id, CAST(item_code AS VARCHAR) AS "
        "item_code, CAST(severity AS VARCHAR) AS severity, CAST(standing AS VARCHAR) AS "
        "standing, CAST(determined_on AS DATE) AS determined_on, CAST(expires_on AS DATE) AS "
        f"expires_on, CAST(received_on AS DATE) AS received_on{typed}, o.target_id IS NOT NULL "
        f"AS under_objection{dates} FROM {records} r LEFT JOIN {objections} o "
        "ON CAST(o.subject_id AS BIGINT) = CAST(r.subject_id AS BIGINT) "
        "AND CAST(o.target_id AS BIGINT) = CAST(r.id AS BIGINT)"
    )


def write_extract(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The input tables as Parquet files in ``folder`` (one per table), for Spark or for a
    later run read from the extract."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        con.execute(f"COPY in_{name} TO '{folder / name}.parquet' (FORMAT parquet)")


def read_extract(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The input tables from an extract written by :func:`write_extract`."""
    for name in INPUTS:
        path = folder / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(2, "no such extract file", str(path))
        con.execute(f"CREATE OR REPLACE VIEW in_{name} AS SELECT * FROM read_parquet('{path}')")
