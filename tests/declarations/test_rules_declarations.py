"""The declaration rules without a database: the deadline by the official calendar (the day
before, of and after; over 端午 and 国庆 2026), a category's fields, an attachment's type by
its content, the platform's own verification, the routing, which step may follow which and
who takes it, and the record a false declaration writes."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import pytest

from xinyong.catalog.service import default_catalog
from xinyong.core.calendar import Calendar, builtin_years
from xinyong.declarations import rules
from xinyong.declarations.schemas import CATEGORIES, FALSE_DECLARATION
from xinyong.models import DeclarationCategory, DeclarationState, Role
from xinyong.tasks.rules import is_overdue

CAL = Calendar(builtin_years().values())
S = DeclarationState
QUALIFICATION = CATEGORIES[DeclarationCategory.qualification]
CONTRACT = CATEGORIES[DeclarationCategory.contract]
PDF = b"%PDF-1.7\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
PNG = b"\x89PNG\r\n\x1a\n\x00"


class TestDeadline:
    def test_ten_working_days_over_the_dragon_boat_festival(self) -> None:
        # 15 June 2026 (Mon); 19 June (Fri) is 端午.
        assert rules.due_on(CAL, date(2026, 6, 15), 10) == date(2026, 6, 30)

    def test_ten_working_days_over_the_national_day(self) -> None:
        # 28 Sep 2026: 29, 30 Sep; 1–7 Oct off; 8, 9, 10 (adjusted Saturday), 12–16 Oct.
        assert rules.due_on(CAL, date(2026, 9, 28), 10) == date(2026, 10, 16)

    @pytest.mark.parametrize(
        ("today", "overdue"),
        [(date(2026, 6, 29), False), (date(2026, 6, 30), False), (date(2026, 7, 1), True)],
    )
    def test_the_task_is_overdue_from_the_day_after_its_last_day(
        self, today: date, overdue: bool
    ) -> None:
        from xinyong.models import Task

        task = Task(due_on=rules.due_on(CAL, date(2026, 6, 15), 10), closed_at=None)
        assert is_overdue(task, today) is overdue


class TestFields:
    def test_a_complete_qualification_is_stored_as_json(self) -> None:
        fields = rules.check_fields(
            QUALIFICATION,
            {
                "licence_name": " 食品经营许可证 ",
                "licence_number": "JY1",
                "issuing_authority": "市监局",
                "valid_from": "2025-01-01",
            },
            date(2026, 6, 15),
        )
        assert fields == {
            "licence_name": "食品经营许可证",
            "licence_number": "JY1",
            "issuing_authority": "市监局",
            "valid_from": "2025-01-01",
        }

    @pytest.mark.parametrize(
        ("performed_on", "refused"),
        [("2026-06-14", False), ("2026-06-15", False), ("2026-06-16", True)],
    )
    def test_a_date_after_the_declaration_day_is_refused(
        self, performed_on: str, refused: bool
    ) -> None:
        raw = {
            "counterparty": "某公司",
            "contract_subject": "工程",
            "amount": "1",
            "performed_on": performed_on,
        }
        got = rules.check_fields(CONTRACT, raw, date(2026, 6, 15))
        assert isinstance(got, rules.Problem) is refused
        if refused:
            assert isinstance(got, rules.Problem)
            assert (got.code, got.field) == ("invalid_declaration_field", "fields.performed_on")

    def test_missing_fields_are_named_all(self) -> None:
        got = rules.check_fields(CONTRACT, {}, date(2026, 6, 15))
        assert isinstance(got, rules.Problem) and got.code == "missing_declaration_field"
        assert got.detail == {
            "missing": ["amount", "contract_subject", "counterparty", "performed_on"]
        }

    def test_an_unknown_category_has_no_spec(self) -> None:
        assert rules.category_spec("charity") is None
        assert rules.category_spec("honour") is CATEGORIES[DeclarationCategory.honour]


class TestAttachmentType:
    @pytest.mark.parametrize(
        ("name", "claimed", "head", "found"),
        [
            ("a.pdf", "application/pdf", PDF, "application/pdf"),
            ("a.JPG", "image/jpeg", JPEG, "image/jpeg"),
            ("a.png", None, PNG, "image/png"),
            # No claim of an accepted type: the content decides.
            ("scan", "application/octet-stream", PDF, "application/pdf"),
        ],
    )
    def test_the_content_decides(self, name: str, claimed: str, head: bytes, found: str) -> None:
        assert rules.attachment_type(name, claimed, head) == found

    @pytest.mark.parametrize(
        ("name", "claimed", "head", "code"),
        [
            ("a.pdf", "application/pdf", PNG, "attachment_type_mismatch"),
            ("a.pdf", None, b"hello", "attachment_type_mismatch"),
            ("a.bin", "application/pdf; charset=x", JPEG, "attachment_type_mismatch"),
            ("a.png", "image/png", PDF, "attachment_type_mismatch"),
            ("a.txt", "text/plain", b"hello", "unsupported_attachment_type"),
            ("a", None, b"", "unsupported_attachment_type"),
        ],
    )
    def test_a_false_claim_or_another_type_is_refused(
        self, name: str, claimed: str | None, head: bytes, code: str
    ) -> None:
        got = rules.attachment_type(name, claimed, head)
        assert isinstance(got, rules.Problem) and got.code == code


LICENCE = rules.RecordFacts(
    id=7,
    item="administrative_licensing",
    fields={
        "licence_number": "JY1320",
        "valid_from": "2025-01-01",
        "valid_to": "2030-12-31",
        "current_status": "正常",
    },
)
REGISTERED = rules.Registration(
    organisation=True, legal_representatives=frozenset({"王法人"}), status="存续"
)
DECLARED = {"licence_number": "jy 1320", "valid_from": "2025-01-01", "valid_to": "2030-12-31"}


class TestAutomatic:
    def test_a_matching_record_and_registration_confirm_it(self) -> None:
        verdict = rules.automatic(QUALIFICATION, DECLARED, "王法人", REGISTERED, [LICENCE])
        assert verdict.record == LICENCE and verdict.findings == ()

    def test_a_person_needs_no_registration(self) -> None:
        person = rules.Registration(
            organisation=False, legal_representatives=frozenset(), status=None
        )
        assert rules.automatic(QUALIFICATION, DECLARED, None, person, [LICENCE]).record == LICENCE

    @pytest.mark.parametrize(
        ("declared", "record_fields", "finding"),
        [
            ({**DECLARED, "licence_number": "JY9999"}, {}, "no_confirming_record"),
            ({**DECLARED, "valid_to": "2031-12-31"}, {}, "no_confirming_record"),
            (DECLARED, {"current_status": "撤销"}, "no_confirming_record"),
            (DECLARED, {"licence_number": ""}, "no_confirming_record"),
        ],
    )
    def test_a_record_that_does_not_agree_confirms_nothing(
        self, declared: dict, record_fields: dict, finding: str
    ) -> None:
        record = rules.RecordFacts(7, LICENCE.item, {**LICENCE.fields, **record_fields})
        verdict = rules.automatic(QUALIFICATION, declared, "王法人", REGISTERED, [record])
        assert verdict.record is None and verdict.findings == (finding,)

    def test_a_record_without_the_validity_still_confirms_by_its_number(self) -> None:
        record = rules.RecordFacts(
            7, "qualification", {"certificate_number": "JY1320", "status": "有效"}
        )
        verdict = rules.automatic(QUALIFICATION, DECLARED, "王法人", REGISTERED, [record])
        assert verdict.record == record

    @pytest.mark.parametrize(
        ("registration", "legal_rep", "findings"),
        [
            (REGISTERED, "李别人", ("legal_representative_differs",)),
            (REGISTERED, None, ("legal_representative_differs",)),
            (
                rules.Registration(True, frozenset(), "存续"),
                "王法人",
                ("legal_representative_unknown",),
            ),
            (
                rules.Registration(True, frozenset({"王法人"}), "注销"),
                "王法人",
                ("registration_closed",),
            ),
        ],
    )
    def test_a_registration_that_disagrees_confirms_nothing(
        self, registration: rules.Registration, legal_rep: str | None, findings: tuple
    ) -> None:
        verdict = rules.automatic(QUALIFICATION, DECLARED, legal_rep, registration, [LICENCE])
        assert verdict.record is None and verdict.findings == findings

    def test_a_contract_is_never_judged_by_the_platform(self) -> None:
        verdict = rules.automatic(CONTRACT, {}, "王法人", REGISTERED, [LICENCE])
        assert verdict.findings == ("not_judged_by_platform",)


D = rules.DepartmentFacts


class TestRoute:
    depts: ClassVar[list[rules.DepartmentFacts]] = [
        D(1, "amr-prov", "market_regulation", "320000"),
        D(2, "amr-nj", "market_regulation", "320100"),
        D(3, "amr-xw", "market_regulation", "320102"),
        D(4, "court", "court", "320102"),
    ]

    def test_the_nearest_department_of_the_default_sector(self) -> None:
        assert rules.route(QUALIFICATION, None, self.depts, "320102") == self.depts[2]
        assert rules.route(QUALIFICATION, None, self.depts, "320105") == self.depts[1]
        assert rules.route(QUALIFICATION, None, self.depts, "110000") == self.depts[0]
        assert rules.route(QUALIFICATION, None, self.depts, None) == self.depts[0]

    def test_none_of_the_sector_goes_to_the_authority(self) -> None:
        assert (
            rules.route(CATEGORIES[DeclarationCategory.honour], None, self.depts, "320102") is None
        )

    def test_a_named_department_must_be_competent(self) -> None:
        assert rules.route(QUALIFICATION, self.depts[1], self.depts, "320102") == self.depts[1]
        got = rules.route(QUALIFICATION, self.depts[3], self.depts, "320102")
        assert isinstance(got, rules.Problem) and got.code == "department_not_competent"


class TestSteps:
    @pytest.mark.parametrize(
        ("outcome", "state", "reason"),
        [
            ("verified", S.pending, None),
            ("rejected", S.pending, None),
            ("false", S.pending, None),
            ("false", S.verified, None),
            ("verified", S.verified, "already_verified"),
            ("rejected", S.verified, "already_verified"),
            ("verified", S.rejected, "invalid_state"),
            ("false", S.rejected, "invalid_state"),
            ("false", S.false, "invalid_state"),
        ],
    )
    def test_which_outcome_may_follow(self, outcome: str, state: S, reason: str | None) -> None:
        assert rules.refusal(outcome, state) == reason

    @pytest.mark.parametrize(
        ("role", "mine", "theirs", "may"),
        [
            (Role.provider, 2, 2, True),
            (Role.user_department, 2, 2, True),
            (Role.provider, 3, 2, False),
            (Role.provider, None, None, False),
            (Role.provider, 2, None, False),
            (Role.authority, 9, 2, True),
            (Role.authority, 9, None, True),
            (Role.subject, None, 2, False),
            (Role.public, None, 2, False),
        ],
    )
    def test_who_verifies(
        self, role: Role, mine: int | None, theirs: int | None, may: bool
    ) -> None:
        assert rules.may_verify(role, mine, theirs) is may


class TestFalseDeclaration:
    def test_its_record_is_a_false_commitment(self) -> None:
        fields = rules.false_declaration_fields(
            declaration_id=42,
            category_name="资质证照",
            declared_on=date(2026, 6, 15),
            facts="隐瞒",
            decision_number="宁1号",
            today=date(2026, 7, 6),
            department_name="市监局",
        )
        assert fields["breach_type"] == "虚假承诺"
        assert fields["commitment_number"] == "42"
        assert fields["committed_on"] == "2026-06-15"
        assert fields["commitment_matter"] == "自主申报资质证照信息真实性承诺"

    def test_every_competent_sector_may_write_it(self) -> None:
        item = next(i for i in default_catalog().items if i.code == FALSE_DECLARATION.item)
        assert item.category.value == "negative"
        for code, spec in CATEGORIES.items():
            assert set(spec.sectors) <= set(item.sources), code
            assert spec.default_sector in spec.sectors, code

    def test_every_confirming_item_and_field_is_in_the_catalog(self) -> None:
        items = {i.code: i for i in default_catalog().items}
        for code, spec in CATEGORIES.items():
            declared = set(spec.model.model_fields)
            for match in spec.matches:
                fields = {f.name for f in items[match.item].fields}
                assert set(match.keys.values()) | set(match.also.values()) <= fields, code
                assert set(match.keys) | set(match.also) <= declared, code
                if match.status:
                    assert match.status in fields, code


def test_the_commitment_text_is_rendered_whole() -> None:
    text = rules.commitment_text(
        subject_name="甲公司",
        subject_code="X",
        category_name="社会公益",
        declared_on=date(2026, 6, 15),
    )
    assert "{" not in text and "甲公司（X）自主申报社会公益信息" in text and "2026年6月15日" in text
