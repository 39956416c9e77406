"""Issue 16, info: ids too large for the database in a URL gave a 500; they give a 404.

``/…/99999999999999999999`` overflowed the database's integer (PostgreSQL refuses it,
SQLite's driver cannot even send it). Every route with a number in its path is asked
for with one too large, and every page with one in each query-string filter and form
field that takes an id.
"""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import IntegerConverter

from tests.security.crawl import get_pages
from tests.security.policy import POLICY

HUGE = 10**20
SENTINEL = 987_654_321
IDS = ("letter_id", "agency_id", "entity_id", "demand_id", "evidence_id", "signed_letter_id",
       "campaign_id", "user_id", "page", "version", "org_id", "target_id", "id", "months",
       "letter", "snapshot_id", "upload_id")  # fmt: skip


def _int_args(rule) -> list[str]:
    return [a for a, c in rule._converters.items() if isinstance(c, IntegerConverter)]


def test_a_number_too_large_in_a_path_is_404(app, login_as, world):
    admin = login_as("admin")
    tried, problems = 0, []
    for rule in app.url_map.iter_rules():
        huge = _int_args(rule)
        if not huge:
            continue
        values = {a: world.args_for(rule.endpoint)[a] for a in rule.arguments}
        for arg in huge:  # one at a time, the others real
            with app.test_request_context():
                url = url_for(rule.endpoint, **{**values, arg: SENTINEL})
            bad = url.replace(f"/{SENTINEL}", f"/{HUGE}", 1)
            get_level, post_level = POLICY[rule.endpoint]
            for method, level in (("GET", get_level), ("POST", post_level)):
                if level is None:
                    continue
                response = admin.open(bad, method=method)
                tried += 1
                if response.status_code != 404:
                    problems.append(f"{method} {bad}: {response.status_code}")
    assert tried > 20
    assert not problems, "\n".join(problems)


def test_a_number_too_large_in_a_query_string_is_never_a_500(app, login_as, world):
    admin = login_as("admin")
    query = "&".join(f"{name}={HUGE}" for name in IDS)
    problems = []
    for url in get_pages(app, world):
        response = admin.get(f"{url}?{query}")
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
    assert not problems, "\n".join(problems)
