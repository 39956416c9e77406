"""A corpus of bad input fed to every form of every page: never a 500.

The forms are found by crawling: each GET route (as an admin) is fetched, each
``<form method="post">`` on it is parsed, and every corpus value is sent in every
text field at once (plus missing and repeated fields). Escaping is checked where
the value comes back in the page.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from tests.security.conftest import route_url
from tests.security.policy import POLICY

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


class FormParser(HTMLParser):
    """Collects POST forms: action and their fields (name → kind, options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {
                "action": a.get("action") or "",
                "fields": {},
                "multipart": (a.get("enctype") == "multipart/form-data"),
            }
            self.forms.append(self._form)
        elif self._form is not None and a.get("name"):
            if tag == "input":
                self._form["fields"][a["name"]] = (a.get("type") or "text", a.get("value"), [])
            elif tag == "textarea":
                self._form["fields"][a["name"]] = ("textarea", None, [])
            elif tag == "select":
                self._select = a["name"]
                self._form["fields"][a["name"]] = ("select", None, [])
        if tag == "option" and self._form is not None and self._select:
            self._form["fields"][self._select][2].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def _forms_on(client, url):
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.content_type:
        return []
    parser = FormParser()
    parser.feed(response.get_data(as_text=True))
    for form in parser.forms:
        form["action"] = urljoin(url, form["action"]) if form["action"] else url
    return parser.forms


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
    urls = []
    for rule in app.url_map.iter_rules():
        get_level, _ = POLICY[rule.endpoint]
        if get_level is None or rule.endpoint in ("static", "bootstrap.static"):
            continue
        urls.append(route_url(app, rule, world))
    return sorted(set(urls))


def test_corpus_never_gives_a_server_error(login_as, pages):
    admin = login_as("admin")
    problems, tried = [], 0
    for url in pages:
        for form in _forms_on(admin, url):
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
