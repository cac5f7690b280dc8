"""Who reads what of an evaluation result, and how drift reads (evaluation/rules.py): pure,
every role and both kinds of subject, the PSI's bounds on either side."""

from __future__ import annotations

import pytest

from xinyong.core.auth import PUBLIC, Principal
from xinyong.evaluation.rules import drift, needs_purpose, result_view
from xinyong.models import Role

OWN = 7
AUTHORITY = Principal(Role.authority, department_id=1)
PROVIDER = Principal(Role.provider, department_id=2)
USER = Principal(Role.user_department, department_id=3)
ITSELF = Principal(Role.subject, subject_id=OWN)
ANOTHER = Principal(Role.subject, subject_id=8)


@pytest.mark.parametrize("principal", [AUTHORITY, PROVIDER, USER, ITSELF])
@pytest.mark.parametrize("organisation", [True, False])
@pytest.mark.parametrize("public_grades", [True, False])
def test_government_and_the_subject_read_everything(
    principal: Principal, organisation: bool, public_grades: bool
) -> None:
    view = result_view(principal, OWN, organisation=organisation, public_grades=public_grades)
    assert view == "full"


@pytest.mark.parametrize("principal", [PUBLIC, ANOTHER])
def test_others_read_an_organisations_grade_only_where_grades_are_published(
    principal: Principal,
) -> None:
    assert result_view(principal, OWN, organisation=True, public_grades=True) == "grade"
    assert result_view(principal, OWN, organisation=True, public_grades=False) is None
    # A natural person's never (Measures art. 36).
    assert result_view(principal, OWN, organisation=False, public_grades=True) is None


def test_departments_give_a_purpose_and_the_subject_none() -> None:
    assert needs_purpose(AUTHORITY, OWN) and needs_purpose(PROVIDER, OWN)
    assert needs_purpose(USER, OWN)
    assert not needs_purpose(ITSELF, OWN)


@pytest.mark.parametrize(
    ("psi", "reads"),
    [
        (None, None),
        (0.0, "stable"),
        (0.0999, "stable"),
        (0.1, "shift"),
        (0.25, "shift"),
        (0.2501, "changed"),
    ],
)
def test_drift_reads_the_psi(psi: float | None, reads: str | None) -> None:
    assert drift(psi) == reads
