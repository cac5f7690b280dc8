"""The daily job expires records past their validity (Measures art. 30) once, with a revision."""

from __future__ import annotations

from sqlalchemy import select

from fixtures.helpers import catalog_record, credit_code, make_caller, penalty, push
from xinyong.jobs import run_jobs
from xinyong.models import AuditEntry, Record, RecordRevision, Role, Standing
from xinyong.records.service import CollectionContext

ACME = credit_code("91320100MA1X2Y3W4")


def test_expired_records_change_standing_once_and_stay_as_history(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    provider = make_caller(db, clock, role=Role.provider)
    answer = push(
        client,
        provider,
        [
            penalty("p-2026", ACME),  # general, determined 2026-05-10: counts until 2027-05-09
            penalty("p-2025", ACME, determined_on="2025-09-01"),  # until 2026-08-31
            catalog_record("administrative_licensing", "l-1", {"credit_code": ACME, "name": "x"}),
        ],
    )
    assert answer.status_code == 200 and not answer.json()["rejected"], answer.text
    ctx = CollectionContext(db)

    assert run_jobs(db, clock, ctx)["records_expired"] == 0  # 2026-06-15: nothing due
    clock.advance(days=77)  # 2026-08-31: the last day of p-2025's validity
    assert run_jobs(db, clock, ctx)["records_expired"] == 0
    clock.advance(days=1)  # 2026-09-01
    assert run_jobs(db, clock, ctx)["records_expired"] == 1
    assert run_jobs(db, clock, ctx)["records_expired"] == 0  # idempotent

    with db.transaction() as session:
        standing = dict(session.execute(select(Record.source_id, Record.standing)).all())
        revisions = list(session.execute(select(RecordRevision)).scalars())
        audited = session.execute(
            select(AuditEntry.detail).where(AuditEntry.action == "records.expired")
        ).scalar_one()
    assert standing == {
        "p-2026": Standing.active,
        "p-2025": Standing.expired,
        "l-1": Standing.active,  # a licence does not expire
    }
    assert [(r.standing, r.procedure, r.actor) for r in revisions] == [
        (Standing.expired, "expiry", "system")
    ]
    assert audited == {"count": 1, "as_of": "2026-09-01"}

    # Still in the archive, as history, for those who may see it.
    archive = client.get(
        f"/api/v1/subjects/{ACME}/archive", params={"purpose": "核查"}, headers=provider.headers
    ).json()
    kept = {r["source_id"]: r["standing"] for r in archive["categories"]["negative"]}
    assert kept == {"p-2026": "active", "p-2025": "expired"}
