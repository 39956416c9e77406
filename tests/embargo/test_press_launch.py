"""A replay of real use: a coordinator embargoes a letter until a press launch, an
organization signs and confirms from the mail a real SMTP server got, the public page
shows nothing, the clock reaches the launch, the worker releases, the page shows the
organization and the signer gets "the letter is public"."""

from __future__ import annotations

from datetime import timedelta

from campaign.campaigns.models import Campaign
from campaign.core import clock
from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due
from tests.embargo.factories import BEFORE, LAUNCH_UTC
from tests.embargo.test_release import audit, run
from tests.letters.factories import make_letter
from tests.signons.helpers import link_in, path_of, sign

ORG = "Austin Justice Alliance"


def _mail_round(worker_sessions, smtp_server, now=None) -> list:
    """The worker's outbox round at ``now`` (the clock's by default)."""
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    before = len(smtp_server.messages)
    deliver_due(worker_sessions, transport, "campaign@coalition.example.org", now=now)
    return smtp_server.messages[before:]


def test_embargoed_until_the_press_launch(
    app, session, client, login_as, smtp_server, worker_sessions
):
    letter = make_letter(session, title="End 287(g) in Texas", days=800,
                         show_signatories=True, auto_approve=True)  # fmt: skip
    slug = session.get(Campaign, letter.campaign_id).slug
    letter_slug, letter_id = letter.slug, letter.id
    page_url = f"/sign/{letter_slug}"

    with clock.frozen_at(BEFORE):
        coordinator = login_as("coordinator")
        embargoed = coordinator.post(
            f"/campaigns/{slug}/letters/{letter_id}/embargo",
            data={"release_on": "2027-03-16", "release_time": "10:00",
                  "release_tz": "America/New_York"},
        )  # fmt: skip
        assert embargoed.status_code == 302
        staff_page = coordinator.get(f"/campaigns/{slug}/letters/{letter_id}").text
        assert (
            "Under embargo" in staff_page
            and "Tuesday, March 16, 2027 at 10:00 AM EDT" in staff_page
        )

        # an organization signs from the link the coalition circulated
        assert sign(client, letter, org_name=ORG, signer_email="ana@ajall.org",
                    keep_informed="y").status_code == 302  # fmt: skip
        (confirm,) = _mail_round(worker_sessions, smtp_server)
        text = confirm.get_body(("plain",)).get_content()
        assert confirm["To"] == "ana@ajall.org"
        assert "under embargo until Tuesday, March 16, 2027 at 10:00 AM EDT" in text
        assert client.post(path_of(link_in(text))).status_code == 302

        # approved at once (the letter says so), yet the public sees nothing
        page = client.get(page_url)
        assert ORG not in page.text and "on-letter-count" not in page.text
        assert '<meta name="robots" content="noindex">' in page.text
        assert page.headers["X-Robots-Tag"] == "noindex"

    # the day before, the coordinators are reminded
    day_before = LAUNCH_UTC - timedelta(hours=23)
    assert run(app, worker_sessions, day_before).reminded == 1
    reminders = [m for m in _mail_round(worker_sessions, smtp_server, day_before)
                 if m["Subject"].startswith("Released tomorrow")]  # fmt: skip
    assert coordinator.user.email in {m["To"] for m in reminders}

    with clock.frozen_at(LAUNCH_UTC - timedelta(minutes=1)):
        assert ORG not in client.get(page_url).text
    # launch time: the worker releases
    assert run(app, worker_sessions, LAUNCH_UTC).released == 1
    with clock.frozen_at(LAUNCH_UTC):
        page = client.get(page_url)
    assert ORG in page.text and 'id="on-letter-count">1<' in page.text
    assert "noindex" not in page.text and "X-Robots-Tag" not in page.headers

    (public,) = _mail_round(worker_sessions, smtp_server, LAUNCH_UTC)
    assert public["To"] == "ana@ajall.org"
    assert public["Subject"] == "The letter is public: End 287(g) in Texas"
    body = public.get_body(("plain",)).get_content()
    assert f"The letter is public: http://campaign.test/sign/{letter_slug}" in body
    (released,) = audit(session, "embargo.release")
    assert released.user_id is None and released.details["emailed"] == 1

    # later rounds change nothing and mail nobody
    assert run(app, worker_sessions, LAUNCH_UTC + timedelta(hours=1)).released == 0
    assert _mail_round(worker_sessions, smtp_server, LAUNCH_UTC + timedelta(hours=1)) == []
