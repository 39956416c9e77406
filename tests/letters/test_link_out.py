"""Getting the link out: preview of a draft, Publish as its own action, the share panel,
a deadline's default time, and the small things seen on the way (issue 14, item 14)."""

from datetime import UTC, datetime

import lxml.html
import sqlalchemy as sa

from campaign.letters.models import Letter, LetterStatus
from campaign.signons.models import SignOn, SignOnSource, SignOnStatus
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.letters.test_letters import _form, _load, _url
from tests.review.factories import make_signon
from tests.signons.helpers import link_in, outbox, path_of, sign


def _page(html: str):
    return lxml.html.fromstring(html)


def _words(element) -> str:
    """An element's text as a reader gets it: each element's text apart."""
    return " ".join(" ".join(t.strip() for t in element.itertext()).split())


def test_preview_of_a_draft_shows_the_form_signers_will_see(login_as, session):
    letter = _load(session, make_letter(session, status=LetterStatus.DRAFT))
    html = login_as("coordinator").get(_url(letter, "/preview")).get_data(as_text=True)
    assert "no longer accepts sign-ons" not in html
    page = _page(html)
    banner = _words(page.get_element_by_id("preview-banner"))
    assert "Preview" in banner and "not public yet" in banner
    assert page.xpath("//input[@name='org_name']")
    (button,) = page.xpath("//button[contains(., 'Sign on')]")
    assert "disabled" in button.attrib
    # the public address itself still answers nothing for a draft
    assert login_as("member").get(f"/sign/{letter.slug}").status_code == 404


def test_a_draft_is_published_by_its_own_action_that_says_what_happens(login_as, session):
    letter = _load(session, make_letter(session, status=LetterStatus.DRAFT))
    c = login_as("coordinator")
    page = _page(c.get(_url(letter)).get_data(as_text=True))
    panel = page.get_element_by_id("publish")
    words = _words(panel)
    assert f"/sign/{letter.slug}" in words and "until" in words and "confirms" in words
    assert panel.xpath(".//button[normalize-space()='Publish']")
    # the generic status drop-down no longer offers that move
    assert not page.xpath("//select[@name='status']/option[@value='open']")

    response = c.post(_url(letter, "/publish"), follow_redirects=True)
    assert reload(session, letter).status == LetterStatus.OPEN
    assert "Published" in response.get_data(as_text=True)
    # once public, publishing again is refused and changes nothing
    again = c.post(_url(letter, "/publish"), follow_redirects=True)
    assert "Only a draft can be published" in again.get_data(as_text=True)
    assert reload(session, letter).status == LetterStatus.OPEN


def test_publishing_past_the_deadline_is_refused(login_as, session):
    letter = _load(session, make_letter(session, status=LetterStatus.DRAFT, days=-1))
    c = login_as("coordinator")
    assert "deadline has passed" in c.get(_url(letter)).get_data(as_text=True)
    response = c.post(_url(letter, "/publish"), follow_redirects=True)
    assert "deadline has passed" in response.get_data(as_text=True)
    assert reload(session, letter).status == LetterStatus.DRAFT


def test_publish_needs_a_coordinator_and_csrf(login_as, session):
    letter = _load(session, make_letter(session, status=LetterStatus.DRAFT))
    assert login_as("member").post(_url(letter, "/publish")).status_code == 403
    assert login_as("coordinator").post(_url(letter, "/publish"), csrf=False).status_code == 400
    assert reload(session, letter).status == LetterStatus.DRAFT


def test_an_open_letter_offers_its_link_and_a_share_text_with_the_deadline(login_as, session):
    letter = _load(session, make_letter(session))
    page = _page(login_as("coordinator").get(_url(letter)).get_data(as_text=True))
    link = page.get_element_by_id("share-link")
    # visible and selectable without JavaScript
    assert "readonly" in link.attrib and link.get("value").endswith(f"/sign/{letter.slug}")
    text = page.get_element_by_id("share-text").text_content()
    local = letter.deadline_local
    assert letter.title in text and link.get("value") in text
    assert f"{local:%B} {local.day}, {local.year}, 5:00 PM E" in text  # EST or EDT
    # the copy buttons wait for the script (hidden without it), which the page loads
    buttons = page.xpath("//button[@data-copy]")
    assert {b.get("data-copy") for b in buttons} == {"share-link", "share-text"}
    assert all("hidden" in b.attrib for b in buttons)
    assert page.xpath("//script[contains(@src, '/copy.js')]")


def test_a_deadline_without_a_time_ends_with_its_day(login_as, make_campaign, session):
    campaign = make_campaign()
    c = login_as("coordinator")
    form = c.get(f"/campaigns/{campaign.slug}/letters/new").get_data(as_text=True)
    assert 'value="23:59"' in form  # the form starts at the end of the day
    response = c.post(
        f"/campaigns/{campaign.slug}/letters/new",
        data=_form(deadline_on="2030-01-15", deadline_time="", deadline_tz="America/Chicago"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    letter = session.scalar(sa.select(Letter).where(Letter.campaign_id == campaign.id))
    # 23:59 in Chicago in January (CST, UTC-6)
    assert letter.deadline_at == datetime(2030, 1, 16, 5, 59, tzinfo=UTC)


def test_the_confirmed_page_has_no_stray_space_before_the_possessive(client, session):
    letter = make_letter(session)
    sign(client, letter, org_name="American Civil Liberties Union of Texas")
    path = path_of(link_in(outbox(session)[-1].body_text))
    client.post(path)
    text = _words(_page(client.get(path).get_data(as_text=True)).body)
    assert "American Civil Liberties Union of Texas" in text
    assert " 's" not in text and " ’s" not in text


def test_already_signed_email_quotes_the_day_the_organization_signed_not_the_import(
    client, session
):
    letter = make_letter(session)
    make_signon(
        session,
        letter,
        org_name="Texas Civil Rights Project",
        source=SignOnSource.IMPORT,
        created_at=datetime(2023, 6, 2, 1, 30, tzinfo=UTC),  # June 1 in the evening, Eastern
        status=SignOnStatus.APPROVED,
    )
    # the sign-on's own address (only it may hear how its organization signed: issue 16.2)
    sign(client, letter, org_name="Texas Civil Rights Project", signer_email="ana@example.org")
    (mail,) = [m for m in outbox(session) if m.to_addr == "ana@example.org"]
    assert "June 1, 2023" in mail.body_text
    imported_on = reload(session, session.scalars(sa.select(SignOn)).first()).confirmed_at
    assert f"{imported_on:%B} {imported_on.day}, {imported_on.year}" not in mail.body_text
