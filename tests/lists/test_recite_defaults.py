"""An installation whose lists and measures were published while their texts still cited the
seeds by file tag (before issue 14) gets them published again by `xinyong db upgrade`, each
document named by title and number: a new version of what changed, once, audited."""

from __future__ import annotations

from sqlalchemy import select

from xinyong.core.citations import cite
from xinyong.lists.schemas import ListsIn
from xinyong.lists.service import default_lists, publish_lists
from xinyong.measures.schemas import MeasuresIn
from xinyong.measures.service import default_measures, publish_measures
from xinyong.models import AuditEntry, CreditList, Measure

JOINT = cite("003 联合奖惩")
# The texts as they were shipped before: (as cited now, as it was).
TAGGED = [
    (f"{JOINT}第（三）项至第（七）项", f"{JOINT} 联合奖惩 §（三）–（七）"),
    (f"（{JOINT}第（六）项第1目）", "（苏政发〔2018〕23号 联合奖惩 §（六）1）"),
    (
        f"（{JOINT}第（十八）项、第（二十一）项）",
        "（苏政发〔2018〕23号 联合奖惩 §（十八）、§（二十一））",
    ),
]


def _tagged(text: str) -> str:
    for now, before in TAGGED:
        text = text.replace(now, before)
    return text


def _old(data: dict) -> dict:
    return {k: _tagged(v) if isinstance(v, str) else v for k, v in data.items()}


def test_db_upgrade_publishes_tagged_lists_and_measures_again_with_citations(db, run, clock):
    lists = default_lists()
    measures = default_measures()
    old_lists = ListsIn(lists=[_old(spec.model_dump(mode="json")) for spec in lists.lists])
    old_measures = MeasuresIn(
        measures=[_old(spec.model_dump(mode="json")) for spec in measures.measures]
    )
    with db.transaction() as session:
        tagged_lists = publish_lists(session, old_lists, actor="system", now=clock.now())
        tagged_measures = publish_measures(session, old_measures, actor="system", now=clock.now())[
            "revised"
        ]
    assert len(tagged_lists) >= 2 and len(tagged_measures) >= 10
    with db.transaction() as session:
        stored = {row.code: row.spec for row in session.execute(select(CreditList)).scalars()}
        assert any("§" in spec["legal_basis"] for spec in stored.values())

    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output

    with db.transaction() as session:
        rows = {row.code: row for row in session.execute(select(CreditList)).scalars()}
        for spec in lists.lists:
            assert rows[spec.code].spec == spec.model_dump(mode="json")
            assert rows[spec.code].version == (3 if spec.code in tagged_lists else 1)
        measure_rows = {m.code: m for m in session.execute(select(Measure)).scalars()}
        for spec in measures.measures:
            assert measure_rows[spec.code].spec == spec.model_dump(mode="json")
            assert measure_rows[spec.code].active
            assert measure_rows[spec.code].version == (3 if spec.code in tagged_measures else 1)
        list_versions = {code: row.version for code, row in rows.items()}
        measure_versions = {code: m.version for code, m in measure_rows.items()}
        actions = [
            (a.actor, a.action, a.detail)
            for a in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        ]
    assert ("system", "lists.published", {"changed": tagged_lists}) in actions
    assert (
        "system",
        "measures.published",
        {"added": [], "revised": tagged_measures, "retired": []},
    ) in actions

    # Once: nothing carries a tag any more, so a second upgrade publishes nothing.
    assert run("db", "upgrade").exit_code == 0
    with db.transaction() as session:
        lists_now = session.execute(select(CreditList)).scalars()
        assert {r.code: r.version for r in lists_now} == list_versions
        measures_now = session.execute(select(Measure)).scalars()
        assert {m.code: m.version for m in measures_now} == measure_versions


def test_a_list_text_the_authority_wrote_without_tags_is_left_alone(db, run):
    assert run("db", "upgrade").exit_code == 0
    with db.transaction() as session:
        assert {r.version for r in session.execute(select(CreditList)).scalars()} == {1}
        assert {m.version for m in session.execute(select(Measure)).scalars()} == {1}
