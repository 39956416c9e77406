"""Every form, public and staff, follows the GOV.UK pattern (issue 18): the walk visits every
HTML page the app serves (each GET route, its arguments taken from one letter, sign-on,
demand, evidence record and response), and then sends every page's own form back empty.

- every form that posts fields says ``novalidate`` (no browser pop-ups instead of the
  app's messages), and no field has HTML validation attributes that would need it;
- a form sent back empty and refused shows the error summary with a link per error to a
  field on the page, each field's own message with a hidden "Error:", and "Error: "
  once at the start of the title (see tests/core/test_error_pattern.py for the details);
- nothing asks to prove the user is human (no CAPTCHA).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from tests.core.test_error_pattern import _title, check_error_pattern
from tests.letters.factories import make_letter
from tests.review.factories import make_signon

# Routes that serve files or leave the page, never a form to fill in.
SKIP = re.compile(
    r"\.(csv|pdf|docx|json|xml|txt|svg|png|eml)$|/static/|/api/|/metrics|/logout|/export|"
    r"/download|/draft/|/logo/|/attachments/|/files/|/healthz|/readyz|/openapi"
)
FIELD_TYPES = {"text", "email", "url", "search", "tel", "number", "date", "time", "password",
               "file", "datetime-local", "radio", "checkbox", "month"}  # fmt: skip


class Forms(HTMLParser):
    """The forms of a page: method, action, novalidate, and their visible fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.captcha = False
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "captcha" in " ".join(f"{k} {v}" for k, v in attrs).lower():
            self.captcha = True
        if tag == "form":
            self._open = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action"),
                "novalidate": "novalidate" in a,
                "fields": [],
                "validation": [],
            }
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "select", "textarea"):
            kind = a.get("type", "text") if tag == "input" else tag
            if tag != "input" or kind in FIELD_TYPES:
                self._open["fields"].append(a.get("name"))
            for attr in ("pattern", "minlength", "maxlength", "min", "max", "required"):
                if attr in a and not self._open["novalidate"]:
                    self._open["validation"].append(f"{a.get('name')}[{attr}]")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def seeded(session) -> dict[str, object]:
    """One of each thing a route can name, by the names its URL arguments have."""
    from campaign.directory.models import Organization
    from tests.demands.factories import (
        create_actor,
        create_agency,
        create_demand_row,
        create_evidence_record,
    )
    from tests.responses.factories import make_response

    letter = make_letter(session)
    signon = make_signon(session, letter)
    actor = create_actor(session)
    agency = create_agency(session, name="Harris County Sheriff's Office", state="TX")
    campaign = session.get(Campaign, letter.campaign_id)
    demand = create_demand_row(
        session, campaign=campaign, agency=agency, title="End Harris", actor=actor
    )
    record = create_evidence_record(session, title="DOJ letter on Harris", agency=agency)
    response = make_response(session, demand=demand)
    session.commit()
    org = session.scalar(sa.select(Organization).order_by(Organization.id).limit(1))
    slug = campaign.slug
    return {
        "campaign_slug": slug,
        "slug": slug,
        "letter_id": letter.id,
        "signon_id": signon.id,
        "demand_id": demand.id,
        "record_id": record.id,
        "evidence_id": record.id,
        "response_id": response.id,
        "agency_id": agency.id,
        "org_id": org.id if org else 0,
        "user_id": actor.id,
        "letter_slug": letter.slug,
    }


def pages(app, values: dict) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route whose arguments the seed can fill in."""
    out = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or not set(rule.arguments) <= set(values):
                continue
            args = {k: values[k] for k in rule.arguments}
            if rule.endpoint == "signons.sign":
                args["slug"] = values["letter_slug"]
            url = url_for(rule.endpoint, **args, _external=False)
            if not SKIP.search(url):
                out.append((rule.endpoint, url))
    return sorted(set(out))


def test_every_form_on_every_page(app, login_as, session):
    values = seeded(session)
    admin = login_as("admin")
    visited, checked, refused = 0, 0, 0
    problems = []
    for _endpoint, url in pages(app, values):
        response = admin.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        visited += 1
        html = response.get_data(as_text=True)
        parser = Forms()
        parser.feed(html)
        assert not parser.captcha, url
        assert not _title(html).startswith("Error"), url  # a page as first shown
        for form in parser.forms:
            if form["method"] != "post" or not form["fields"]:
                continue
            checked += 1
            if not form["novalidate"]:
                problems.append(f"{url}: a form to {form['action']} lacks novalidate")
            if form["validation"]:
                problems.append(f"{url}: HTML validation {form['validation']}")
        # the page's own form (it posts back to its own URL), sent back empty
        own = [f for f in parser.forms if f["method"] == "post" and f["fields"]
               and (f["action"] in (None, "", url))]  # fmt: skip
        if not own:
            continue
        sent = admin.post(url, data={})
        if sent.status_code in (400, 422):
            refused += 1
            body = sent.get_data(as_text=True)
            try:
                check_error_pattern(body)
                assert _title(body).count("Error:") == 1, _title(body)
            except (AssertionError, ValueError) as err:
                problems.append(f"{url} sent empty: {err!r} {_title(body)!r}")
    print(f"\n[forms] {visited} pages, {checked} forms with fields, {refused} refused when empty")
    assert visited >= 50 and checked >= 40 and refused >= 20
    assert not problems, "\n".join(problems)
