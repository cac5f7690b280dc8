"""The named reads of subjects, their names and links (subjects/repository.py), on subjects
made by collection."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.helpers import catalog_record, credit_code, id_number, make_caller, org, push
from xinyong.models import LinkRole, Role, Subject
from xinyong.subjects import repository

COMPANY = credit_code("91320100MA1RPT01X")
OTHER = credit_code("91320100MA1RPT02X")
LEGAL = id_number("32010219800101123")
PRINCIPAL = id_number("32010219900202234")


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


def registration(source_id: str, code: str, **fields: str) -> dict:
    record = catalog_record("org_registration", source_id, org(code, "南京仓储有限公司"))
    record["fields"].update(name="南京仓储有限公司", **fields)
    return record


@pytest.fixture
def stored(client, provider, db):  # type: ignore[no-untyped-def]
    """A registered organisation with a legal representative and a principal, and another."""
    response = push(
        client,
        provider,
        [
            registration(
                "r-1",
                COMPANY,
                legal_representative_name="张代表",
                legal_representative_id_number=LEGAL,
                principal_name="李负责",
                principal_id_number=PRINCIPAL,
            ),
            registration("r-2", OTHER),
        ],
    )
    assert response.status_code == 200 and not response.json()["rejected"], response.text
    with db.transaction() as session:
        ids = dict(session.execute(select(Subject.credit_code, Subject.id)).all())
        hashes = {db.cipher.lookup_hash(n): n for n in (LEGAL, PRINCIPAL)}
        persons = dict(
            session.execute(
                select(Subject.id_hash, Subject.id).where(Subject.id_hash.in_(list(hashes)))
            ).all()
        )
    return {**ids, **{hashes[h]: i for h, i in persons.items()}}


def test_subjects_by_id_skips_unknown_ids(db, stored) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        found = repository.subjects_by_id(session, [stored[COMPANY], stored[LEGAL], 1])
        assert {i: s.name for i, s in found.items()} == {
            stored[COMPANY]: "南京仓储有限公司",
            stored[LEGAL]: "张代表",
        }


def test_subject_ids_by_id_hash_of_stored_persons(db, stored) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        legal = db.cipher.lookup_hash(LEGAL)
        found = repository.subject_ids_by_id_hash(session, [legal, "0" * 40])
        assert found == {legal: stored[LEGAL]}


def test_keys_and_names_as_the_feed_shows_them(db, stored) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        assert repository.keys_and_names(session, set()) == {}
        found = repository.keys_and_names(session, {stored[COMPANY], stored[LEGAL]})
    assert found[stored[COMPANY]] == (COMPANY, None, "南京仓储有限公司")
    code, masked, name = found[stored[LEGAL]]
    assert (code, name) == (None, "张代表") and masked and LEGAL not in masked


def test_links_in_force_with_their_persons(db, stored) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        links = repository.linked_persons_in_force(session, stored[COMPANY])
        assert sorted((link.role, person.id) for link, person in links) == sorted(
            [
                (LinkRole.legal_representative, stored[LEGAL]),
                (LinkRole.principal, stored[PRINCIPAL]),
            ]
        )
        assert repository.linked_persons_in_force(session, stored[OTHER]) == []
        in_role = repository.linked_person_ids_in_role
        assert in_role(session, stored[COMPANY], LinkRole.principal) == {stored[PRINCIPAL]}
        assert in_role(session, stored[COMPANY], LinkRole.responsible_person) == set()


def test_a_link_that_ended_is_not_in_force(client, provider, db, stored) -> None:  # type: ignore[no-untyped-def]
    # A later registration names another legal representative: the first link ends.
    response = push(
        client,
        provider,
        [
            registration(
                "r-3",
                COMPANY,
                legal_representative_name="李负责",
                legal_representative_id_number=PRINCIPAL,
            )
        ],
    )
    assert response.status_code == 200 and not response.json()["rejected"], response.text
    with db.transaction() as session:
        in_role = repository.linked_person_ids_in_role
        assert in_role(session, stored[COMPANY], LinkRole.legal_representative) == {
            stored[PRINCIPAL]
        }
        every = repository.links_of(session, stored[COMPANY])
        assert len(every) == 3  # the ended link stays in the archive
