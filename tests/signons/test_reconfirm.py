"""Per-version counts, material edits and re-confirmation."""

import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from campaign.letters.models import LetterVersion
from campaign.signons.models import SignOnStatus
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.signons.helpers import link_in, outbox, path_of, sign, signons


def _edit(c, url, letter, body, material):
    local = letter.deadline_local
    data = {
        "title": letter.title,
        "addressees": letter.addressees,
        "body": body,
        "closing": letter.closing,
        "sender": letter.sender,
        "deadline_on": local.strftime("%Y-%m-%d"),
        "deadline_time": local.strftime("%H:%M"),
        "deadline_tz": letter.deadline_tz,
    }
    if material:
        data["material"] = "y"
    assert c.post(url + "/edit", data=data).status_code == 302


def _sign_and_confirm(client, session, letter, name):
    sign(client, letter, org_name=name, signer_email=f"{name.lower()}@example.org")
    link = link_in(outbox(session)[-1].body_text)
    client.post(path_of(link))


def test_material_edit_asks_earlier_signers_to_reconfirm(client, session, login_as):
    letter = make_letter(session)
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}"
    coordinator = login_as("coordinator")
    _sign_and_confirm(client, session, letter, "Alpha")
    _edit(coordinator, url, reload(session, letter), "Second text", material=False)
    _sign_and_confirm(client, session, letter, "Beta")
    _edit(coordinator, url, reload(session, letter), "Third text, materially different", True)
    _sign_and_confirm(client, session, letter, "Gamma")
    sign(client, letter, org_name="Pending", signer_email="p@example.org")

    v1, v2, v3 = session.scalars(
        sa.select(LetterVersion).where(LetterVersion.letter_id == letter.id).order_by("number")
    ).all()
    assert v3.material and not v2.material
    alpha, beta, gamma, pending = signons(session, letter)
    assert (alpha.version_id, beta.version_id, gamma.version_id) == (v1.id, v2.id, v3.id)

    page = coordinator.get(url).get_data(as_text=True)
    assert "Needing to re-confirm (2)" in page
    member_page = login_as("member").get(url).get_data(as_text=True)
    # counts are visible to members
    assert "0</span> organizations on the letter · 3 awaiting review" in member_page
    assert "alpha@example.org" not in member_page  # signers' details are not

    before = len(outbox(session))
    assert coordinator.post(url + "/reconfirm").status_code == 302
    mails = outbox(session)[before:]
    assert sorted(m.to_addr for m in mails) == ["alpha@example.org", "beta@example.org"]
    assert all(m.kind == "signon.confirm" and "changed" in m.body_text for m in mails)

    link = link_in(next(m for m in mails if m.to_addr == "alpha@example.org").body_text)
    shown = client.get(path_of(link)).get_data(as_text=True)
    assert "Third text" in shown and "Confirm on the new text" in shown
    client.post(path_of(link))
    alpha = reload(session, alpha)
    assert alpha.version_id == v3.id and alpha.status == SignOnStatus.CONFIRMED
    assert "Needing to re-confirm (1)" in coordinator.get(url).get_data(as_text=True)
    assert reload(session, pending).status == SignOnStatus.PENDING


def test_a_sign_on_without_an_address_is_not_emailed_and_the_coordinator_is_told(
    client, session, login_as
):
    """A paper sign-on may have no email address: re-confirm links go to those that have
    one, never to an empty address (the worker retried it forever), and the coordinator
    learns which ones to ask in person and include with a reason."""
    letter = make_letter(session)
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}"
    coordinator = login_as("coordinator")
    _sign_and_confirm(client, session, letter, "Alpha")
    added = coordinator.post(f"{url}/signons/new", data={
        "org_name": "Paper Petition Partners", "level": "local", "state": "TX",
        "city": "El Paso", "signer_name": "Rosa Díaz", "listed": "y"})  # fmt: skip
    assert added.status_code == 302, added.get_data(as_text=True)
    _edit(coordinator, url, reload(session, letter), "A materially different text", True)
    assert "Needing to re-confirm (2)" in coordinator.get(url).get_data(as_text=True)

    before = len(outbox(session))
    asked = coordinator.post(url + "/reconfirm")
    assert asked.status_code == 302
    assert [m.to_addr for m in outbox(session)[before:]] == ["alpha@example.org"]
    page = " ".join(coordinator.get(asked.headers["Location"]).get_data(as_text=True).split())
    assert "Re-confirm links emailed to 1 signer(s)." in page
    assert (
        "1 has no email address (Paper Petition Partners): ask in person, then include it "
        "with the reason on its sign-on page." in page
    )
