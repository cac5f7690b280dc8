"""Subjects end to end: identifiers the platform must accept, persons linked to an organisation
by its registration (000 §（十二）; Measures art. 29), and the name history."""

from __future__ import annotations

import pytest
from catalog_samples import registration, required_fields, sample_record

from fixtures.helpers import credit_code, id_number, make_caller, penalty, push
from xinyong.core.identifiers import subject_key_kind
from xinyong.models import Role

COMPANY = credit_code("91320100MA1DENT1C")
LEGAL_REP = id_number("32010219800101123")
NEW_LEGAL_REP = id_number("32010619750505432")


def answer(response) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return response.json()


def subject(client, key: str, caller=None) -> dict:  # type: ignore[no-untyped-def]
    """The subject as the public reads it, or as ``caller`` does: a natural person no public
    list names is read by a department (to the public it is not there)."""
    response = client.get(f"/api/v1/subjects/{key}", headers=caller.headers if caller else {})
    assert response.status_code == 200, response.text
    return response.json()


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[14:]


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


class TestCreditCodesWithLetterAuthorities:
    @pytest.mark.parametrize(
        ("body17", "authority_name", "entity_type_name"),
        [
            ("N2320100MA1XYW12Q", "农业", "村级集体经济组织"),
            ("Y1320100MA1XYW12Q", "其他", "其他"),
            ("A1320100MA1XYW12Q", "中央军委改革和编制办公室", "军队事业单位"),
        ],
        ids=["N2-village-collective", "Y1-other", "A1-military-institution"],
    )
    def test_letter_authority_code_is_accepted_and_described(
        self, client, provider, body17, authority_name, entity_type_name
    ):
        code = credit_code(body17)
        body = answer(push(client, provider, [penalty("1", code, name="测试组织")]))
        assert (body["accepted"], body["rejected"]) == (1, [])
        found = subject(client, code)
        assert found["credit_code"] == code
        assert found["registering_authority"] == body17[0]
        assert found["registering_authority_name"] == authority_name
        assert found["entity_type_name"] == entity_type_name
        assert found["region_code"] == "320100"

    def test_lower_case_credit_code_is_stored_upper_case(self, client, provider):
        code = credit_code("N2320100MA1XYW12Q")
        answer(push(client, provider, [penalty("1", code.lower())]))
        assert subject(client, code)["credit_code"] == code

    def test_government_agency_code_marks_the_subject_as_agency(self, client, provider):
        code = credit_code("11320100MB1234567")
        answer(push(client, provider, [penalty("1", code, name="南京市某局")]))
        assert subject(client, code)["is_government_agency"] is True


class TestIdNumbers:
    def test_region_created_after_the_birth_year_is_accepted(self, client, provider):
        number = id_number("32011519850307123")  # 江宁区 320115 dates from 2000
        record = penalty("1", "", subject={"id_number": number, "name": "王五"})
        body = answer(push(client, provider, [record]))
        assert (body["accepted"], body["rejected"]) == (1, [])
        person = subject(client, number, provider)
        assert person["kind"] == "natural_person"
        assert person["region_code"] == "320115"
        assert person["id_number"] == masked(number)

    def test_lower_case_x_check_character_finds_the_same_person(self, client, provider):
        number = next(
            n for n in (id_number(f"32010219800101{k:03d}") for k in range(200)) if n[-1] == "X"
        )
        answer(
            push(
                client, provider, [penalty("1", "", subject={"id_number": number, "name": "赵六"})]
            )
        )
        assert subject(client, number.lower(), provider)["name"] == "赵六"


class TestRegistrationLinksPersons:
    def test_registration_fields_come_from_the_catalog(self):
        record = registration("r1", COMPANY, "南京登记测试有限公司")
        required = {f["name"] for f in required_fields("org_registration")}
        assert required == {
            "name",
            "entity_form",
            "established_on",
            "address",
            "registration_authority",
            "status",
        }
        assert required <= set(record["fields"])

    def test_registration_creates_the_legal_representative_as_a_person(self, client, provider):
        record = registration(
            "r1", COMPANY, "南京登记测试有限公司", legal_representative=("张三", LEGAL_REP)
        )
        assert answer(push(client, provider, [record]))["accepted"] == 1
        person = subject(client, LEGAL_REP, provider)
        assert (person["kind"], person["name"]) == ("natural_person", "张三")

    def test_organisation_lists_its_legal_representative(self, client, provider):
        record = registration(
            "r1", COMPANY, "南京登记测试有限公司", legal_representative=("张三", LEGAL_REP)
        )
        answer(push(client, provider, [record]))
        (link,) = subject(client, COMPANY)["links"]
        assert link["role"] == "legal_representative"
        assert link["direction"] == "person"
        assert link["name"] == "张三"
        assert link["key"] == masked(LEGAL_REP)
        assert link["ended_at"] is None

    def test_person_lists_the_organisation(self, client, provider):
        record = registration(
            "r1", COMPANY, "南京登记测试有限公司", legal_representative=("张三", LEGAL_REP)
        )
        answer(push(client, provider, [record]))
        (link,) = subject(client, LEGAL_REP, provider)["links"]
        assert link["role"] == "legal_representative"
        assert link["direction"] == "organisation"
        assert (link["name"], link["key"]) == ("南京登记测试有限公司", COMPANY)

    def test_principal_and_actual_controller_are_linked_too(self, client, provider):
        record = registration(
            "r1",
            COMPANY,
            "南京登记测试有限公司",
            legal_representative=("张三", LEGAL_REP),
            principal_name="李四",
            principal_id_number=NEW_LEGAL_REP,
            actual_controller_name="张三",
            actual_controller_id_number=LEGAL_REP,
        )
        answer(push(client, provider, [record]))
        links = {(link["role"], link["name"]) for link in subject(client, COMPANY)["links"]}
        assert links == {
            ("legal_representative", "张三"),
            ("principal", "李四"),
            ("actual_controller", "张三"),
        }
        assert len(subject(client, LEGAL_REP, provider)["links"]) == 2

    def test_new_legal_representative_ends_the_previous_link(self, client, provider, clock):
        first = registration(
            "r1", COMPANY, "南京登记测试有限公司", legal_representative=("张三", LEGAL_REP)
        )
        answer(push(client, provider, [first]))
        clock.advance(days=30)
        second = registration(
            "r2", COMPANY, "南京登记测试有限公司", legal_representative=("李四", NEW_LEGAL_REP)
        )
        answer(push(client, provider, [second]))
        links = {link["name"]: link for link in subject(client, COMPANY)["links"]}
        assert links["张三"]["ended_at"] is not None
        assert links["李四"]["ended_at"] is None
        (old,) = subject(client, LEGAL_REP, provider)["links"]
        assert old["ended_at"] is not None

    def test_same_legal_representative_again_keeps_one_link(self, client, provider):
        for source_id in ("r1", "r2"):
            record = registration(
                source_id, COMPANY, "南京登记测试有限公司", legal_representative=("张三", LEGAL_REP)
            )
            answer(push(client, provider, [record]))
        assert len(subject(client, COMPANY)["links"]) == 1

    def test_legal_representative_id_without_a_name_is_missing_field(self, client, provider):
        record = registration("r1", COMPANY, "南京登记测试有限公司")
        record["fields"]["legal_representative_id_number"] = LEGAL_REP
        body = answer(push(client, provider, [record]))
        errors = {(e["field"], e["code"]) for e in body["rejected"][0]["errors"]}
        assert errors == {("fields.legal_representative_name", "missing_field")}
        assert client.get(f"/api/v1/subjects/{LEGAL_REP}").status_code == 404

    def test_invalid_legal_representative_id_is_invalid_id_number(self, client, provider):
        wrong = LEGAL_REP[:17] + ("0" if LEGAL_REP[17] != "0" else "1")
        record = registration(
            "r1", COMPANY, "南京登记测试有限公司", legal_representative=("张三", wrong)
        )
        body = answer(push(client, provider, [record]))
        errors = {(e["field"], e["code"]) for e in body["rejected"][0]["errors"]}
        assert errors == {("fields.legal_representative_id_number", "invalid_id_number")}

    def test_non_registration_record_links_nobody(self, client, provider):
        record = sample_record(
            "administrative_penalty",
            "p1",
            {"credit_code": COMPANY, "name": "南京登记测试有限公司"},
            legal_representative_name="张三",
        )
        answer(push(client, provider, [record]))
        assert subject(client, COMPANY)["links"] == []


class TestNameHistory:
    def test_registration_with_a_new_name_renames_the_subject(self, client, provider, clock):
        answer(push(client, provider, [registration("r1", COMPANY, "南京旧名有限公司")]))
        clock.advance(days=10)
        answer(push(client, provider, [registration("r2", COMPANY, "南京新名有限公司")]))
        assert subject(client, COMPANY)["name"] == "南京新名有限公司"

    def test_old_name_stays_in_the_history(self, client, provider, clock):
        answer(push(client, provider, [registration("r1", COMPANY, "南京旧名有限公司")]))
        clock.advance(days=10)
        answer(push(client, provider, [registration("r2", COMPANY, "南京新名有限公司")]))
        names = subject(client, COMPANY)["names"]
        assert [n["name"] for n in names] == ["南京旧名有限公司", "南京新名有限公司"]
        assert names[0]["since"] < names[1]["since"]

    def test_registration_with_the_same_name_adds_no_history(self, client, provider):
        answer(push(client, provider, [registration("r1", COMPANY, "南京旧名有限公司")]))
        answer(push(client, provider, [registration("r2", COMPANY, "南京旧名有限公司")]))
        assert [n["name"] for n in subject(client, COMPANY)["names"]] == ["南京旧名有限公司"]

    def test_other_record_with_another_name_does_not_rename(self, client, provider):
        answer(push(client, provider, [registration("r1", COMPANY, "南京旧名有限公司")]))
        answer(push(client, provider, [penalty("p1", COMPANY, name="南京错名有限公司")]))
        found = subject(client, COMPANY)
        assert found["name"] == "南京旧名有限公司"
        assert [n["name"] for n in found["names"]] == ["南京旧名有限公司"]

    def test_registration_renames_a_subject_first_named_by_another_record(self, client, provider):
        answer(push(client, provider, [penalty("p1", COMPANY, name="南京简称")]))
        answer(push(client, provider, [registration("r1", COMPANY, "南京全称有限公司")]))
        found = subject(client, COMPANY)
        assert found["name"] == "南京全称有限公司"
        assert [n["name"] for n in found["names"]] == ["南京简称", "南京全称有限公司"]

    def test_duplicate_registration_with_a_new_name_does_not_rename(self, client, provider):
        answer(push(client, provider, [registration("r1", COMPANY, "南京旧名有限公司")]))
        renamed = registration("r1", COMPANY, "南京新名有限公司")
        assert answer(push(client, provider, [renamed]))["duplicates"] == 1
        assert subject(client, COMPANY)["name"] == "南京旧名有限公司"

    def test_registration_in_the_same_batch_names_a_new_subject(self, client, provider):
        records = [
            penalty("p1", COMPANY, name="南京简称"),
            registration("r1", COMPANY, "南京全称有限公司"),
        ]
        assert answer(push(client, provider, records))["accepted"] == 2
        assert subject(client, COMPANY)["name"] == "南京全称有限公司"


class TestKeysThatLookLikeTheOtherKind:
    def test_all_digit_social_organisation_code_is_found_by_its_key(self, client, db, clock):
        from fixtures.helpers import credit_code, make_caller, penalty, push

        # 民办非企业单位 in 常熟 (320581): all digits, and shaped like an ID number
        code = credit_code("52320581170905179")
        assert subject_key_kind(code) == "id_number"
        provider = make_caller(db, clock, role=Role.provider)
        assert (
            push(client, provider, [penalty("1", code, name="常熟市某某培训中心")]).json()[
                "accepted"
            ]
            == 1
        )
        response = client.get(f"/api/v1/subjects/{code}")
        assert response.status_code == 200, response.text
        assert response.json()["credit_code"] == code
