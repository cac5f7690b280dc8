"""Natural-person shareholders (股东及出资信息 with the shareholder's ID number), on both
databases: collection links each person to the company as a shareholder — one link per person,
following the newest record that names them, the others staying — so related parties reach
through them; but a shareholder does not answer for the company (Measures art. 29): a check on
the person does not reach the company's measures, and a black listing does not record the
failure in the shareholder's archive (issue 17 part 2 § 2: "where collected, shareholders")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.helpers import catalog_record, id_number, org
from fixtures.lists import ACME, GAMMA, LEGAL_REP, World, make_world
from fixtures.relations import ACME_NAME, GAMMA_NAME, relate
from xinyong.models import Record, Subject, SubjectLink

HOLDER = id_number("32010219700707007")  # 王股东
OTHER = id_number("32010219710808008")  # 赵股东


def shareholding(company: str, name: str, source_id: str, holder: str, holder_id: str) -> dict:
    record = catalog_record("org_shareholding", source_id, org(company, name))
    record["fields"].update(
        {
            "shareholder_name": holder,
            "shareholder_type": "自然人",
            "shareholder_id_number": holder_id,
        }
    )
    return record


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return relate(make_world(client, db, clock))


def links_of(w: World, code: str) -> list[tuple[str, str, int]]:
    """The company's links in force: (person's name, role, source record id)."""
    with w.db.transaction() as session:
        rows = session.execute(
            select(Subject.name, SubjectLink.role, SubjectLink.source_record_id)
            .join(Subject, Subject.id == SubjectLink.person_id)
            .join(
                company := Subject.__table__.alias("company"),
                company.c.id == SubjectLink.subject_id,
            )
            .where(company.c.credit_code == code, SubjectLink.ended_at.is_(None))
            .order_by(Subject.name)
        ).all()
    return [(name, str(role), rid) for name, role, rid in rows]


def test_each_shareholder_is_linked_and_follows_its_newest_record(w: World) -> None:
    w.push(
        w.market,
        shareholding(GAMMA, GAMMA_NAME, "sh-p1", "王股东", HOLDER),
        shareholding(GAMMA, GAMMA_NAME, "sh-p2", "赵股东", OTHER),
    )
    first = links_of(w, GAMMA)
    assert [(n, r) for n, r, _ in first] == [("王股东", "shareholder"), ("赵股东", "shareholder")]
    # 王股东's shares change: a newer record; 赵股东's link stays as it was.
    w.push(w.market, shareholding(GAMMA, GAMMA_NAME, "sh-p3", "王股东", HOLDER))
    second = links_of(w, GAMMA)
    assert [(n, r) for n, r, _ in second] == [("王股东", "shareholder"), ("赵股东", "shareholder")]
    assert second[1] == first[1] and second[0][2] != first[0][2]
    with w.db.transaction() as session:
        newest = session.execute(select(Record.id).where(Record.source_id == "sh-p3")).scalar_one()
    assert second[0][2] == newest
    # The company's public page names them as its shareholders, as the record does.
    page = w.client.get(f"/subjects/{GAMMA}")
    assert page.status_code == 200
    assert "<dt>股东</dt><dd>王股东</dd>" in page.text and "赵股东" in page.text


def test_a_natural_person_shareholder_is_a_related_party_with_its_path(w: World) -> None:
    # 李法人, ACME's legal representative (ACME black-listed), holds shares in GAMMA: GAMMA is
    # now two links from ACME through a person.
    # 王股东 holds shares in ACME only: one link from it, a person, never flagged.
    w.push(
        w.market,
        shareholding(GAMMA, GAMMA_NAME, "sh-p1", "李法人", LEGAL_REP),
        shareholding(ACME, ACME_NAME, "sh-p2", "王股东", HOLDER),
    )
    related = w.client.get(
        f"/api/v1/subjects/{GAMMA}/related",
        params={"purpose": "政府采购 2026-007 供应商审查"},
        headers=w.user.headers,
    ).json()
    by_name = {r["subject"]["name"]: r for r in related["related"]}
    assert by_name["李法人"]["distance"] == 1
    assert by_name["李法人"]["path_text"] == f"李法人是{GAMMA_NAME}的股东"
    assert by_name[ACME_NAME]["distance"] == 2 and by_name[ACME_NAME]["lists"] == ["black"]
    scanned = w.client.post("/api/v1/related-party-scans", headers=w.authority.headers)
    assert scanned.status_code == 201, scanned.text
    flags = w.client.get(
        "/api/v1/related-party-flags",
        params={"purpose": "重点监管对象排查"},
        headers=w.market.headers,
    ).json()["items"]
    # The person is not flagged (flags are for organisations), GAMMA is, with the path.
    gamma = next(f for f in flags if f["subject"]["credit_code"] == GAMMA)
    assert gamma["distance"] == 2
    assert gamma["path_text"] == (
        f"李法人是{ACME_NAME}（黑名单）的法定代表人，也是{GAMMA_NAME}的股东"
    )
    assert all(f["subject"]["credit_code"] for f in flags)


def test_a_shareholder_does_not_answer_for_the_company(w: World) -> None:
    # 王股东 holds shares in ACME, which is black-listed (relate): a check on 王股东 finds
    # nothing through ACME; a check on 李法人, its legal representative, does.
    w.push(w.market, shareholding(ACME, ACME_NAME, "sh-p1", "王股东", HOLDER))
    holder = w.check("administrative_licensing", HOLDER)
    assert holder.status_code == 200, holder.text
    [result] = holder.json()["results"]
    assert result["related_entries"] == [] and result["measures"] == []
    [rep] = w.check("administrative_licensing", LEGAL_REP).json()["results"]
    assert [e["via"]["role"] for e in rep["related_entries"]] == ["legal_representative"]
    # A black listing after the shareholding records the failure in the legal
    # representative's archive, never in the shareholder's.
    w.push(w.market, shareholding(GAMMA, GAMMA_NAME, "sh-p2", "王股东", HOLDER))
    w.list_entry(w.court, "court_judgment_defaulters", org(GAMMA, GAMMA_NAME), "c2")
    with w.db.transaction() as session:
        holder_id = session.execute(
            select(SubjectLink.person_id).where(SubjectLink.role == "shareholder").limit(1)
        ).scalar_one()
        holder_records = session.execute(
            select(Record.item_code).where(Record.subject_id == holder_id)
        ).all()
    assert holder_records == []
