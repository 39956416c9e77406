"""A corpus of bad input fed to every form of every page: never a 500.

The forms are found by crawling: each GET route (as an admin) is fetched, each
``<form method="post">`` on it is parsed, and every corpus value is sent in every
text field at once (plus missing and repeated fields). Escaping is checked where
the value comes back in the page.
"""

from __future__ import annotations

import pytest

from tests.security.crawl import forms_on, get_pages

CORPUS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1'; DROP TABLE users; --",
    "x" * 100_000,
    "nul\x00byte",
    "\u202etxt.exe",
    "😀🏳️‍🌈 עברית العربية 中文",
    '=HYPERLINK("http://evil.example","click")',
    "",
    "   ",
    "-1",
    "99999999999999999999999",
    "2026-02-30",
    "../../../../etc/passwd",
    "true",
]


def _payload(form, value):
    data = {}
    for name, (kind, default, _options) in form["fields"].items():
        if name == "csrf_token":
            continue
        if kind in ("hidden", "submit"):
            data[name] = default or ""
        elif kind == "checkbox":
            data[name] = value[:10]
        elif kind == "select":
            data[name] = value
        elif kind == "file":
            continue
        else:
            data[name] = value
    return data


@pytest.fixture
def pages(app, world):
    return get_pages(app, world)


def test_corpus_never_gives_a_server_error(login_as, pages):
    admin = login_as("admin")
    problems, tried = [], 0
    for url in pages:
        for form in forms_on(admin, url):
            if form["action"].endswith("/logout"):
                continue
            for value in CORPUS:
                response = admin.post(form["action"], data=_payload(form, value))
                tried += 1
                if response.status_code >= 500:
                    problems.append(f"{form['action']} with {value[:40]!r}: {response.status_code}")
                elif value.startswith("<script>") and "<script>alert('x')" in response.get_data(
                    as_text=True
                ):
                    problems.append(f"{form['action']}: script echoed unescaped")
            # missing fields and repeated fields
            for data in ({}, {k: ["a", "b"] for k in _payload(form, "x")}):
                response = admin.post(form["action"], data=data)
                tried += 1
                if response.status_code >= 500:
                    problems.append(f"{form['action']} with {data!r:.60}: {response.status_code}")
    assert tried > 0
    assert not problems, "\n".join(problems)


def test_invalid_utf8_body_is_not_a_500(login_as):
    admin = login_as("admin")
    body = b"name=%FF%FE%FDbad&description=%C3%28"
    response = admin.post(
        "/campaigns/new",
        data=body + b"&csrf_token=" + admin.csrf_token().encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400)
