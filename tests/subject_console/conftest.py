"""Fixtures of the subject console's tests: a world of departments (tests/fixtures/lists.py)
and a company on record with a public penalty, a government-shared and an authorised record."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from subject_pages import on_record

from fixtures.lists import World, make_world


@pytest.fixture
def world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    on_record(w)
    return w


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with light parameters: each test opens an account and logs in through the form,
    and the production parameters (tests/web/test_login.py checks them) cost most of a test's
    time. Still argon2id, hashed and verified by the real code paths."""
    monkeypatch.setattr(
        "xinyong.accounts.service._hasher", PasswordHasher(time_cost=1, memory_cost=1024)
    )
