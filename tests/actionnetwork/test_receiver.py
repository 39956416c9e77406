"""Action Network's webhooks into a letter: their documented payloads become pending
sign-ons whose signers are emailed a confirmation link; the same item again adds nothing."""

from __future__ import annotations

import copy
import re

import sqlalchemy as sa

from campaign.letters.models import LetterStatus
from campaign.mail.models import OutboxMessage
from campaign.signons.models import Level, SignOn, SignOnStatus
from tests.fixtures import action_network
from tests.letters.factories import make_letter


def _receiver(session, login_as, **letter_kw) -> tuple[int, str, str]:
    letter = make_letter(session, **letter_kw)
    letter_id = letter.id
    from campaign.campaigns.models import Campaign

    slug = session.get(Campaign, letter.campaign_id).slug
    coordinator = login_as("coordinator")
    page = f"/campaigns/{slug}/letters/{letter_id}/action-network"
    assert "No receiver yet" in coordinator.get(page).get_data(as_text=True)
    made = coordinator.post(page).get_data(as_text=True)
    address = re.search(r"http://campaign\.test(/hooks/action-network/[\w-]+)", made).group(1)
    assert address not in coordinator.get(page).get_data(as_text=True)  # shown once
    assert login_as("member").get(page).status_code == 403
    return letter_id, address, page


def _signons(session, letter_id):
    session.expire_all()
    return {
        s.org_name: s
        for s in session.scalars(sa.select(SignOn).where(SignOn.letter_id == letter_id))
    }


def test_a_signature_webhook_becomes_a_pending_sign_on_with_its_email(session, login_as, client):
    letter_id, address, _ = _receiver(session, login_as)
    response = client.post(address, json=action_network.webhook("signature"), csrf=False)
    assert response.status_code == 200, response.get_data(as_text=True)
    [result] = response.json["results"]
    assert result["outcome"] == "new"
    [signon] = _signons(session, letter_id).values()
    assert (signon.org_name, signon.signer_name, signon.signer_title, signon.signer_email) == (
        "Florida Immigrant Coalition", "Rosa Martínez", "Campaigns Director",
        "rosa@floridaimmigrant.example",
    )  # fmt: skip
    assert (signon.level, signon.state, signon.city) == (Level.STATE, "FL", "Miami")
    assert signon.status == SignOnStatus.PENDING
    assert signon.comment == "We stand with the coalition."
    mail = session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.to_addr == signon.signer_email)
    )
    assert mail is not None and "/confirm/" in mail.body_text
    # the same webhook again (Action Network retries): nothing more, no second email
    again = client.post(address, json=action_network.webhook("signature"), csrf=False)
    assert again.json["results"][0]["outcome"] == "duplicate"
    # the same person and action under a new key: still the same item
    resent = copy.deepcopy(action_network.webhook("signature"))
    resent[0]["idempotency_key"] = "another-key"
    assert (
        client.post(address, json=resent, csrf=False).json["results"][0]["outcome"] == "duplicate"
    )
    assert len(_signons(session, letter_id)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_form_submissions_each_taken_or_refused_with_reasons(session, login_as, client):
    letter_id, address, _page = _receiver(session, login_as)
    response = client.post(address, json=action_network.webhook("submission"), csrf=False)
    assert response.status_code == 200
    first, second = response.json["results"]
    assert first["outcome"] == "new"
    assert second["outcome"] == "refused"
    assert {e["field"] for e in second["errors"]} >= {"coalition:organization"}
    rows = _signons(session, letter_id)
    assert set(rows) == {"Georgia Coalition for Immigrant Rights"}
    assert rows["Georgia Coalition for Immigrant Rights"].state == "GA"


def test_bad_addresses_bodies_and_closed_letters(session, login_as, client):
    _letter_id, address, page = _receiver(session, login_as)
    assert client.post("/hooks/action-network/not-a-secret", json=[], csrf=False).status_code == 404
    bad = client.post(address, data="nope", content_type="application/json", csrf=False)
    assert bad.status_code == 400
    assert client.post(address, json=[{"something": "else"}], csrf=False).json["results"] == [
        {"outcome": "ignored"}
    ]
    # a new address replaces the old one
    coordinator = login_as("coordinator")
    coordinator.post(page)
    assert client.post(address, json=[], csrf=False).status_code == 404


def test_a_closed_letter_refuses_what_arrives(session, login_as, client):
    letter_id, address, _ = _receiver(session, login_as, status=LetterStatus.CLOSED)
    response = client.post(address, json=action_network.webhook("signature"), csrf=False)
    [result] = response.json["results"]
    assert result["outcome"] == "refused" and "no longer accepts" in result["errors"][0]["message"]
    assert _signons(session, letter_id) == {}
