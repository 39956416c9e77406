"""The GOV.UK error pattern (issue 14, item 9) on every form, as the HTML says it: the
summary "There is a problem" with a link per error to a field that exists, the field's
own message with a hidden "Error:" tied by aria-describedby, "Error: " before the title,
and no browser validation (novalidate). The browser test (tests/e2e/test_error_summary.py)
checks the focus and the scrolling on a phone."""

import re

from campaign.campaigns.models import Campaign
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def check_error_pattern(html: str) -> list[str]:
    """Assert the pattern; return the summary's messages."""
    assert _title(html).startswith("Error: ")
    summary = html[html.index('id="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    assert "There is a problem" in summary and 'tabindex="-1"' in html
    links = re.findall(r'<a href="#([\w-]+)">(.*?)</a>', summary)
    assert links
    for target, message in links:
        field = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{target}"[^>]*>', html)
        assert field, target  # each link leads to a field on the page
        name = target.rsplit("-", 1)[0] if target[-2:] == "-0" else target
        error = re.search(
            rf'id="{name}-error"[^>]*><span class="visually-hidden">Error:</span> (.*?)</p>', html
        )
        assert error and error.group(1) == message  # the same words by the field
        if target == name:  # a single input: its message is tied to it
            assert re.search(rf'aria-describedby="[^"]*{name}-error', field.group(0))
            assert 'aria-invalid="true"' in field.group(0)
    return [message for _, message in links]


def test_the_public_sign_on_form(client, session):
    letter = make_letter(session)
    page = client.post(f"/sign/{letter.slug}", data={"org_name": "Coalición", "signer_email": "x"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert check_error_pattern(html) == [
        "Choose national, state or local.",
        "Enter your name.",
        "Enter your title.",
        "Enter an email address like name@example.org.",
        "You must be authorized to sign for the organization.",
        "Say on what authority you sign.",
        "Choose whether we may list your organization by name.",
    ]
    form = re.search(r'<form method="post" enctype="multipart/form-data"[^>]*>', html).group(0)
    assert "novalidate" in form
    # the page as first shown says nothing of errors
    fresh = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert not _title(fresh).startswith("Error") and "error-summary" not in fresh


def test_the_login_form(client, make_user):
    user = make_user()
    page = client.post("/login", data={"email": user.email, "password": "not the password"})
    assert page.status_code == 401
    assert check_error_pattern(page.get_data(as_text=True)) == [
        "Wrong email or password, or the account is inactive."
    ]


def test_staff_forms(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    slug = session.get(Campaign, letter.campaign_id).slug
    page = c.post(f"/campaigns/{slug}/letters/new", data={"title": ""})
    assert page.status_code == 400
    assert "This field is required." in check_error_pattern(page.get_data(as_text=True))
    # a page of several forms: the refused one's errors, and "Error: " in the title
    signon = make_signon(session, letter)
    page = c.post(f"{base(session, letter)}/{signon.id}/reject", data={"reason": ""})
    assert page.status_code == 400
    assert check_error_pattern(page.get_data(as_text=True)) == ["This field is required."]


def test_print_and_send_forms(login_as, session):
    """Print & send holds two forms (print options, mark as sent / addendum): the refused
    one's errors, and "Error: " in the title."""
    from tests.delivery.factories import delivery_form, url

    letter = make_letter(session)
    c = login_as("coordinator")
    fresh = c.get(url(letter)).get_data(as_text=True)
    assert not _title(fresh).startswith("Error") and "error-summary" not in fresh
    page = c.post(url(letter, "/send"), data=delivery_form(sent_on="", recipients=""))
    assert page.status_code == 400
    messages = check_error_pattern(page.get_data(as_text=True))
    assert "This field is required." in messages
    page = c.post(url(letter), data={"grouping": "sideways", "columns": "3"})
    assert page.status_code == 400
    assert check_error_pattern(page.get_data(as_text=True))


def test_including_without_reconsent_refused_for_want_of_a_reason(login_as, session):
    """The sign-on page's "Include anyway" form, refused: "Error: " in the title too."""
    from campaign.letters.models import LetterVersion

    letter = make_letter(session)
    signon = make_signon(session, letter)
    session.add(LetterVersion(letter_id=letter.id, number=2, body="Changed", sha256="2" * 64,
                              material=True))  # fmt: skip
    session.commit()
    c = login_as("coordinator")
    page = c.post(f"{base(session, letter)}/{signon.id}/include", data={"reason": " "})
    assert page.status_code == 400
    assert check_error_pattern(page.get_data(as_text=True)) == ["This field is required."]


def test_detail_pages_of_several_forms(login_as, session):
    """A demand's, an evidence record's and a response's page each hold several forms:
    the refused one's errors, and "Error: " in the title."""
    from campaign.demands.models import DemandStatus
    from campaign.responses.models import ResponseOutcome
    from tests.demands.factories import (
        create_actor,
        create_agency,
        create_demand_row,
        create_evidence_record,
    )
    from tests.responses.factories import make_response

    actor = create_actor(session)
    agency = create_agency(session, name="Harris County Sheriff's Office", state="TX")
    demand = create_demand_row(session, agency=agency, title="End Harris", actor=actor)
    record = create_evidence_record(session, title="DOJ letter on Harris", agency=agency)
    slug = session.get(Campaign, demand.campaign_id).slug
    demand_id, record_id = demand.id, record.id
    c = login_as("coordinator")

    page = c.post(f"/campaigns/{slug}/demands/{demand_id}/transition",
                  data={"to": "sent", "reason": ""})  # fmt: skip
    assert page.status_code == 400
    assert "This field is required." in check_error_pattern(page.get_data(as_text=True))

    page = c.post(f"/evidence/{record_id}/demands", data={"demand_id": demand_id, "note": ""})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    # (its link form is one small form per suggested demand: the title and the summary)
    assert _title(html).startswith("Error: ") and 'id="error-summary"' in html

    awaiting = create_demand_row(
        session, agency=agency, title="Answer on Harris", actor=actor,
        status=DemandStatus.AWAITING_RESPONSE, with_evidence=True,
    )  # fmt: skip
    # a member's response that changes the demand waits for a coordinator
    response = make_response(session, demand=awaiting, outcome=ResponseOutcome.MET)
    slug = session.get(Campaign, awaiting.campaign_id).slug
    page = c.post(f"/campaigns/{slug}/responses/{response.id}/reject", data={"reason": ""})
    assert page.status_code == 400
    assert check_error_pattern(page.get_data(as_text=True)) == ["This field is required."]
