"""Hostile files fed to every upload and import of the app: never a 500, never half a record.

The routes come from ``uploads.UPLOADS`` (checked against what the pages and the views
show: a new upload route without an entry fails); the files from
``hostile_files.CORPUS``. A refused file must be answered with a 4xx and its message,
and leave every table and the upload store exactly as they were.
"""

from __future__ import annotations

import base64
import csv
import html
import inspect
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from campaign.db import Base
from campaign.review.csvio import read_csv
from tests.security.conftest import route_url
from tests.security.crawl import endpoint_of, forms_on, get_pages
from tests.security.hostile_files import (
    BY_KEY,
    CORPUS,
    CSV,
    FORMULA_ROWS,
    NAME_POISON,
    NAMES,
    TOO_LARGE,
    valid_file,
)
from tests.security.uploads import NOT_UPLOADS, UPLOADS

# What a hostile file or name may carry into a page; none may come back unescaped.
MARKUP = ("<script>alert(", "<img src=x onerror", 'onload="alert')


# --- which routes take files -------------------------------------------------------


def _file_forms() -> set[str]:
    """Names of the form classes with a file field (every view module is imported by now)."""
    found, todo = set(), [FlaskForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        fields = (getattr(cls, name, None) for name in dir(cls))
        if any(getattr(f, "field_class", None) and issubclass(f.field_class, FileField)
               for f in fields):  # fmt: skip
            found.add(cls.__name__)
    return found


def _views_taking_files(app) -> set[str]:
    """Endpoints whose view reads ``request.files`` or builds a form with a file field."""
    forms = _file_forms()
    uses = re.compile(r"\b(?:" + "|".join(sorted(forms)) + r")\(")
    out = set()
    for endpoint, view in app.view_functions.items():
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue  # built-in views (static files)
        if "request.files" in source or uses.search(source):
            out.add(endpoint)
    return out


def _pages_posting_files(app, world, login_as) -> set[str]:
    """Endpoints that the pages' multipart forms (or forms with a file input) post to."""
    admin = login_as("admin")
    out = set()
    for url in get_pages(app, world):
        for form in forms_on(admin, url):
            kinds = {kind for kind, _value, _options in form["fields"].values()}
            if form["multipart"] or "file" in kinds:
                # a form that posts nowhere (the letter's preview of the public page) is left out
                out.add(endpoint_of(app, form["action"]))
    return out - {None}


def test_every_upload_route_is_in_the_table(app, world, login_as):
    by_view = _views_taking_files(app)
    by_page = _pages_posting_files(app, world, login_as)
    missing = sorted((by_view | by_page) - UPLOADS.keys() - NOT_UPLOADS.keys())
    assert not missing, (
        f"routes taking files without an entry in tests/security/uploads.py: {missing}"
    )
    stale = sorted(UPLOADS.keys() - by_view - by_page) + sorted(NOT_UPLOADS.keys() - by_view)
    assert not stale, f"entries for routes that take no file (any more): {stale}"
    assert by_page >= UPLOADS.keys(), "every upload route has a page with its form"


# --- what a request changed -------------------------------------------------------------


def _counts(session) -> dict[str, int]:
    tables = Base.metadata.sorted_tables
    counts = [sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables]
    row = session.execute(sa.select(*counts)).one()
    return dict(zip((t.name for t in tables), row, strict=True))


def _files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _state(session, app):
    return _counts(session), _files(app)


def _changes(before, after) -> str:
    (rows0, files0), (rows1, files1) = before, after
    changed = {t: (rows0[t], rows1[t]) for t in rows0 if rows0[t] != rows1[t]}
    new_files = sorted(str(p.name) for p in files1 - files0)
    return f"rows changed {changed}, new files {new_files}" if changed or new_files else ""


def _unescaped_markup(response) -> str | None:
    if response.mimetype != "text/html":
        return None  # a CSV export carries the text as it is; a spreadsheet shows it as text
    body = response.get_data(as_text=True)
    return next((m for m in MARKUP if m in body), None)


# --- posting ---------------------------------------------------------------------------


@pytest.fixture
def poster(app, world, client, login_as, monkeypatch):
    """``poster(endpoint)`` → (client, url): someone allowed to post there, and where."""
    # one public form posted dozens of times in a row: lift the rate limit for the test
    monkeypatch.setitem(app.config, "SIGNON_RATE_LIMIT", "100000 per minute")

    def _poster(endpoint: str):
        spec = UPLOADS[endpoint]
        c = login_as(spec.role) if spec.role else client
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        return c, route_url(app, rule, world)

    return _poster


def _post(c, url, endpoint: str, n: int, file_value):
    spec = UPLOADS[endpoint]
    data = {**spec.form(n), spec.field: file_value}
    return c.post(url, data=data, content_type="multipart/form-data")


def _success(response, endpoint: str) -> str | None:
    """None if the answer is what an accepted file gets, else what is wrong."""
    expected = UPLOADS[endpoint].success
    status = response.status_code
    if expected.startswith("page"):
        # "page": the same page shows what it kept (the directory's preview: its data field;
        # "page:<marker>": another page's marker, e.g. Mark as sent's confirmation)
        marker = expected.partition(":")[2] or 'name="data"'
        return None if status in (200, 400) and marker.encode() in response.data else f"{status}"
    location = response.headers.get("Location", "")
    if status == 302 and expected in location:
        return None
    errors = re.findall(r'class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>([^<]+)',
                        response.get_data(as_text=True))  # fmt: skip
    return f"{status} {location} {errors[:3]}"


def _import_accepted_csv(c, url, endpoint, response, hostile, problems):
    """Carry an accepted CSV through the import step too: still no 500, still escaped."""
    header = read_csv(hostile.data).headers[0]
    if endpoint == "review.import_upload":
        map_url = response.headers["Location"]
        preview = c.get(map_url)
        steps = [preview, c.post(map_url, data={"org_name": header, "action": "import",
                                                "approved": "y"})]  # fmt: skip
    else:
        preview = response
        steps = [c.post(url, data={
            "data": base64.b64encode(hostile.data).decode(), "filename": hostile.filename,
            "map_org_name": header, "action": "import",
        })]  # fmt: skip
    if hostile.report not in html.unescape(preview.get_data(as_text=True)):
        problems.append(f"{hostile.key}: the row report does not say {hostile.report!r}")
    for step in steps:
        if step.status_code >= 500:
            problems.append(f"{hostile.key}: the import step answered {step.status_code}")
        if (markup := _unescaped_markup(step)) is not None:
            problems.append(f"{hostile.key}: {markup!r} unescaped on the import page")


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_hostile_files_are_refused_cleanly(endpoint, app, session, poster):
    spec = UPLOADS[endpoint]
    c, url = poster(endpoint)
    problems = []
    for n, hostile in enumerate(CORPUS):
        before = _state(session, app)
        response = _post(c, url, endpoint, n, (io.BytesIO(hostile.data), hostile.filename))
        status, expected = response.status_code, hostile.refusals.get(spec.family)
        text = html.unescape(response.get_data(as_text=True))
        where = f"{hostile.key} → {endpoint}"
        if status >= 500:
            problems.append(f"{where}: server error {status}")
            continue
        if (markup := _unescaped_markup(response)) is not None:
            problems.append(f"{where}: {markup!r} unescaped in the answer")
        if expected is None:
            if (wrong := _success(response, endpoint)) is not None:
                problems.append(f"{where}: should be accepted, got {wrong}")
            elif spec.family == CSV:
                _import_accepted_csv(c, url, endpoint, response, hostile, problems)
            continue
        if expected == TOO_LARGE:
            if status != 413:
                problems.append(f"{where}: expected 413, got {status}")
        elif not 400 <= status < 500:
            problems.append(f"{where}: expected a 4xx refusal, got {status}")
        elif expected not in text:
            problems.append(f"{where}: {status} without the message {expected!r}")
        if changed := _changes(before, _state(session, app)):
            problems.append(f"{where}: refused but stored something: {changed}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_hostile_file_names_are_harmless(endpoint, app, session, poster):
    """A good file under a hostile name: accepted, and the name is never kept as given."""
    spec = UPLOADS[endpoint]
    c, url = poster(endpoint)
    problems = []
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    for n, name in enumerate(NAMES):
        response = _post(c, url, endpoint, 100 + n, (io.BytesIO(valid_file(spec.family, n)), name))
        where = f"{name[:40]!r} → {endpoint}"
        if (wrong := _success(response, endpoint)) is not None:
            problems.append(f"{where}: a good file was not accepted: {wrong}")
            continue
        page = c.get(response.headers["Location"]) if response.status_code == 302 else response
        if page.status_code >= 500:
            problems.append(f"{where}: the next page answered {page.status_code}")
        if (markup := _unescaped_markup(page)) is not None:
            problems.append(f"{where}: {markup!r} unescaped on the next page")
    for name in _stored_names(session):
        bad = [p for p in NAME_POISON if p in name]
        if bad:
            problems.append(f"{endpoint}: a stored file name keeps {bad}: {name[:80]!r}")
    outside = [p for p in _files(app) if not p.resolve().is_relative_to(root)]
    assert not outside
    assert not problems, "\n".join(problems)


# Where the app keeps the names uploaded files came with.
NAME_COLUMNS = [
    ("evidence_attachments", "original_name"),
    ("response_attachments", "original_name"),
    ("csv_uploads", "filename"),
    ("import_snapshots", "file_name"),
]


def _stored_names(session) -> list[str]:
    names = []
    for table, column in NAME_COLUMNS:
        t = Base.metadata.tables[table]
        names.extend(session.scalars(sa.select(t.c[column])))
    for details in session.scalars(sa.select(Base.metadata.tables["audit_events"].c.details)):
        names.extend(str(details.get(key, "")) for key in ("name", "filename", "file_name"))
    return names


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_misused_file_fields(endpoint, app, session, poster):
    """No file part, text where the file should be, two files in one field: never a 500."""
    spec = UPLOADS[endpoint]
    c, url = poster(endpoint)
    good = valid_file(spec.family, 999)
    cases = {
        "no file part": dict(spec.form(200)),
        "text instead of a file": {**spec.form(201), spec.field: "not a file"},
        "an empty file choice": {**spec.form(202), spec.field: (io.BytesIO(b""), "")},
    }
    problems = []
    for label, data in cases.items():
        before = _state(session, app)
        response = c.post(url, data=data, content_type="multipart/form-data")
        if response.status_code >= 500:
            problems.append(f"{label}: server error {response.status_code}")
        elif 400 <= response.status_code < 500 and _changes(before, _state(session, app)):
            problems.append(f"{label}: refused but stored something")
    two = [(io.BytesIO(good), "one"), (io.BytesIO(b"\x00junk"), "two.png")]
    response = c.post(url, data={**spec.form(203), spec.field: two})
    if response.status_code >= 500:
        problems.append(f"two files in one field: server error {response.status_code}")
    assert not problems, "\n".join(problems)


# --- values accepted from files: shown escaped, exported neutralised -------------------

# Every route that answers with a CSV file; a new one fails the test until it is added.
CSV_EXPORTS = {"review.export_all", "review.export_printed", "directory.export_csv"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _import_formulas(app, world, admin) -> None:
    """The formula corpus through both CSV imports and the public form's text field."""
    data = BY_KEY["csv-formulas"].data
    rule = {r.endpoint: r for r in app.url_map.iter_rules()}
    upload = admin.post(route_url(app, rule["review.import_upload"], world),
                        data={"file": (io.BytesIO(data), "formulas.csv")})  # fmt: skip
    assert upload.status_code == 302
    mapping = {"org_name": "Organization", "state": "State", "level": "Level",
               "signer_email": "Email"}  # fmt: skip
    done = admin.post(upload.headers["Location"],
                      data={**mapping, "action": "import", "approved": "y"})  # fmt: skip
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    directory = admin.post("/directory/import", data={
        "data": base64.b64encode(data).decode(), "filename": "formulas.csv", "action": "import",
        **{f"map_{k}": v for k, v in {**mapping, "contact_email": "Email"}.items()
           if k != "signer_email"},
    })  # fmt: skip
    assert directory.status_code == 302, directory.get_data(as_text=True)[:2000]
    sign = UPLOADS["signons.sign"].form(500) | {"org_name": FORMULA_ROWS[0].replace("click", "x")}
    signed = admin.post(route_url(app, rule["signons.sign"], world), data=sign)
    assert signed.status_code == 302


def _csv_exports(app, world, admin) -> dict[str, str]:
    found = {}
    for url in get_pages(app, world):
        response = admin.get(url)
        if response.status_code == 200 and response.mimetype == "text/csv":
            found[endpoint_of(app, url, "GET")] = url
    by_path = {r.endpoint for r in app.url_map.iter_rules() if r.rule.endswith(".csv")}
    assert by_path <= found.keys(), (
        f"CSV routes the crawl could not fetch: {by_path - found.keys()}"
    )
    return found


def test_accepted_formulas_are_escaped_on_pages_and_neutralised_in_every_csv_export(
    app, session, world, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNON_RATE_LIMIT", "100000 per minute")
    admin = login_as("admin")
    _import_formulas(app, world, admin)
    exports = _csv_exports(app, world, admin)
    assert exports.keys() == CSV_EXPORTS, "a new CSV export: add it to CSV_EXPORTS"
    problems = []
    for endpoint, url in sorted(exports.items()):
        text = admin.get(url).data.decode("utf-8-sig")
        # opened where the list separator is a comma, and where it is a semicolon
        for separator in (",", ";"):
            rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
            formulas = [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
            problems += [f"{endpoint} split on {separator!r}: {cell[:40]!r} runs as a formula"
                         for cell in formulas]  # fmt: skip
        cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
        problems += [f"{endpoint}: {value[:30]!r} missing (or not neutralised)"
                     for value in FORMULA_ROWS[:4] if "'" + value not in cells]  # fmt: skip
    for url in get_pages(app, world):
        response = admin.get(url)
        if (markup := _unescaped_markup(response)) is not None:
            problems.append(f"{url}: {markup!r} unescaped")
    assert not problems, "\n".join(problems)
