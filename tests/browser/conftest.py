"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed by the
set-up; never `playwright install`) against a real server on the test's database.

Screenshots of the main pages go to var/screenshots/ (one set, from the SQLite run), or to
XINYONG_SCREENSHOT_DIR: `make screenshots` refreshes the documented ones in docs/screenshots/
(docs/testing.md); a plain test run leaves the checkout as it was."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from xinyong.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).parents[2]
SCREENSHOTS = ROOT / os.environ.get("XINYONG_SCREENSHOT_DIR", "var/screenshots")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(db, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by uvicorn in a thread of this process, on the test's database."""
    app = create_app(db.settings, clock=clock, db=db)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make browser installs Debian's package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=False, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    """A phone-sized page (the pages must be usable on a phone)."""
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(database_url: str):  # type: ignore[no-untyped-def]
    """Save a page's screenshot under SCREENSHOTS (from the SQLite run only, so the two runs
    do not write the same file at once)."""

    def take(page, name: str) -> None:  # type: ignore[no-untyped-def]
        if database_url.startswith("sqlite"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
