"""Who sees what of a subject and its archive (Measures art. 19–22, 36; 004 §14).

The public sees public items and masked ID numbers; departments also government-shared items,
for a stated purpose that is logged; authorised-query items and full ID numbers only reach the
subject itself and the credit authority.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from catalog_samples import registration, sample_record
from sqlalchemy import select

from fixtures.helpers import Caller, credit_code, id_number, make_caller, penalty, push
from xinyong.models import AuditEntry, Role

COMPANY = credit_code("91320100MA1PEEK1D")
PERSON = id_number("32010219800101123")  # the company's legal representative
OTHER_PERSON = id_number("32010619750505432")
COMPANY_NAME = "南京披露测试有限公司"
PURPOSE = {"purpose": "政府采购供应商信用审查"}


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[14:]


@dataclass
class Platform:
    company_id: int
    person_id: int
    other_person_id: int
    authority: Caller
    provider: Caller
    user: Caller


def accepted(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rejected"] == [], body


@pytest.fixture
def platform(client, db, clock) -> Platform:  # type: ignore[no-untyped-def]
    """A company with a public, a government-shared and an authorised record, and its legal
    representative with a public and an authorised record."""
    market = make_caller(db, clock, role=Role.provider)
    court = make_caller(db, clock, role=Role.provider, kind="court")
    police = make_caller(db, clock, role=Role.provider, kind="public_security")
    org = {"credit_code": COMPANY, "name": COMPANY_NAME}
    person = {"id_number": PERSON, "name": "张三"}
    accepted(
        push(
            client,
            market,
            [
                registration("r1", COMPANY, COMPANY_NAME, legal_representative=("张三", PERSON)),
                sample_record("inspection_result", "i1", org),
                penalty("p1", "", subject=person),
                penalty("p2", "", subject={"id_number": OTHER_PERSON, "name": "李四"}),
            ],
        )
    )
    accepted(push(client, court, [sample_record("criminal_judgment", "c1", org)]))
    accepted(push(client, police, [sample_record("person_basic", "b1", person)]))
    # Read by a department: a person no public list names is not there for the public.
    ids = {
        key: int(client.get(f"/api/v1/subjects/{key}", headers=market.headers).json()["id"])
        for key in (COMPANY, PERSON, OTHER_PERSON)
    }
    return Platform(
        company_id=ids[COMPANY],
        person_id=ids[PERSON],
        other_person_id=ids[OTHER_PERSON],
        authority=make_caller(db, clock, role=Role.authority, kind="credit_authority"),
        provider=market,
        user=make_caller(db, clock, role=Role.user_department),
    )


def subject_token(db, clock, subject_id: int) -> Caller:  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.subject, subject_id=subject_id)


def get(client, url: str, caller: Caller | None = None, **params) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(url, params=params, headers=caller.headers if caller else {})
    assert response.status_code == 200, response.text
    return response.json()


def items(archive: dict) -> set[str]:
    return {r["item"] for records in archive["categories"].values() for r in records}


def record_of(archive: dict, item: str) -> dict:
    (record,) = [r for rs in archive["categories"].values() for r in rs if r["item"] == item]
    return record


def audit_entries(db, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return list(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            ).scalars()
        )


class TestIdNumberMasking:
    def test_public_does_not_find_a_person_no_public_list_names(self, client, platform):
        # Before issue 12 (M1) the public read any person by ID number, masked; a listed
        # person's masking is in test_person_disclosure.py.
        response = client.get(f"/api/v1/subjects/{PERSON}")
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "subject_not_found"
        assert PERSON not in response.text

    def test_mask_keeps_first_6_and_last_4_with_8_stars(self, client, platform):
        shown = get(client, f"/api/v1/subjects/{PERSON}", platform.user)["id_number"]
        assert len(shown) == 18
        assert (shown[:6], shown[6:14], shown[14:]) == (PERSON[:6], "********", PERSON[14:])

    def test_public_archive_masks_the_id_number_in_record_fields(self, client, platform):
        response = client.get(f"/api/v1/subjects/{COMPANY}/archive")
        registration_record = record_of(response.json(), "org_registration")
        assert registration_record["fields"]["legal_representative_id_number"] == masked(PERSON)
        assert PERSON not in response.text

    def test_public_archive_of_an_unlisted_person_is_not_found(self, client, platform):
        response = client.get(f"/api/v1/subjects/{PERSON}/archive")
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "subject_not_found"
        assert PERSON not in response.text
        # A department reads it, masked.
        response = client.get(
            f"/api/v1/subjects/{PERSON}/archive", params=PURPOSE, headers=platform.user.headers
        )
        assert response.json()["subject"]["id_number"] == masked(PERSON)
        assert PERSON not in response.text

    def test_departments_see_id_numbers_masked(self, client, platform):
        for caller in (platform.provider, platform.user):
            response = client.get(
                f"/api/v1/subjects/{COMPANY}/archive", params=PURPOSE, headers=caller.headers
            )
            assert response.status_code == 200, response.text
            assert PERSON not in response.text
            assert get(client, f"/api/v1/subjects/{PERSON}", caller)["id_number"] == masked(PERSON)

    def test_authority_sees_the_full_id_number(self, client, platform):
        shown = get(client, f"/api/v1/subjects/{PERSON}", platform.authority)
        assert shown["id_number"] == PERSON

    def test_authority_sees_the_full_id_number_in_record_fields(self, client, platform):
        archive = get(client, f"/api/v1/subjects/{COMPANY}/archive", platform.authority, **PURPOSE)
        fields = record_of(archive, "org_registration")["fields"]
        assert fields["legal_representative_id_number"] == PERSON

    def test_the_person_itself_sees_its_full_id_number(self, client, db, clock, platform):
        own = subject_token(db, clock, platform.person_id)
        assert get(client, f"/api/v1/subjects/{PERSON}", own)["id_number"] == PERSON
        archive = get(client, f"/api/v1/subjects/{PERSON}/archive", own)
        assert archive["subject"]["id_number"] == PERSON

    def test_another_person_does_not_find_an_unlisted_person(self, client, db, clock, platform):
        # Another subject's token reads a person as the public does (a listed person masked:
        # test_person_disclosure.py).
        other = subject_token(db, clock, platform.other_person_id)
        response = client.get(f"/api/v1/subjects/{PERSON}", headers=other.headers)
        assert response.status_code == 404, response.text
        assert PERSON not in response.text

    def test_organisation_links_show_the_person_masked_even_to_the_authority(
        self, client, platform
    ):
        (link,) = get(client, f"/api/v1/subjects/{COMPANY}", platform.authority)["links"]
        assert link["key"] == masked(PERSON)


class TestDisclosureByRole:
    def test_public_sees_only_public_items(self, client, platform):
        archive = get(client, f"/api/v1/subjects/{COMPANY}/archive")
        assert archive["visible_disclosures"] == ["public"]
        assert items(archive) == {"org_registration"}

    def test_provider_sees_government_items_but_not_authorised_ones(self, client, platform):
        archive = get(client, f"/api/v1/subjects/{COMPANY}/archive", platform.provider, **PURPOSE)
        assert archive["visible_disclosures"] == ["government", "public"]
        assert items(archive) == {"org_registration", "inspection_result"}

    def test_user_department_sees_government_items_but_not_authorised_ones(self, client, platform):
        archive = get(client, f"/api/v1/subjects/{COMPANY}/archive", platform.user, **PURPOSE)
        assert items(archive) == {"org_registration", "inspection_result"}

    def test_user_department_does_not_see_authorised_person_basics(self, client, platform):
        archive = get(client, f"/api/v1/subjects/{PERSON}/archive", platform.user, **PURPOSE)
        assert items(archive) == {"administrative_penalty"}

    def test_authority_sees_every_item(self, client, platform):
        archive = get(client, f"/api/v1/subjects/{COMPANY}/archive", platform.authority, **PURPOSE)
        assert archive["visible_disclosures"] == ["authorised", "government", "public"]
        assert items(archive) == {"org_registration", "inspection_result", "criminal_judgment"}

    def test_the_organisation_itself_sees_every_item(self, client, db, clock, platform):
        own = subject_token(db, clock, platform.company_id)
        archive = get(client, f"/api/v1/subjects/{COMPANY}/archive", own)
        assert items(archive) == {"org_registration", "inspection_result", "criminal_judgment"}

    def test_the_person_itself_sees_its_authorised_basics(self, client, db, clock, platform):
        own = subject_token(db, clock, platform.person_id)
        archive = get(client, f"/api/v1/subjects/{PERSON}/archive", own)
        assert items(archive) == {"administrative_penalty", "person_basic"}

    def test_a_subject_token_sees_only_public_items_of_another_subject(
        self, client, db, clock, platform
    ):
        other = subject_token(db, clock, platform.other_person_id)
        archive = get(client, f"/api/v1/subjects/{COMPANY}/archive", other)
        assert archive["visible_disclosures"] == ["public"]
        assert items(archive) == {"org_registration"}

    def test_counts_follow_what_the_caller_sees(self, client, platform):
        public = get(client, f"/api/v1/subjects/{COMPANY}/archive")["counts"]
        authority = get(
            client, f"/api/v1/subjects/{COMPANY}/archive", platform.authority, **PURPOSE
        )["counts"]
        assert public == {"basic": 1, "positive": 0, "negative": 0, "other": 0}
        assert authority == {"basic": 1, "positive": 0, "negative": 1, "other": 1}

    def test_category_filter_returns_that_category_only(self, client, platform):
        archive = get(
            client,
            f"/api/v1/subjects/{COMPANY}/archive",
            platform.authority,
            category="negative",
            **PURPOSE,
        )
        assert archive["counts"] == {"basic": 0, "positive": 0, "negative": 1, "other": 0}
        assert items(archive) == {"criminal_judgment"}


class TestArchivePurpose:
    def test_provider_without_purpose_is_422_missing_purpose(self, client, platform):
        response = client.get(
            f"/api/v1/subjects/{COMPANY}/archive", headers=platform.provider.headers
        )
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert (error["code"], error["field"]) == ("missing_purpose", "purpose")

    def test_user_department_with_blank_purpose_is_422_missing_purpose(self, client, platform):
        response = client.get(
            f"/api/v1/subjects/{COMPANY}/archive",
            params={"purpose": "   "},
            headers=platform.user.headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "missing_purpose"

    def test_authority_without_purpose_is_422_missing_purpose(self, client, platform):
        response = client.get(
            f"/api/v1/subjects/{COMPANY}/archive", headers=platform.authority.headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "missing_purpose"

    def test_refused_read_writes_no_audit_entry(self, client, db, platform):
        client.get(f"/api/v1/subjects/{COMPANY}/archive", headers=platform.provider.headers)
        assert audit_entries(db, "archive.read") == []

    def test_public_needs_no_purpose_and_is_not_logged(self, client, db, platform):
        get(client, f"/api/v1/subjects/{COMPANY}/archive")
        assert audit_entries(db, "archive.read") == []

    def test_department_read_writes_an_audit_entry_with_its_purpose(self, client, db, platform):
        get(client, f"/api/v1/subjects/{COMPANY}/archive", platform.user, **PURPOSE)
        (entry,) = audit_entries(db, "archive.read")
        assert entry.actor.startswith("user_department:market_regulation-user_department#t")
        assert entry.purpose == PURPOSE["purpose"]
        assert entry.subject_id == platform.company_id
        assert entry.detail == {"non_public_records": 1, "full_id_numbers": False}

    def test_each_department_read_writes_its_own_entry(self, client, db, platform):
        for caller in (platform.provider, platform.user, platform.authority):
            get(client, f"/api/v1/subjects/{COMPANY}/archive", caller, **PURPOSE)
        entries = audit_entries(db, "archive.read")
        assert [e.actor.split(":")[0] for e in entries] == [
            "provider",
            "user_department",
            "authority",
        ]
        assert entries[-1].detail == {"non_public_records": 2, "full_id_numbers": True}

    def test_the_subject_reads_its_own_archive_without_purpose(self, client, db, clock, platform):
        own = subject_token(db, clock, platform.person_id)
        get(client, f"/api/v1/subjects/{PERSON}/archive", own)
        (entry,) = audit_entries(db, "archive.read")
        assert entry.subject_id == platform.person_id
        assert entry.purpose == "本人查询"

    def test_authority_reading_a_full_id_number_is_logged(self, client, db, platform):
        get(client, f"/api/v1/subjects/{PERSON}", platform.authority, purpose="异议核查")
        (entry,) = audit_entries(db, "subject.read")
        assert (entry.subject_id, entry.purpose) == (platform.person_id, "异议核查")

    def test_department_read_of_a_public_only_archive_is_logged(self, client, db, platform):
        get(client, f"/api/v1/subjects/{OTHER_PERSON}/archive", platform.user, **PURPOSE)
        (entry,) = audit_entries(db, "archive.read")
        assert entry.purpose == PURPOSE["purpose"]


class TestLookupErrors:
    @pytest.mark.parametrize("suffix", ["", "/archive"], ids=["subject", "archive"])
    def test_credit_code_with_wrong_check_character_is_422(self, client, suffix):
        wrong = COMPANY[:17] + ("0" if COMPANY[17] != "0" else "1")
        response = client.get(f"/api/v1/subjects/{wrong}{suffix}")
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert (error["code"], error["field"]) == ("invalid_credit_code", "key")

    @pytest.mark.parametrize("suffix", ["", "/archive"], ids=["subject", "archive"])
    def test_id_number_with_wrong_check_character_is_422(self, client, suffix):
        wrong = PERSON[:17] + ("0" if PERSON[17] != "0" else "1")
        response = client.get(f"/api/v1/subjects/{wrong}{suffix}")
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "invalid_id_number"

    def test_key_of_the_wrong_length_is_422_invalid_credit_code(self, client):
        response = client.get("/api/v1/subjects/12345")
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "invalid_credit_code"

    @pytest.mark.parametrize("suffix", ["", "/archive"], ids=["subject", "archive"])
    def test_unknown_credit_code_is_404_subject_not_found(self, client, suffix):
        unknown = credit_code("91320100MA1NKNWN1")
        response = client.get(f"/api/v1/subjects/{unknown}{suffix}")
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "subject_not_found"

    def test_unknown_id_number_is_404_subject_not_found(self, client):
        response = client.get(f"/api/v1/subjects/{OTHER_PERSON}")
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "subject_not_found"
