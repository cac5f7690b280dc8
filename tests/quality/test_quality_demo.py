"""Issue 18 part 3's acceptance on the demo data: the three kinds of quality finding the issue
names come out of it — the update-cycle task, the consistency findings (at least the name
mismatch, the decision number pushed three times, the decision after its arrival) and each
provider's quality score —; and a correction replaces the record through a revision, the old
one kept in the subject's history."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from fixtures.demo import FULL, kept_demo
from xinyong.core.auth import SYSTEM
from xinyong.models import Record, RecordRevision, Standing, Task
from xinyong.quality.run import check
from xinyong.quality.service import provider_scores
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The folder's settings with the daily quality checks off again, as every other folder has
    them: here the checks run by hand, not as the daily job, and the demo is then the one the
    other folders' tests keep (tests/fixtures/demo.py), not loaded again for this one."""
    return settings.model_copy(update={"quality_daily_checks": False})


def test_the_demo_yields_every_kind_of_finding_and_a_correction_keeps_history(
    client,
    db,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    demo = kept_demo(client, db, clock, **FULL)
    with db.transaction() as session:
        run = check(session, Step(CollectionContext(db), SYSTEM, clock.now()), kind="daily")
    assert run.found["name_mismatch"] >= 1
    assert run.found["duplicate_decision"] >= 2
    assert run.found["decision_after_arrival"] >= 1
    assert run.duties_opened > 0
    authority = demo.tokens["js-credit_authority"]["token"]
    answer = client.get(
        "/api/v1/quality/findings",
        params={"limit": 1000},
        headers={"Authorization": f"Bearer {authority}"},
    )
    findings = answer.json()["findings"]
    # One decision number stored three times: its two later copies are found.
    copies = Counter(f["fact"] for f in findings if f["rule"] == "duplicate_decision")
    assert 2 in copies.values()
    with db.transaction() as session:
        overdue = session.execute(select(Task).where(Task.kind == "update_overdue")).scalars().all()
        scores = provider_scores(session, "2026-06")
    assert overdue and all(t.closed_at is None for t in overdue)
    assert scores and min(scores.values()) < 100 and all(0 <= v <= 100 for v in scores.values())

    [wrong] = [f for f in findings if f["rule"] == "name_mismatch"]
    provider = demo.tokens[wrong["department"]]["token"]
    headers = {"Authorization": f"Bearer {provider}"}
    with db.transaction() as session:
        original = session.execute(
            select(Record).where(Record.id == int(wrong["record_id"]))
        ).scalar_one()
        body = {
            "item": original.item_code,
            "source_id": original.source_id,
            "subject": {"credit_code": wrong["subject"], "name": wrong["subject_name"]},
            "fields": original.fields,
        }
    done = client.post(
        f"/api/v1/quality/findings/{wrong['id']}/correction",
        json={"record": body, "reason": "主体名称录入有误，按登记名称更正"},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    with db.transaction() as session:
        old = session.execute(select(Record).where(Record.id == original.id)).scalar_one()
        history = (
            session.execute(select(RecordRevision).where(RecordRevision.record_id == original.id))
            .scalars()
            .all()
        )
        new = session.execute(
            select(Record).where(Record.id == int(done.json()["new_record_id"]))
        ).scalar_one()
    assert old.standing is Standing.corrected and old.fields == original.fields
    assert [(r.standing, r.procedure) for r in history] == [(Standing.corrected, "quality")]
    assert new.standing is Standing.active and new.subject_name == wrong["subject_name"]
