"""`xinyong user add`: accounts for the pages, opened from the shell."""

from __future__ import annotations

from sqlalchemy import select

from fixtures.helpers import make_caller
from xinyong.models import Role, User


def test_a_department_account_is_opened_with_its_password_hashed(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.authority, kind="credit_authority", code="cred")
    result = run(
        "user", "add", "--username", "li.admin", "--name", "李管理", "--role", "authority",
        "--department", "cred", "--password", "a long enough secret",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "li.admin" in result.output
    with db.transaction() as session:
        user = session.execute(select(User)).scalar_one()
    assert (user.role, user.display_name) == (Role.authority, "李管理")
    assert user.password_hash.startswith("$argon2id$")


def test_a_weak_password_or_a_missing_department_is_refused(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.authority, kind="credit_authority", code="cred")
    weak = run(
        "user", "add", "--username", "a", "--name", "a", "--role", "authority",
        "--department", "cred", "--password", "short",
    )  # fmt: skip
    assert weak.exit_code == 1 and "密码至少" in weak.output
    homeless = run(
        "user", "add", "--username", "b", "--name", "b", "--role", "provider",
        "--password", "a long enough secret",
    )  # fmt: skip
    assert homeless.exit_code == 1 and "部门" in homeless.output
    with db.transaction() as session:
        assert session.execute(select(User)).first() is None
