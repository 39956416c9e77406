"""Ingesting mail: bounces mark receipts, replies become pending responses, the rest is
recorded. Real database, real upload store, fixtures pointed at real receipts."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from campaign.inbound.classify import MailKind
from campaign.inbound.models import FLAG_UNKNOWN_SENDER, InboundMessage
from campaign.inbound.services import ingest
from campaign.letters.models import LetterStatus
from campaign.mail.models import ReceiptState
from campaign.responses.models import (
    Response,
    ResponseAttachment,
    ResponseChannel,
    ResponseSource,
    ResponseStatus,
)
from campaign.targets.models import ChannelStatus, TargetBody, TargetChannel
from tests import factories
from tests.demands.factories import create_agency, create_demand_row
from tests.inbound.factories import context, receipt
from tests.inbound.mailgen import fixture, many_parts
from tests.letters.factories import make_letter
from tests.targets.factories import create_target

SHERIFF = "records@sheriff.example.gov"


@pytest.fixture
def demand(session):
    agency = create_agency(session, name="Example County Sheriff's Office", state="TX")
    return create_demand_row(session, agency=agency)


@pytest.fixture
def sheriff(session, demand):
    return create_target(
        session, name="Sheriff Dana Cole", body=TargetBody.SHERIFF,
        agency=agency_of(session, demand), emails=(SHERIFF, "pat.roe.sheriff@gmail.com"),
    )  # fmt: skip


def agency_of(session, demand):
    from campaign.agencies.models import Agency

    return session.get(Agency, demand.agency_id)


def attachments(session, response):
    return session.scalars(
        sa.select(ResponseAttachment)
        .where(ResponseAttachment.response_id == response.id)
        .order_by(ResponseAttachment.id)
    ).all()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("postfix_dsn.eml", "5.1.1"),
        ("o365_ndr.eml", "5.1.10"),
        ("gmail_bounce.eml", "5.1.1"),
        ("gmail_bounce_legacy.eml", "5.2.1"),
        ("qmail_bounce.eml", "5.7.1"),
    ],
)
def test_bounce_marks_the_receipt_and_its_channel(session, tmp_path, demand, sheriff, name, status):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    outcome = ingest(session, fixture(name, sent.message_id), context(tmp_path))
    session.commit()
    assert outcome.kind == MailKind.BOUNCE
    session.refresh(sent)
    assert sent.state == ReceiptState.BOUNCED and sent.bounced_at is not None
    assert status in sent.bounce_diagnostic
    channel = session.get(TargetChannel, sent.channel_id)
    assert channel.status == ChannelStatus.BOUNCING
    record = outcome.record
    assert (record.outbox_message_id, record.campaign_id) == (sent.id, demand.campaign_id)
    assert record.status_code == status and record.stored
    assert f"receipt #{sent.id}" in outcome.line


def test_delayed_dsn_is_recorded_and_the_receipt_stays(session, tmp_path, demand, sheriff):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    outcome = ingest(session, fixture("delayed_dsn.eml", sent.message_id), context(tmp_path))
    assert outcome.kind == MailKind.DELAYED
    assert outcome.record.outbox_message_id == sent.id
    assert sent.state != ReceiptState.BOUNCED and sent.bounced_at is None
    channel = session.get(TargetChannel, sent.channel_id)
    assert channel.status == ChannelStatus.UNVERIFIED


def test_bounce_of_a_message_we_never_sent_is_recorded(session, tmp_path):
    outcome = ingest(session, fixture("postfix_dsn.eml"), context(tmp_path))
    assert outcome.kind == MailKind.BOUNCE
    assert outcome.record.outbox_message_id is None
    assert "no matching receipt" in outcome.line


def test_gmail_reply_becomes_a_pending_response_prefilled(session, tmp_path, demand, sheriff):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    outcome = ingest(session, fixture("gmail_reply.eml", sent.message_id), context(tmp_path))
    session.commit()
    assert outcome.kind == MailKind.REPLY
    response = outcome.response
    assert response.status == ResponseStatus.PENDING
    assert (response.demand_id, response.letter_id) == (demand.id, None)
    assert response.channel == ResponseChannel.EMAIL
    assert response.received_on == date(2026, 12, 2)
    # from a channel of the sheriff: the sheriff's office, by the target's name
    assert response.source == ResponseSource.AGENCY and response.agency_id == demand.agency_id
    assert response.from_name == "Sheriff Dana Cole"
    assert "review the agreement with the County Board" in response.summary
    assert "terminate your 287(g)" not in response.summary
    assert response.full_text.startswith("From: Pat Roe <pat.roe.sheriff@gmail.com>\n")
    assert "Subject: Re: Demand: terminate" in response.full_text
    assert response.logged_by_id is None
    eml, pdf = attachments(session, response)
    assert eml.kind == "eml" and eml.original_name.endswith(".eml")
    assert pdf.kind == "pdf" and pdf.original_name == "Sheriff response 2026-12-02.pdf"
    store = context(tmp_path).store
    assert store.read(eml.sha256) == fixture("gmail_reply.eml", sent.message_id)
    record = outcome.record
    assert record.flag == "" and record.response_id == response.id
    assert record.outbox_message_id == sent.id


def test_outlook_reply_to_the_letter_is_from_ice(session, tmp_path):
    letter = make_letter(session, status=LetterStatus.SENT)
    ice = create_target(session, name="Maria Lopez", body=TargetBody.ICE,
                        emails=("Maria.Lopez@ice.example.gov",))  # fmt: skip
    sent = receipt(session, to="maria.lopez@ice.example.gov", letter=letter, target=ice)
    outcome = ingest(session, fixture("outlook_reply.eml", sent.message_id), context(tmp_path))
    response = outcome.response
    assert (response.letter_id, response.demand_id) == (letter.id, None)
    assert response.source == ResponseSource.ICE
    assert response.status == ResponseStatus.PENDING
    assert "ICE acknowledges receipt" in response.summary
    kinds = [a.kind for a in attachments(session, response)]
    assert kinds == ["eml", "pdf"]


def test_html_only_reply_is_text(session, tmp_path, demand, sheriff):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    response = ingest(session, fixture("html_only_reply.eml", sent.message_id),
                      context(tmp_path)).response  # fmt: skip
    assert "agenda of its January 12 meeting" in response.full_text
    assert "<" not in response.summary and "alert" not in response.full_text


def test_reply_from_an_unknown_address_is_pending_and_flagged(session, tmp_path, demand, sheriff):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    raw = fixture("gmail_reply.eml", sent.message_id).replace(
        b"pat.roe.sheriff@gmail.com", b"someone.else@example.net"
    )
    outcome = ingest(session, raw, context(tmp_path))
    response = outcome.response
    assert response.status == ResponseStatus.PENDING
    assert outcome.record.flag == FLAG_UNKNOWN_SENDER
    assert "sender not a known channel" in outcome.line
    # the receipt's target still says who was asked; the person is who the mail names
    assert response.source == ResponseSource.AGENCY and response.from_name == "Pat Roe"


def test_forged_references_to_another_campaign_are_refused(session, tmp_path, demand, sheriff):
    ours = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    other = create_demand_row(session, campaign=factories.create_campaign(session))
    theirs = receipt(session, to="x@other.example.gov", demand=other)
    raw = fixture("gmail_reply.eml", ours.message_id).replace(
        b"References: ", f"References: {theirs.message_id} ".encode()
    )
    outcome = ingest(session, raw, context(tmp_path))
    assert outcome.kind == MailKind.REFUSED
    assert "several campaigns" in outcome.record.detail
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_auto_replies_are_recorded_never_responses(session, tmp_path, demand, sheriff):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    for name in ("ooo_english.eml", "ooo_spanish.eml"):
        outcome = ingest(session, fixture(name, sent.message_id), context(tmp_path))
        assert outcome.kind == MailKind.AUTO_REPLY
        assert outcome.record.outbox_message_id == sent.id
        assert outcome.response is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_reply_to_nothing_of_ours_is_unmatched(session, tmp_path):
    outcome = ingest(session, fixture("gmail_reply.eml"), context(tmp_path))
    assert outcome.kind == MailKind.UNMATCHED
    assert "No receipt matches" in outcome.record.detail


def test_the_same_mail_twice_is_read_once(session, tmp_path, demand, sheriff):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    raw = fixture("gmail_reply.eml", sent.message_id)
    first = ingest(session, raw, context(tmp_path))
    again = ingest(session, raw, context(tmp_path))
    # delivered to a second mailbox: other trace headers, the same Message-ID
    copy = ingest(session, b"Delivered-To: other@example.org\n" + raw, context(tmp_path))
    assert not first.duplicate and again.duplicate and copy.duplicate
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_attachments_the_upload_rules_refuse_are_named(session, tmp_path, demand, sheriff):
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    raw = (
        fixture("gmail_reply.eml", sent.message_id)
        .replace(b"Content-Type: application/pdf", b"Content-Type: application/x-msdownload")
        .replace(b"JVBERi0xLjQK", b"TVqQAAMAAAAE")
    )  # an .exe's first bytes, named .pdf
    outcome = ingest(session, raw, context(tmp_path))
    assert [a.kind for a in attachments(session, outcome.response)] == ["eml"]
    assert any("not kept" in n and "must be a PNG, JPEG or PDF" in n for n in outcome.notes)
    assert "not kept" in outcome.record.detail


def test_hostile_mail_is_refused_and_recorded(session, tmp_path):
    outcome = ingest(session, many_parts(10_000), context(tmp_path))
    assert outcome.kind == MailKind.REFUSED
    record = session.get(InboundMessage, outcome.record.id)
    assert "more than 500 parts" in record.detail and not record.stored


def test_another_recipient_of_the_letter_may_answer_it(session, tmp_path):
    from campaign.sending.models import LetterTarget

    letter = make_letter(session, status=LetterStatus.SENT)
    secretary = create_target(session, name="The Secretary", body=TargetBody.DHS_SECRETARY,
                              emails=("secretary@dhs.example.gov",))  # fmt: skip
    ice = create_target(session, name="Maria Lopez", body=TargetBody.ICE,
                        emails=("maria.lopez@ice.example.gov",))  # fmt: skip
    # a target the letter is not addressed to
    create_target(session, name="Sheriff", body=TargetBody.SHERIFF,
                  emails=("sheriff@county.example.gov",))  # fmt: skip
    session.add_all([LetterTarget(letter_id=letter.id, target_id=t.id) for t in (secretary, ice)])
    sent = receipt(session, to="secretary@dhs.example.gov", letter=letter, target=secretary)
    # ICE answers the letter sent to the Secretary: ICE was addressed too
    outcome = ingest(session, fixture("outlook_reply.eml", sent.message_id), context(tmp_path))
    assert outcome.record.flag == "" and outcome.response.source == ResponseSource.ICE
    # a sheriff the letter was not addressed to: flagged, credited to the Secretary's office
    raw = (
        fixture("outlook_reply.eml", sent.message_id)
        .replace(b"Maria.Lopez@ice.example.gov", b"sheriff@county.example.gov")
        .replace(b"<SJ0PR09MB1234A1B2", b"<other")
    )
    outcome = ingest(session, raw, context(tmp_path))
    assert outcome.record.flag == FLAG_UNKNOWN_SENDER
    assert outcome.response.source == ResponseSource.DHS_SECRETARY


def test_a_reply_to_a_consolidated_follow_up_goes_to_its_first_demand(
    session, tmp_path, demand, sheriff
):
    from campaign.sending.models import AgencyFollowUp

    second = create_demand_row(session, campaign=None, agency=agency_of(session, demand))
    follow_up = AgencyFollowUp(
        campaign_id=demand.campaign_id, agency_id=demand.agency_id, sent_on=date(2026, 11, 30),
        demand_ids=[demand.id, second.id],
    )  # fmt: skip
    session.add(follow_up)
    session.flush()
    sent = receipt(session, to=SHERIFF, demand=demand, target=sheriff)
    sent.demand_id, sent.agency_follow_up_id = None, follow_up.id
    session.commit()
    outcome = ingest(session, fixture("gmail_reply.eml", sent.message_id), context(tmp_path))
    assert outcome.response.demand_id == demand.id
    assert f"also listed demands #{second.id}" in outcome.record.detail
