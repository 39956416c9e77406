"""Every route, every kind of visitor, GET and POST, against a policy table.

A new route without an entry in POLICY fails ``test_every_route_has_a_policy``:
deciding who may use a route is part of adding it.
"""

from __future__ import annotations

import pytest

from tests.security.conftest import route_url
from tests.security.policy import ADMIN, COORD, MEMBER, NO, POLICY, PUBLIC, TOKEN

VISITORS = ["anonymous", "signer", MEMBER, COORD, ADMIN]
RANK = {"anonymous": 0, "signer": 0, MEMBER: 1, COORD: 2, ADMIN: 3}
NEEDED = {PUBLIC: 0, MEMBER: 1, COORD: 2, ADMIN: 3}


def test_every_route_has_a_policy(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - POLICY.keys())
    assert not missing, f"routes without an authorization policy: {missing}"
    stale = sorted(POLICY.keys() - endpoints)
    assert not stale, f"policy entries for routes that no longer exist: {stale}"


def _client(visitor, client, login_as):
    if visitor in ("anonymous", "signer"):
        return client
    return login_as(visitor)


@pytest.mark.parametrize("visitor", VISITORS)
def test_route_answers_match_the_policy(app, visitor, client, login_as, world):
    c = _client(visitor, client, login_as)
    if visitor == "signer":
        # a signer has no account; they only carry the session of the public pages
        c.get("/login")
    problems = []
    for rule in app.url_map.iter_rules():
        get_level, post_level = POLICY[rule.endpoint]
        url = route_url(app, rule, world)
        if rule.endpoint == "static":
            url = "/static/app.css"
        if rule.endpoint == "bootstrap.static":
            url = "/bootstrap/static/css/bootstrap.min.css"
        for method, level in (("GET", get_level), ("POST", post_level)):
            if rule.endpoint == "auth.logout" and method == "POST":
                continue  # checked last: it would end this visitor's session
            response = c.open(url, method=method, data={})
            problem = _check(method, level, visitor, response)
            if problem:
                problems.append(f"{method} {url} ({rule.endpoint}) as {visitor}: {problem}")
    logout = c.post("/logout", data={})
    if logout.status_code != 302 or "/login" not in logout.headers["Location"]:
        problems.append(f"POST /logout as {visitor}: got {logout.status_code}")
    if c.get("/campaigns").status_code != 302:
        problems.append(f"POST /logout as {visitor}: still logged in afterwards")
    assert not problems, "\n".join(problems)


def _check(method, level, visitor, response) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if level is NO:
        return None if status == 405 else f"expected 405, got {status}"
    if level == TOKEN:
        return None if status == 401 else f"expected 401 without an API token, got {status}"
    allowed = RANK[visitor] >= NEEDED[level]
    to_login = status == 302 and "/login" in response.headers.get("Location", "")
    if allowed:
        if status in (401, 403) and not _login_form_failure(response):
            return f"allowed but got {status}"
        if to_login and level != PUBLIC:
            return "allowed but sent to login"
        return None
    if RANK[visitor] == 0:
        return None if to_login or status == 401 else f"expected login redirect, got {status}"
    return None if status == 403 else f"expected 403, got {status}"


def _login_form_failure(response) -> bool:
    # POST /login with empty data answers the form again (200) — and a wrong
    # password 401 — which is "allowed", not "refused".
    return b"Log in" in response.data and response.status_code == 401


def test_objects_are_not_reachable_through_another_campaign(app, login_as, world, make_campaign):
    """Guessing ids under another campaign's slug finds nothing (404), for GET and POST."""
    other = make_campaign(name="Someone else's campaign")
    admin = login_as("admin")
    checked, problems = 0, []
    for rule in app.url_map.iter_rules():
        args = set(rule.arguments)
        if "campaign_slug" not in args or args == {"campaign_slug"}:
            continue
        values = world.args_for(rule.endpoint)
        values["campaign_slug"] = other.slug
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            checked += 1
            status = admin.open(url, method=method, data={}).status_code
            if status != 404:
                problems.append(f"{method} {url} ({rule.endpoint}): {status}")
    assert checked > 0
    assert not problems, "\n".join(problems)
