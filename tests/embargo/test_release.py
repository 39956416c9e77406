"""Release happens once, at its time (by the worker's clock), across restarts and DST;
the reminder and the keep-informed mail go once; every coordinator action is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from campaign import db
from campaign.audit.models import AuditEvent
from campaign.core import clock
from campaign.core.errors import DomainError
from campaign.embargo import jobs, services
from campaign.embargo.services import ReleaseTime
from campaign.letters.embargo import embargo_of, release_instant
from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOnStatus
from campaign.uploads.store import store_for
from tests.delivery.factories import add_signon
from tests.embargo.factories import BEFORE, LAUNCH, LAUNCH_UTC, embargo
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon


def run(app, factory, now):
    """One worker round at ``now`` (its sessions are new each time: a restarted worker)."""
    # end the test session's own savepoint first: the context's teardown would roll it
    # back, and the worker's writes, nested inside it, with it
    db.session.commit()
    if now is None:
        return _round(app, factory)
    # the whole app's clock, not only the job's: the delivery dates itself "today"
    with clock.frozen_at(now):
        return _round(app, factory)


def _round(app, factory):
    with app.app_context():
        return jobs.run_due(factory, static_dir=app.static_folder, store=store_for(app))


def mails(session, kind: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def audit(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def letter(session):
    letter = make_letter(session, title="End 287(g) in Texas", show_signatories=True)
    add_signon(session, letter, "Austin Justice Alliance")
    make_signon(session, letter, signer_email="ana@ajall.org", keep_informed=True,
                status=SignOnStatus.APPROVED)  # fmt: skip
    # one address, two sign-ons: one mail
    make_signon(session, letter, signer_email="ANA@ajall.org", keep_informed=True)
    make_signon(session, letter, signer_email="bo@hir.org", keep_informed=True)
    # not told: did not ask, never confirmed, or withdrawn
    make_signon(session, letter, signer_email="cy@x.org", keep_informed=False)
    make_signon(session, letter, signer_email="di@x.org", keep_informed=True,
                status=SignOnStatus.PENDING)  # fmt: skip
    make_signon(session, letter, signer_email="ed@x.org", keep_informed=True,
                status=SignOnStatus.WITHDRAWN)  # fmt: skip
    session.commit()
    return letter


def test_the_worker_releases_at_the_release_time_and_only_once(
    app, session, letter, worker_sessions
):
    embargo(session, letter)
    assert run(app, worker_sessions, LAUNCH_UTC - timedelta(seconds=1)).released == 0
    assert embargo_of(session, letter.id).in_force

    assert run(app, worker_sessions, LAUNCH_UTC).released == 1
    # a second round, a restarted worker, the next day: nothing more
    assert run(app, worker_sessions, LAUNCH_UTC).released == 0
    assert run(app, worker_sessions, LAUNCH_UTC + timedelta(days=1)).released == 0

    session.expire_all()
    row = embargo_of(session, letter.id)
    assert row.released_at == LAUNCH_UTC and not row.in_force
    (event,) = audit(session, "embargo.release")
    assert event.user_id is None and event.details["early"] is False
    assert event.details["emailed"] == 2
    told = mails(session, "embargo.released")
    assert sorted(m.to_addr for m in told) == ["ana@ajall.org", "bo@hir.org"]
    for m in told:
        assert m.subject == "The letter is public: End 287(g) in Texas"
        assert f"The letter is public: http://campaign.test/sign/{letter.slug}" in m.body_text


def test_a_release_that_fails_midway_is_done_whole_by_the_next_round(
    app, session, letter, worker_sessions, monkeypatch
):
    embargo(session, letter)

    def crash(*_a, **_kw):
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(services, "mail_keep_informed", crash)
    with pytest.raises(RuntimeError):
        run(app, worker_sessions, LAUNCH_UTC)
    assert embargo_of(session, letter.id).in_force  # rolled back: nothing half-done
    assert mails(session, "embargo.released") == []
    monkeypatch.undo()
    assert run(app, worker_sessions, LAUNCH_UTC + timedelta(minutes=1)).released == 1
    assert len(mails(session, "embargo.released")) == 2
    assert len(audit(session, "embargo.release")) == 1


def test_the_worker_reads_the_controllable_clock(app, session, letter, worker_sessions):
    embargo(session, letter)
    with clock.frozen_at(LAUNCH_UTC - timedelta(minutes=5)):
        assert run(app, worker_sessions, None).released == 0
        clock.set_now(LAUNCH_UTC)
        assert run(app, worker_sessions, None).released == 1


@pytest.mark.parametrize(
    ("day", "at", "utc", "local"),
    [
        # spring forward (March 14, 2027): 02:30 does not exist in New York; it moves on by
        # the hour the clocks skip, to 03:30 EDT
        (date(2027, 3, 14), time(2, 30), datetime(2027, 3, 14, 7, 30, tzinfo=UTC), "3:30 AM EDT"),
        # fall back (November 7, 2027): 01:30 happens twice; the first, in EDT
        (date(2027, 11, 7), time(1, 30), datetime(2027, 11, 7, 5, 30, tzinfo=UTC), "1:30 AM EDT"),
        # either side of the changes, the wall time in its own offset
        (date(2027, 3, 13), time(2, 30), datetime(2027, 3, 13, 7, 30, tzinfo=UTC), "2:30 AM EST"),
        (date(2027, 7, 1), time(10, 0), datetime(2027, 7, 1, 14, 0, tzinfo=UTC), "10:00 AM EDT"),
        (date(2027, 12, 1), time(10, 0), datetime(2027, 12, 1, 15, 0, tzinfo=UTC), "10:00 AM EST"),
    ],
)
def test_release_times_across_daylight_saving_changes(day, at, utc, local):
    from campaign.letters.embargo import format_local

    assert release_instant(day, at, "America/New_York") == utc
    assert format_local(utc, "America/New_York").endswith(local)


def test_the_worker_releases_a_spring_forward_time_at_its_moved_instant(
    app, session, letter, worker_sessions
):
    embargo(session, letter, ReleaseTime(date(2027, 3, 14), time(2, 30), "America/New_York"))
    row = embargo_of(session, letter.id)
    assert row.release_at == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)  # stored in UTC
    # 06:59 UTC is 01:59 EST, the last minute before the skipped hour
    assert run(app, worker_sessions, datetime(2027, 3, 14, 6, 59, tzinfo=UTC)).released == 0
    assert run(app, worker_sessions, datetime(2027, 3, 14, 7, 29, tzinfo=UTC)).released == 0
    assert run(app, worker_sessions, datetime(2027, 3, 14, 7, 30, tzinfo=UTC)).released == 1


def test_the_worker_releases_a_fall_back_time_at_its_first_occurrence(
    app, session, letter, worker_sessions
):
    embargo(session, letter, ReleaseTime(date(2027, 11, 7), time(1, 30), "America/New_York"))
    assert run(app, worker_sessions, datetime(2027, 11, 7, 5, 29, tzinfo=UTC)).released == 0
    assert run(app, worker_sessions, datetime(2027, 11, 7, 5, 30, tzinfo=UTC)).released == 1
    # the second 01:30 (EST, 06:30 UTC) releases nothing again
    assert run(app, worker_sessions, datetime(2027, 11, 7, 6, 30, tzinfo=UTC)).released == 0


def test_coordinators_are_reminded_once_a_day_before(
    app, session, letter, worker_sessions, make_user
):
    from campaign.auth.models import Role

    make_user(role=Role.COORDINATOR, email="lead@coalition.org")
    make_user(role=Role.ADMIN, email="admin@coalition.org")
    make_user(role=Role.MEMBER, email="member@coalition.org")
    make_user(role=Role.COORDINATOR, email="gone@coalition.org", active=False)
    embargo(session, letter)
    assert run(app, worker_sessions, LAUNCH_UTC - timedelta(hours=24, seconds=1)).reminded == 0
    assert run(app, worker_sessions, LAUNCH_UTC - timedelta(hours=24)).reminded == 1
    assert run(app, worker_sessions, LAUNCH_UTC - timedelta(hours=2)).reminded == 0
    reminders = mails(session, "embargo.reminder")
    to = {m.to_addr for m in reminders}
    assert {"lead@coalition.org", "admin@coalition.org"} <= to
    assert not {"member@coalition.org", "gone@coalition.org"} & to
    assert len(to) == len(reminders)  # one each
    body = reminders[0].body_text
    assert "Tuesday, March 16, 2027 at 10:00 AM EDT" in body and "/letters/" in body
    # the release itself sends no second reminder
    run(app, worker_sessions, LAUNCH_UTC)
    assert len(mails(session, "embargo.reminder")) == len(reminders)


def test_a_postponed_release_is_reminded_again_for_its_new_time(
    app, session, letter, worker_sessions
):
    row = embargo(session, letter)
    run(app, worker_sessions, LAUNCH_UTC - timedelta(hours=20))
    first = len(mails(session, "embargo.reminder"))
    assert first >= 1
    services.postpone(
        session, reload(session, letter),
        ReleaseTime(date(2027, 3, 23), time(10, 0), "America/New_York"),
        reason="The press conference moved a week", actor=_coordinator(session),
        now=LAUNCH_UTC - timedelta(hours=19),
    )  # fmt: skip
    session.commit()
    assert reload(session, row).reminded_at is None
    assert run(app, worker_sessions, LAUNCH_UTC).released == 0  # not at the old time
    new = datetime(2027, 3, 23, 14, 0, tzinfo=UTC)
    assert run(app, worker_sessions, new - timedelta(hours=23)).reminded == 1
    assert run(app, worker_sessions, new).released == 1


def _coordinator(session):
    from campaign.auth.models import Role
    from tests import factories

    user = factories.create_user(session, role=Role.COORDINATOR)
    session.commit()
    return user


def test_release_now_postpone_and_cancel_are_audited_from_the_letter_page(
    app, session, login_as, letter
):
    from campaign.campaigns.models import Campaign

    slug = session.get(Campaign, letter.campaign_id).slug
    base = f"/campaigns/{slug}/letters/{letter.id}/embargo"
    with clock.frozen_at(BEFORE):
        c = login_as("coordinator")
        form = c.get(base)
        assert form.status_code == 200 and '<option selected value="America/New_York">' in form.text
        # a release time in the past is refused with the field's error
        refused = c.post(base, data={"release_on": "2027-02-01", "release_time": "10:00",
                                     "release_tz": "America/New_York"})  # fmt: skip
        assert refused.status_code == 400 and "must be in the future" in refused.text
        done = c.post(base, data={"release_on": "2027-03-16", "release_time": "10:00",
                                  "release_tz": "America/New_York"})  # fmt: skip
        assert done.status_code == 302
        assert embargo_of(session, letter.id).release_at == LAUNCH_UTC
        # postponing needs a reason
        later = {"release_on": "2027-03-18", "release_time": "09:30",
                 "release_tz": "America/Chicago"}  # fmt: skip
        refused = c.post(base, data=later)
        assert refused.status_code == 400 and "Say why the release moves" in refused.text
        assert c.post(base, data={**later, "reason": "Launch moved"}).status_code == 302
        session.expire_all()
        assert embargo_of(session, letter.id).release_at == datetime(
            2027, 3, 18, 14, 30, tzinfo=UTC
        )
        (moved,) = audit(session, "embargo.postpone")
        assert moved.user_id == c.user.id and moved.details["reason"] == "Launch moved"
        assert moved.details["old"].startswith("2027-03-16T14:00")

        assert c.post(base + "/release").status_code == 302
    (released,) = audit(session, "embargo.release")
    assert released.user_id == c.user.id and released.details["early"] is True
    assert len(mails(session, "embargo.released")) == 2
    # released: no second release, no cancelling, no new embargo
    assert c.post(base + "/release").status_code == 302
    assert len(audit(session, "embargo.release")) == 1
    with pytest.raises(DomainError):
        services.cancel(session, reload(session, letter), reason="", actor=c.user)
    session.rollback()
    with pytest.raises(DomainError):
        services.set_embargo(session, reload(session, letter), LAUNCH, actor=_coordinator(session),
                             now=BEFORE)  # fmt: skip
    session.rollback()


def test_cancelling_makes_the_page_ordinary_without_release_mail(
    app, session, login_as, client, letter
):
    from campaign.campaigns.models import Campaign

    embargo(session, letter)
    slug = session.get(Campaign, letter.campaign_id).slug
    c = login_as("coordinator")
    done = c.post(f"/campaigns/{slug}/letters/{letter.id}/embargo/cancel",
                  data={"reason": "The coalition decided to go public now"})  # fmt: skip
    assert done.status_code == 302
    (event,) = audit(session, "embargo.cancel")
    assert event.details["reason"] == "The coalition decided to go public now"
    assert mails(session, "embargo.released") == []
    assert "Austin Justice Alliance" in client.get(f"/sign/{letter.slug}").text
    # a cancelled embargo may be set again
    assert embargo(session, reload(session, letter)).in_force
    assert "Austin Justice Alliance" not in client.get(f"/sign/{letter.slug}").text


def test_a_delivered_letter_cannot_be_embargoed(session):
    from campaign.letters.models import LetterStatus

    sent = make_letter(session, status=LetterStatus.SENT)
    with pytest.raises(DomainError, match="delivered"):
        embargo(session, sent)


def test_a_round_with_nothing_due_only_reads(app, session, letter, worker_sessions, count_queries):
    embargo(session, letter)
    db.session.commit()
    with count_queries() as q, app.app_context():
        done = jobs.run_due(worker_sessions, static_dir=app.static_folder, store=store_for(app),
                            now=BEFORE)  # fmt: skip
    assert done == jobs.Round(0, 0)
    # two look-ups, no write (on SQLite no BEGIN IMMEDIATE: the lock stays free)
    assert len(q.statements) == 2
    assert all(s.lstrip().upper().startswith("SELECT") for s in q.statements)
