"""Print & send in a browser: the PDF made by the background worker, downloaded, then sent."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaign.migrate import upgrade
from tests.e2e.conftest import PASSWORD, log_in
from tests.servers import BIN, live_server


@pytest.fixture(scope="module")
def print_server(tmp_path_factory):
    """The demo data, and renders of more than 5 signatories left to the worker process."""
    instance = tmp_path_factory.mktemp("e2e-delivery")
    url = f"sqlite:///{instance / 'app.sqlite3'}"
    # The demo is loaded before the server and its worker start: a long demo transaction
    # beside a worker polling every 0.2 s on a loaded machine could meet a locked database.
    upgrade(url)
    env = {**os.environ, "CAMPAIGN_DATABASE_URL": url, "CAMPAIGN_INSTANCE_PATH": str(instance),
           "CAMPAIGN_SECRET_KEY": "server-test-secret"}  # fmt: skip
    env.pop("CAMPAIGN_TEST_DATABASE_URL", None)
    demo = subprocess.run(
        [str(BIN / "flask"), "--app", "campaign", "demo"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert demo.returncode == 0, f"flask demo failed:\n{demo.stdout}\n{demo.stderr}"
    with live_server(
        instance,
        database_url=url,
        extra_env={
            "CAMPAIGN_LOGIN_RATE_LIMIT": "1000 per minute",
            "CAMPAIGN_RENDER_INLINE_MAX": "5",
        },
    ) as srv:
        srv.flask(
            "create-user", "printer@example.org", "--role", "coordinator", "--password-stdin",
            input=PASSWORD + "\n",
        )  # fmt: skip
        yield srv


def test_coordinator_makes_downloads_and_sends_the_pdf(print_server, new_page):
    page = new_page()
    log_in(page, print_server.url, "printer@example.org")
    page.goto(print_server.url + "/campaigns/end-287g")
    page.get_by_role("link", name="End the 287(g) program").first.click()
    page.get_by_role("link", name="Print & send").click()
    page.get_by_role("button", name="Make PDF").click()
    # 12 signatories > 5: the worker renders it while the page refreshes itself
    expect(page.get_by_text("In progress").first).to_be_visible()
    download_link = page.get_by_role("link", name="Download PDF")
    download_link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        download_link.click()
    draft = Path(info.value.path()).read_bytes()
    assert draft.startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")

    page.get_by_label("Recipients").fill("Office of the Secretary, DHS")
    page.get_by_label("Delivery method").select_option("email")
    page.get_by_role("button", name="Mark as sent").click()
    # the confirmation step says what it will do, then its own button marks it sent
    asking = re.compile(r"^Mark as sent with \d+ organizations\?$")
    page.get_by_role("heading", name=asking).wait_for()
    page.get_by_role("button", name="Mark as sent").click()
    page.get_by_role("heading", name="Delivered").wait_for()
    sha = re.search(r"sha256 ([0-9a-f]{64})", page.content()).group(1)
    with page.expect_download() as info:
        page.locator("table").get_by_role("link", name="Download PDF").click()
    sent = Path(info.value.path()).read_bytes()
    assert sent.startswith(b"%PDF")
    assert hashlib.sha256(sent).hexdigest() == sha
