"""Finding the app's forms by crawling its pages, as a browser would see them."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.security.conftest import route_url
from tests.security.policy import POLICY


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


def forms_on(client, url):
    """The POST forms of the page at ``url`` (none if it is not an HTML page)."""
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.content_type:
        return []
    parser = FormParser()
    parser.feed(response.get_data(as_text=True))
    for form in parser.forms:
        form["action"] = urljoin(url, form["action"]) if form["action"] else url
    return parser.forms


def get_pages(app, world) -> list[str]:
    """A URL for every route that answers GET (static files left out)."""
    urls = []
    for rule in app.url_map.iter_rules():
        get_level, _ = POLICY[rule.endpoint]
        if get_level is None or rule.endpoint in ("static", "bootstrap.static"):
            continue
        urls.append(route_url(app, rule, world))
    return sorted(set(urls))


def endpoint_of(app, url: str, method: str = "POST") -> str | None:
    """The endpoint that answers ``method`` at ``url`` (None: nothing does, e.g. a preview)."""
    from werkzeug.exceptions import HTTPException

    adapter = app.url_map.bind(app.config["SERVER_NAME"] or "localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(url).path, method=method)
    except HTTPException:
        return None
    return endpoint
