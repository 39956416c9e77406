"""A coordinator's day, replayed: DHS targets, the letter emailed with receipts, packets to
several agencies, a bounce, one follow-up per agency — against a real SMTP server."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from campaign.delivery.models import LetterDelivery
from campaign.demands.models import Demand, DemandStatus
from campaign.letters.models import LetterStatus
from campaign.mail.models import OutboxMessage, ReceiptState
from campaign.mail.worker import deliver_due
from campaign.sending.followups import send_due_follow_ups
from campaign.targets.models import ChannelStatus, Target, TargetChannel
from campaign.uploads.store import store_for
from tests.delivery.factories import add_signon, url
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.mail.scripted import Scripted
from tests.sending.factories import ready_demand


def _target(client, **fields) -> int:
    response = client.post("/targets/new", data=fields)
    assert response.status_code == 302, response.text
    return int(re.search(r"/targets/(\d+)", response.headers["Location"]).group(1))


def _deliver(app, worker_sessions, transport, **kw):
    # the test's own session ends its savepoint first: a request's teardown would roll it
    # back, and with it whatever the worker wrote after it began
    from campaign import db

    db.session.commit()
    store = store_for(app)
    return deliver_due(
        worker_sessions, transport, "relay@campaign.example.org", read_attachment=store.read
    )


def test_coordinator_journey(session, app, login_as, scripted_smtp, worker_sessions):
    coordinator = login_as("coordinator")
    letter = make_letter(session, status=LetterStatus.OPEN, title="End 287(g)")
    campaign = session.get(Campaign, letter.campaign_id)
    campaign.coalition_name, campaign.coalition_email = "Gulf Coast Coalition", "hello@gcc.org"
    for name in ("Austin Justice", "Houston Rights", "Dallas Voices"):
        add_signon(session, letter, name)
    # 1. DHS targets, one channel verified
    crcl = _target(
        coordinator,
        name="Office for Civil Rights and Civil Liberties",
        body="crcl",
        organization="DHS",
    )
    secretary = _target(coordinator, name="Office of the Secretary", body="dhs_secretary")
    for target, address in ((crcl, "crcl@dhs.example.gov"), (secretary, "sec@dhs.example.gov")):
        assert (
            coordinator.post(
                f"/targets/{target}/channels", data={"kind": "email", "address": address}
            ).status_code
            == 302
        )
    channel = session.scalar(sa.select(TargetChannel).where(TargetChannel.target_id == crcl))
    coordinator.post(
        f"/targets/{crcl}/channels/{channel.id}/verify", data={"how": "Listed on dhs.gov/crcl"}
    )

    # 2. the letter, emailed to both; the first server answer is a greylisting 451
    data = {
        "targets": [str(crcl), str(secretary)],
        "subject": "End 287(g)",
        "cover": "Dear Secretary,\nAttached.",
        "sent_on": date.today().isoformat(),
    }
    assert "Send 2 messages" in coordinator.post(url(letter, "/email"), data=data).text
    assert (
        coordinator.post(url(letter, "/email"), data={**data, "confirmed": "1"}).status_code == 302
    )
    assert reload(session, letter).status == LetterStatus.SENT
    handler = Scripted("451 4.7.1 Greylisted", "250 2.0.0 Ok: queued as 4B1C")
    transport = scripted_smtp(handler)
    _deliver(app, worker_sessions, transport)  # first: deferred, second: accepted
    from datetime import timedelta

    from campaign.db import utcnow

    store = store_for(app)
    deliver_due(
        worker_sessions,
        transport,
        "relay@campaign.example.org",
        now=utcnow() + timedelta(minutes=5),
        read_attachment=store.read,
    )
    delivery = session.scalar(sa.select(LetterDelivery))
    assert len(handler.messages) == 2
    for mail in handler.messages:
        [pdf] = list(mail.iter_attachments())
        assert hashlib.sha256(pdf.get_content()).hexdigest() == delivery.pdf_sha256
    page = coordinator.get(url(letter)).text
    assert page.count("250 2.0.0 Ok: queued as 4B1C") == 2 and "after 1 deferral" in page

    # 3. packets to three agencies (one sheriff's address will bounce)
    demands = [
        ready_demand(
            session,
            campaign=campaign,
            name=f"County {i} Sheriff's Office",
            email=f"sheriff{i}@county{i}.example.org",
        )
        for i in range(3)
    ]
    report = coordinator.post(
        f"/campaigns/{campaign.slug}/packets",
        data={"filters": "status=draft", "sent_on": "2026-11-02"},
    )
    assert "3 of 3 packets sent" in report.text
    bouncer = Scripted("250 2.0.0 Ok: queued as PKT", rcpt=None)
    transport = scripted_smtp(bouncer)
    # the first county's mail server refuses its address for good
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.to_addr == "sheriff0@county0.example.org")
        .values(to_addr="gone@nowhere")
    )
    session.commit()

    class Picky(Scripted):
        async def handle_RCPT(self, server, smtp_session, envelope, address, options):
            if address == "gone@nowhere":
                return "550 5.1.1 <gone@nowhere>: Recipient address rejected"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    picky = Picky("250 2.0.0 Ok: queued as PKT")
    sent, failed = _deliver(app, worker_sessions, scripted_smtp(picky))
    assert (sent, failed) == (2, 1) and len(picky.messages) == 2
    bounced = session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.to_addr == "gone@nowhere")
    )
    assert bounced.state == ReceiptState.BOUNCED
    assert session.get(TargetChannel, bounced.channel_id).status == ChannelStatus.BOUNCING
    target_page = coordinator.get(f"/targets/{bounced.target_id}").text
    assert "Bouncing since" in target_page and "Recipient address rejected" in target_page
    for demand in demands:
        demand = reload(session, demand)
        assert demand.status == DemandStatus.SENT and demand.due_on == date(2026, 12, 2)

    # 4. overdue in December: one follow-up per agency, once
    with app.app_context():
        sent, problems = send_due_follow_ups(session, date(2026, 12, 7))
        session.commit()
    # the bouncing county has no working address left: not due, and the page says why
    assert (sent, problems) == (2, [])
    follow = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "follow_up")
    ).all()
    assert len(follow) == 2 and len({m.to_addr for m in follow}) == 2
    with app.app_context():
        assert send_due_follow_ups(session, date(2026, 12, 8))[0] == 0
        session.commit()
    page = coordinator.get(f"/campaigns/{campaign.slug}/agency-follow-ups").text
    assert "by the worker" in page and page.count("No working email address") == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(Demand)) == 3
    assert session.scalar(sa.select(sa.func.count()).select_from(Target)) == 5
