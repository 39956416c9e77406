"""What the accessibility tests share: axe-core run in the page, the languages, a browser
context per language, the demo site they run against, and direct writes to its database
for the states that take days to reach (an expired link)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from campaign.config import ROOT
from campaign.db import make_engine
from campaign.migrate import upgrade
from tests.e2e.conftest import ARTIFACTS, PASSWORD
from tests.servers import BIN, LiveServer, live_server

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's tags; 2.2 added AA rules only).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Spanish joins once its catalogue is in the repository (issue 18, "Languages").
LANGS = ("en", "es") if (ROOT / "campaign" / "translations" / "es").is_dir() else ("en",)
COORDINATOR = "a11y-coordinator@example.org"
# (email, role, name) of the accounts the browser tests log in with
ACCOUNTS = [
    (COORDINATOR, "coordinator", "Casey Coordinator"),
    ("a11y-member@example.org", "member", "Morgan Member"),
    ("a11y-admin@example.org", "admin", "Alex Admin"),
]
LETTER_SLUG = "end-287g-letter"  # the demo's open letter (campaign.letters.demo)


@dataclass
class Audit:
    """axe-core over pages; what was checked and what failed."""

    checked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def check(self, page, label: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        page.wait_for_load_state()
        results = Axe().run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        self.checked.append(label)
        if results.violations_count:
            ARTIFACTS.mkdir(exist_ok=True)
            stem = "".join(c if c.isalnum() else "-" for c in label)[:100]
            (ARTIFACTS / f"axe-{stem}.html").write_text(page.content())
            self.failures.append(f"== {label} ({page.url})\n{results.generate_report()}")

    def verdict(self, what: str) -> None:
        print(f"\n[axe] {len(self.checked)} {what} checked, {len(self.failures)} with violations")
        assert not self.failures, "\n".join(self.failures)


@contextlib.contextmanager
def context(browser, lang: str = "en", *, phone: bool = False) -> Iterator:
    """A browser context that asks for ``lang`` (Accept-Language) and sets the lang
    cookie-free way every public page honours; closed afterwards."""
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    ctx = browser.new_context(
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        locale={"en": "en-US"}.get(lang, lang),
        reduced_motion="reduce",  # Bootstrap scrolls smoothly otherwise: a focus is seen late
    )
    ctx.set_default_timeout(20_000)
    try:
        yield ctx
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, page in enumerate(ctx.pages):
            with contextlib.suppress(Exception):  # the page may be gone: keep the failure
                page.screenshot(path=str(ARTIFACTS / f"a11y-failure-{i}.png"), full_page=True)
                (ARTIFACTS / f"a11y-failure-{i}.html").write_text(page.content())
                print(f"\n[a11y] failure artifacts: {ARTIFACTS}/a11y-failure-{i}.*")
        raise
    finally:
        ctx.close()


def demo_site(instance: Path, mailbox, env: dict[str, str] | None = None):
    """The demo data behind gunicorn and the mail worker, with an account per role."""

    @contextlib.contextmanager
    def _site() -> Iterator[LiveServer]:
        url = f"sqlite:///{instance / 'app.sqlite3'}"
        upgrade(url)
        environ = {**os.environ, "CAMPAIGN_DATABASE_URL": url,
                   "CAMPAIGN_INSTANCE_PATH": str(instance),
                   "CAMPAIGN_SECRET_KEY": "server-test-secret"}  # fmt: skip
        environ.pop("CAMPAIGN_TEST_DATABASE_URL", None)
        demo = subprocess.run(
            [str(BIN / "flask"), "--app", "campaign", "demo"],
            env=environ, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert demo.returncode == 0, f"flask demo failed:\n{demo.stdout}\n{demo.stderr}"
        with live_server(
            instance,
            database_url=url,
            smtp=(mailbox.host, mailbox.port),
            extra_env={"CAMPAIGN_LOGIN_RATE_LIMIT": "1000 per minute", **(env or {})},
        ) as srv:
            for email, role, name in ACCOUNTS:
                srv.flask(
                    "create-user", email, "--role", role, "--name", name, "--password-stdin",
                    input=PASSWORD + "\n",
                )  # fmt: skip
            yield srv

    return _site()


def execute(srv: LiveServer, sql: str, **params) -> list[tuple]:
    """Run SQL on the server's database (rows for a SELECT)."""
    # beside the server's processes and its worker: under load a writer can hold SQLite's
    # lock for seconds, so this waits up to 60 s for it
    engine = make_engine(srv.env["CAMPAIGN_DATABASE_URL"], busy_timeout_ms=60_000)
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()
