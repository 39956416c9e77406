"""A burst of simultaneous sign-ons against a real gunicorn server loses none, duplicates none."""

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from campaign.core.names import org_key
from campaign.db import make_engine
from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOn
from tests.servers import gunicorn, scratch_database
from tests.signons.server import form_session, seed_letter

STATES = ["TX", "FL", "GA", "NC", "AZ", "CA", "NY", "IL", "WA", "PR"]
UNIQUE, REPEATED, COPIES = 140, 20, 4  # 140 + 20 * 3 extra copies = 200 submissions


def _submissions() -> list[dict]:
    subs = []
    for i in range(UNIQUE):
        subs.append({"org_name": f"Community Group Number {i}", "state": STATES[i % 10], "i": i})
    variants = ["The {} Inc.", "{}", "{}, LLC"]
    for i in range(REPEATED):
        for v in variants[: COPIES - 1]:
            name = v.format(
                f"community group number {i}".upper()
                if v == "{}"
                else f"Community Group Number {i}"
            )
            subs.append({"org_name": name, "state": STATES[i % 10], "i": i})
    return subs


def _submit(base: str, slug: str, sub: dict) -> tuple[int, int]:
    """One signer: open the page (cookie + CSRF token), then POST; retries 503s."""
    busy = 0
    with httpx.Client(base_url=base, timeout=60) as client:
        token, version = form_session(client, slug)
        data = {
            "csrf_token": token,
            "version_id": version,
            "org_name": sub["org_name"],
            "level": "state",
            "state": sub["state"],
            "city": "Town",
            "signer_name": f"Signer {sub['i']}",
            "signer_title": "Director",
            "signer_email": f"signer{sub['i']}@example.org",
            "authorized": "y",
            "authority": "executive",
            "listing": "list",
        }
        for _ in range(10):
            response = client.post(f"/sign/{slug}", data=data)
            if response.status_code != 503:
                return response.status_code, busy
            busy += 1
    return 503, busy


@pytest.mark.server
def test_burst_of_signons_loses_none_and_duplicates_none(tmp_path):
    pg = os.environ.get("CAMPAIGN_TEST_DATABASE_URL")
    with scratch_database(tmp_path, pg) as url:
        slug = seed_letter(url)
        with gunicorn("campaign:create_app()", url, tmp_path) as base:
            subs = _submissions()
            assert len(subs) >= 200
            with ThreadPoolExecutor(max_workers=32) as pool:
                results = list(pool.map(lambda s: _submit(base, slug, s), subs))
        statuses = Counter(status for status, _ in results)
        busy = sum(b for _, b in results)
        assert statuses == {302: len(subs)}, (statuses, busy)

        engine = make_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(SignOn.org_key, SignOn.state)).all()
            mails = conn.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        engine.dispose()
        expected = {(org_key(f"Community Group Number {i}"), STATES[i % 10]) for i in range(UNIQUE)}
        assert len(rows) == UNIQUE  # none lost, none duplicated
        assert set(rows) == expected
        # every organization got its confirmation, and a repeated one a single reminder
        # however many times it was sent again that day (issue 16.2): not one per POST
        assert mails == UNIQUE + REPEATED
