"""Browser journeys: Chromium from the OS packages, driven by Playwright, against gunicorn.

They run when /usr/bin/chromium exists; with CAMPAIGN_REQUIRE_BROWSER=1 (set by
.ci/run) a missing browser is a failure instead of a skip. A failing test saves a
screenshot and the page's HTML under test-artifacts/ and prints their paths.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from campaign.config import ROOT
from tests.servers import live_server

CHROMIUM = os.environ.get("CAMPAIGN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "journey password 1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CAMPAIGN_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (CAMPAIGN_REQUIRE_BROWSER is set)")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def mailbox():
    """A real SMTP server that captures what the app's mail worker delivers."""
    import socket

    from aiosmtpd.controller import Controller

    from tests.conftest import CapturedMail

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = CapturedMail()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.host, handler.port = "127.0.0.1", port
    yield handler
    controller.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory, mailbox):
    """The app under gunicorn with the mail worker, and accounts for each role."""
    with live_server(
        tmp_path_factory.mktemp("e2e"),
        smtp=(mailbox.host, mailbox.port),
        extra_env={"CAMPAIGN_LOGIN_RATE_LIMIT": "1000 per minute"},
    ) as srv:
        for role in ("admin", "coordinator", "member"):
            srv.flask(
                "create-user",
                f"{role}@example.org",
                "--role",
                role,
                "--password-stdin",
                input=PASSWORD + "\n",
            )
        yield srv


@pytest.fixture
def new_page(browser, request):
    """``new_page(phone=False)`` → a page in a fresh browser context; artifacts saved on failure."""
    contexts = []

    def _new(phone: bool = False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            stem = re.sub(r"[^\w]+", "-", request.node.nodeid)[-120:]
            for j, page in enumerate(context.pages):
                png = ARTIFACTS / f"{stem}-{i}-{j}.png"
                html = ARTIFACTS / f"{stem}-{i}-{j}.html"
                try:
                    page.screenshot(path=str(png), full_page=True)
                    html.write_text(page.content())
                    print(f"\n[e2e] failure artifacts: {png} {html}")
                except Exception as exc:  # the page may be gone; say so, don't mask the failure
                    print(f"\n[e2e] could not save artifacts: {exc}")
        context.close()


def log_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the form."""
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/campaigns$"))
