"""PostgreSQL bulk path: COPY into a session-temporary staging table, then one
INSERT … SELECT … ON CONFLICT DO NOTHING into ``records`` (stored once, Measures art. 16)."""

from __future__ import annotations

import orjson
from sqlalchemy.orm import Session

COLUMNS = (
    "subject_id",
    "id",
    "item_code",
    "catalog_item_id",
    "catalog_version",
    "category",
    "disclosure",
    "provider_id",
    "batch_id",
    "channel",
    "source_id",
    "severity",
    "determined_on",
    "expires_on",
    "fields",
    "protected",
    "standing",
    "received_at",
)
_COLS = ", ".join(COLUMNS)


def copy_records(session: Session, values: list[dict]) -> set[int]:
    conn = session.connection().connection.driver_connection
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS records_stage "
            "(LIKE records INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cur.copy(f"COPY records_stage ({_COLS}) FROM STDIN") as copy:
            for v in values:
                copy.write_row(
                    (
                        v["subject_id"],
                        v["id"],
                        v["item_code"],
                        v["catalog_item_id"],
                        v["catalog_version"],
                        v["category"],
                        v["disclosure"],
                        v["provider_id"],
                        v["batch_id"],
                        v["channel"],
                        v["source_id"],
                        v["severity"],
                        v["determined_on"],
                        v["expires_on"],
                        orjson.dumps(v["fields"]).decode(),
                        None if v["protected"] is None else orjson.dumps(v["protected"]).decode(),
                        v["standing"],
                        v["received_at"],
                    )
                )
        cur.execute(
            f"INSERT INTO records ({_COLS}) SELECT {_COLS} FROM records_stage "
            "ON CONFLICT (subject_id, provider_id, item_code, source_id) DO NOTHING RETURNING id"
        )
        inserted = {row[0] for row in cur.fetchall()}
        cur.execute("TRUNCATE records_stage")
    return inserted
