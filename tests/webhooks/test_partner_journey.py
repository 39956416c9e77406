"""Issue 19's "done when", replayed as a partner meets it: with a member's token the
partner posts a sign-on from its own form, the signer confirms from the email that a real
SMTP server received, the partner gets a signed webhook, and reads the counted signatories."""

from __future__ import annotations

import json
import time

from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due as deliver_mail
from campaign.webhooks import signing
from campaign.webhooks.worker import deliver_due as deliver_hooks
from tests.servers import webhook_receiver
from tests.signons.helpers import link_in, path_of
from tests.webhooks.test_delivery import SIGNON


def test_a_partner_posts_a_sign_on_and_is_told_when_the_signer_confirms(
    tmp_path, client, session, api_as, subscribe, worker_sessions, settings, smtp_server
):
    with webhook_receiver(tmp_path, "200") as receiver:
        hooked = subscribe(receiver.url, ["signature.confirmed"])
        partner = api_as("member")
        posted = partner.post(f"/api/v1/petitions/{hooked.letter_id}/signatures", json=SIGNON)
        assert posted.status_code == 201, posted.json
        assert posted.json["coalition:status"] == "pending"
        petition = f"/api/v1/petitions/{hooked.letter_id}"
        assert partner.get(petition).json["total_signatures"] == 0  # not yet confirmed

        # Nothing is told before the signer confirms.
        assert deliver_hooks(worker_sessions, settings) == (0, 0)
        transport = SMTPTransport(smtp_server.host, smtp_server.port)
        assert deliver_mail(worker_sessions, transport, "c@example.org") == (1, 0)
        (message,) = smtp_server.messages
        assert message["To"] == "ana@tcrp.example"
        link = link_in(message.get_body(("plain",)).get_content())
        assert client.get(path_of(link)).status_code == 200
        assert client.post(path_of(link)).status_code == 302

        assert deliver_hooks(worker_sessions, settings) == (1, 0)
        (request,) = receiver.requests()

    header = request["headers"]["X-Campaign-Signature"]
    assert signing.verify(hooked.secret, header, request["body"].encode(), now=int(time.time()))
    [event] = json.loads(request["body"])
    assert event["coalition:event"] == "signature.confirmed"
    signature = event["osdi:signature"]
    assert signature["identifiers"] == posted.json["identifiers"]
    assert signature["coalition:status"] == "confirmed"

    # The partner reads the counted signatories back: one, confirmed, no email shown.
    assert partner.get(petition).json["total_signatures"] == 1
    listing = partner.get(f"{petition}/signatures").json
    [row] = listing["_embedded"]["osdi:signatures"]
    assert row["identifiers"] == posted.json["identifiers"]
    assert row["coalition:status"] == "confirmed"
    assert "email_addresses" not in row["person"]
