"""What else a release does: the letter goes to its targets when scheduled, and webhooks
held back during the embargo go out."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from campaign import db
from campaign.auth.models import Role, User
from campaign.campaigns.models import Campaign
from campaign.delivery.models import DeliveryMethod, LetterDelivery
from campaign.letters.embargo import embargo_of
from campaign.letters.models import Letter, LetterStatus
from campaign.mail.models import OutboxMessage
from campaign.review import services as review
from campaign.sending.models import LetterTarget
from campaign.signons.models import SignOnStatus
from campaign.targets.models import ChannelStatus, TargetBody
from campaign.webhooks.models import WebhookDelivery
from tests import factories
from tests.delivery.factories import add_signon
from tests.embargo.factories import LAUNCH_UTC, embargo
from tests.embargo.test_release import audit, run
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.targets.factories import create_target


def _targeted(session):
    letter = make_letter(session, title="End 287(g) now", days=800)
    add_signon(session, letter, "Austin Justice Alliance")
    secretary = create_target(
        session,
        name="Office of the Secretary",
        emails=("exec.sec@dhs.example.gov",),
        status=ChannelStatus.VERIFIED,
    )
    crcl = create_target(
        session, name="CRCL", body=TargetBody.CRCL, emails=("crcl@dhs.example.gov",)
    )
    for target in (secretary, crcl):
        session.add(LetterTarget(letter_id=letter.id, target_id=target.id))
    session.commit()
    return letter  # fmt: skip


def test_scheduled_delivery_goes_to_the_targets_at_release(app, session, worker_sessions, login_as):
    letter = _targeted(session)
    coordinator = factories.create_user(session, role=Role.COORDINATOR)
    embargo(session, letter, actor=coordinator, deliver=True)
    assert run(app, worker_sessions, LAUNCH_UTC - timedelta(minutes=1)).released == 0
    assert reload(session, letter).status == LetterStatus.OPEN  # nothing sent before

    assert run(app, worker_sessions, LAUNCH_UTC).released == 1
    letter = reload(session, letter)
    assert letter.status == LetterStatus.SENT
    delivery = session.scalar(
        sa.select(LetterDelivery).where(LetterDelivery.letter_id == letter.id)
    )
    assert delivery.method == DeliveryMethod.EMAIL and delivery.signatory_count == 1
    assert delivery.sent_on == date(2027, 3, 16)  # the release's day in its zone
    sent = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "letter")).all()
    assert sorted(m.to_addr for m in sent) == ["crcl@dhs.example.gov", "exec.sec@dhs.example.gov"]
    assert {m.attachment_sha256 for m in sent} == {delivery.pdf_sha256}
    (emailed,) = audit(session, "letter.email")
    assert emailed.user_id == coordinator.id  # as the coordinator who scheduled it
    assert "delivery" in embargo_of(session, letter.id).delivery_note
    # a second round sends nothing more
    run(app, worker_sessions, LAUNCH_UTC + timedelta(hours=1))
    assert session.scalar(sa.select(sa.func.count()).select_from(LetterDelivery)) == 1


def test_a_delivery_that_cannot_go_never_stops_the_release(app, session, worker_sessions):
    letter = _targeted(session)
    coordinator = factories.create_user(session, role=Role.COORDINATOR)
    embargo(session, letter, actor=coordinator, deliver=True)
    session.execute(sa.delete(LetterTarget).where(LetterTarget.letter_id == letter.id))
    session.commit()
    assert run(app, worker_sessions, LAUNCH_UTC).released == 1
    letter = reload(session, letter)
    assert letter.status == LetterStatus.OPEN
    note = embargo_of(session, letter.id).delivery_note
    assert note.startswith("Not sent at release: Choose at least one target")
    assert len(audit(session, "embargo.delivery_failed")) == 1


def test_delivery_at_release_needs_targets(session, login_as):
    letter = make_letter(session)
    slug = session.get(Campaign, letter.campaign_id).slug
    from campaign.core import clock
    from tests.embargo.factories import BEFORE

    with clock.frozen_at(BEFORE):
        c = login_as("coordinator")
        page = c.post(f"/campaigns/{slug}/letters/{letter.id}/embargo",
                      data={"release_on": "2027-03-16", "release_time": "10:00",
                            "release_tz": "America/New_York",
                            "deliver_at_release": "y"})  # fmt: skip
    assert page.status_code == 400 and "Choose the letter&#39;s targets first" in page.text
    assert embargo_of(session, letter.id) is None


def _events(session):
    session.expire_all()
    return [
        (d.event, d.body)
        for d in session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id))
    ]


def test_webhooks_about_signatures_wait_for_the_release(app, session, subscribe, worker_sessions):
    hooked = subscribe("http://127.0.0.1:9/hook")
    letter = session.get(Letter, hooked.letter_id)
    embargo(session, letter)
    actor = session.get(User, hooked.coordinator_id)
    kept = make_signon(session, letter, org_name="Austin Justice Alliance")
    gone = make_signon(session, letter, org_name="Gone Org")
    with app.app_context():
        review.approve(session, kept, letter, actor=actor)
        review.withdraw(session, gone, letter, asked_on=date.today(), actor=actor)
        session.commit()
    assert _events(session) == []  # nothing leaves before release

    db.session.commit()
    run(app, worker_sessions, LAUNCH_UTC)
    got = _events(session)
    assert [e for e, _ in got] == ["signature.confirmed", "signature.approved"]
    assert all("Austin Justice Alliance" in body and "Gone Org" not in body for _, body in got)
    assert reload(session, kept).status == SignOnStatus.APPROVED


def test_a_delivery_during_the_embargo_is_told_to_webhooks_at_release(
    app, session, subscribe, worker_sessions, login_as
):
    from tests.delivery.factories import delivery_form, send, url

    hooked = subscribe("http://127.0.0.1:9/hook", ["petition.delivered"])
    letter = session.get(Letter, hooked.letter_id)
    embargo(session, letter)
    make_signon(session, letter, status=SignOnStatus.APPROVED)
    coordinator = login_as("coordinator")
    answer = send(coordinator, url(session.get(Letter, hooked.letter_id), "/send"), delivery_form())
    assert answer.status_code == 302
    assert reload(session, letter).status == LetterStatus.SENT
    assert _events(session) == []  # its payload counts the signatures: held

    run(app, worker_sessions, LAUNCH_UTC)
    got = _events(session)
    assert [e for e, _ in got] == ["petition.delivered"]
    assert '"total_signatures":1' in got[0][1]
