"""A person logs in and out in a real browser."""

from __future__ import annotations

import pytest

from fixtures.helpers import make_caller
from xinyong.departments.service import get_department
from xinyong.models import Role
from xinyong.web import accounts


@pytest.fixture
def staff(db, clock):  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.provider, kind="tax", code="tax")
    with db.transaction() as session:
        accounts.create_user(
            session,
            username="wang.tax",
            display_name="王税务",
            password="correct horse battery",
            role=Role.provider,
            department=get_department(session, "tax"),
            actor="test",
            now=clock.now(),
        )


def test_logging_in_and_out(page, staff, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    screenshot(page, "home")
    page.click("text=登录")
    page.fill("input[name=username]", "wang.tax")
    page.fill("input[name=password]", "wrong password!")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误"
    screenshot(page, "login-failed")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.goto("/")
    assert page.locator("text=退出（王税务）").is_visible()
    page.click("text=退出（王税务）")
    assert page.locator("header >> text=登录").is_visible()


def test_the_home_page_fits_a_phone(phone, screenshot) -> None:  # type: ignore[no-untyped-def]
    phone.goto("/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces a sideways scroll
    assert phone.locator("input[name=q]").is_visible()
    screenshot(phone, "home-phone")
