"""Issue 16.6: the public form is not a mail relay.

It mailed any recipient up to 20 messages a minute carrying text the sender chose (the
signer's name and title). Now a sign-on email's only chosen text is the organization's
name, cut short, and one address gets at most a few sign-on emails a day.
"""

from __future__ import annotations

from campaign.signons.notify import ORG_NAME_IN_MAIL
from tests.letters.factories import make_letter
from tests.signons.helpers import outbox, sign, signons

SPAM = "Win a prize at http://spam.example now"


def test_only_the_organization_name_is_chosen_text(client, session):
    letter = make_letter(session)
    long_name = "Acme " + "Very Long Name " * 19  # ~290 characters
    sign(
        client,
        letter,
        org_name=long_name,
        signer_name=SPAM,
        signer_title=SPAM,
        comment=SPAM,
        city="Spamtown",
        website="spam.example",
    )
    (mail,) = outbox(session)
    assert "spam" not in mail.body_text.lower() and "spam" not in mail.subject.lower()
    quoted = " ".join(long_name.split())
    assert quoted not in mail.body_text
    assert quoted[: ORG_NAME_IN_MAIL - 1].rstrip() + "…" in mail.body_text
    # the sign-on itself keeps everything that was typed
    (signon,) = signons(session, letter)
    assert signon.signer_name == SPAM


def test_sign_on_emails_to_one_address_are_capped_per_day(client, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MAIL_LIMIT", "3 per day")
    letter = make_letter(session)
    victim = "victim@example.org"
    for i in range(3):
        assert sign(client, letter, org_name=f"Org {i}", signer_email=victim).status_code == 302
    refused = sign(client, letter, org_name="Org 4", signer_email="VICTIM@example.org")
    assert refused.status_code == 429
    assert "Too many sign-on emails went to this address today" in refused.get_data(as_text=True)
    assert len([m for m in outbox(session) if m.to_addr.lower() == victim]) == 3
    assert len(signons(session, letter)) == 3  # nothing stored either
    # another address is not held back
    assert sign(client, letter, org_name="Org 5", signer_email="ok@example.org").status_code == 302
