"""A member uploads an agency's email (.eml) on a demand or a letter; coordinators list
ingested mail. Through the real app with the test client."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from campaign.inbound.models import InboundMessage
from campaign.letters.models import LetterStatus
from campaign.responses.models import Response, ResponseAttachment, ResponseStatus
from tests import factories
from tests.demands.factories import create_demand_row
from tests.inbound.factories import receipt
from tests.inbound.mailgen import fixture, many_parts, nested_messages
from tests.letters.factories import make_letter


def upload_url(campaign, demand=None, letter=None) -> str:
    if demand is not None:
        return f"/campaigns/{campaign.slug}/demands/{demand.id}/responses/from-email"
    return f"/campaigns/{campaign.slug}/letters/{letter.id}/responses/from-email"


def post_eml(client, url, raw: bytes, name: str = "reply.eml"):
    return client.post(url, data={"eml": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data")  # fmt: skip


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def demand(session):
    return create_demand_row(session)


@pytest.fixture
def campaign(session, demand):
    from campaign.campaigns.models import Campaign

    return session.get(Campaign, demand.campaign_id)


def test_member_turns_an_eml_into_a_pending_response(session, login_as, campaign, demand):
    member = login_as("member")
    page = member.get(f"/campaigns/{campaign.slug}/demands/{demand.id}")
    assert upload_url(campaign, demand) in page.get_data(as_text=True)
    assert member.get(upload_url(campaign, demand)).status_code == 200
    sent = receipt(session, to="records@sheriff.example.gov", demand=demand)
    response = post_eml(member, upload_url(campaign, demand),
                        fixture("gmail_reply.eml", sent.message_id))  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    [logged] = session.scalars(sa.select(Response)).all()
    assert response.headers["Location"].endswith(f"/responses/{logged.id}")
    assert logged.status == ResponseStatus.PENDING and logged.demand_id == demand.id
    assert logged.logged_by_id == member.user.id
    assert "review the agreement" in logged.summary
    # a reply from an address no target has: flagged on the response's page
    detail = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "Read from an email" in detail and "Sender not a known channel" in detail
    assert "Sheriff response 2026-12-02.pdf" in detail
    items = session.scalars(
        sa.select(ResponseAttachment).where(ResponseAttachment.response_id == logged.id)
    ).all()
    eml = next(i for i in items if i.kind == "eml")
    download = member.get(
        f"/campaigns/{campaign.slug}/responses/{logged.id}/attachments/{eml.id}?view=1"
    )
    assert download.status_code == 200
    assert download.mimetype == "message/rfc822"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data == fixture("gmail_reply.eml", sent.message_id)
    # the same email again: a field error, not a second response
    again = post_eml(member, upload_url(campaign, demand),
                     fixture("gmail_reply.eml", sent.message_id))  # fmt: skip
    assert again.status_code == 400
    assert f"already response #{logged.id}" in again.get_data(as_text=True)
    assert count(session, Response) == 1


def test_a_reply_without_a_receipt_is_filed_where_it_was_uploaded(
    session, login_as, campaign, demand
):
    member = login_as("member")
    response = post_eml(member, upload_url(campaign, demand), fixture("outlook_reply.eml"))
    assert response.status_code == 302
    [logged] = session.scalars(sa.select(Response)).all()
    assert logged.demand_id == demand.id and logged.status == ResponseStatus.PENDING


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (fixture("ooo_english.eml"), "automatic reply"),
        (fixture("postfix_dsn.eml"), "a bounce"),
        (b"%PDF-1.4 not an email at all", "not an email"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not an email"),
        (b"", "The file is empty."),
        (many_parts(10_000), "more than 500 parts"),
        (nested_messages(40), "nested deeper than 5 levels"),
    ],
)
def test_bad_files_get_the_form_back_with_a_field_error(
    session, login_as, campaign, demand, raw, message
):
    member = login_as("member")
    response = post_eml(member, upload_url(campaign, demand), raw)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text and 'aria-invalid="true"' in text
    assert count(session, Response) == 0 and count(session, InboundMessage) == 0


def test_no_file_at_all(session, login_as, campaign, demand):
    member = login_as("member")
    response = member.post(upload_url(campaign, demand), data={})
    assert response.status_code == 400
    assert "Choose the .eml file" in response.get_data(as_text=True)


def test_a_reply_to_another_campaigns_receipt_is_refused(session, login_as, campaign, demand):
    other = create_demand_row(session, campaign=factories.create_campaign(session))
    theirs = receipt(session, to="x@other.example.gov", demand=other)
    member = login_as("member")
    response = post_eml(member, upload_url(campaign, demand),
                        fixture("gmail_reply.eml", theirs.message_id))  # fmt: skip
    assert response.status_code == 400
    assert "another campaign" in response.get_data(as_text=True)
    assert count(session, Response) == 0 and count(session, InboundMessage) == 0


def test_upload_on_a_letter(session, login_as):
    letter = make_letter(session, status=LetterStatus.SENT)
    from campaign.campaigns.models import Campaign

    campaign = session.get(Campaign, letter.campaign_id)
    member = login_as("member")
    page = member.get(f"/campaigns/{campaign.slug}/letters/{letter.id}")
    assert upload_url(campaign, letter=letter) in page.get_data(as_text=True)
    response = post_eml(member, upload_url(campaign, letter=letter),
                        fixture("outlook_reply.eml"))  # fmt: skip
    assert response.status_code == 302
    [logged] = session.scalars(sa.select(Response)).all()
    assert logged.letter_id == letter.id and logged.status == ResponseStatus.PENDING


def test_a_draft_letter_takes_no_response(session, login_as):
    letter = make_letter(session, status=LetterStatus.DRAFT)
    from campaign.campaigns.models import Campaign

    campaign = session.get(Campaign, letter.campaign_id)
    member = login_as("member")
    assert member.get(upload_url(campaign, letter=letter)).status_code == 404


def test_authorization(session, client, login_as, campaign, demand):
    url = upload_url(campaign, demand)
    assert client.get(url).status_code == 302  # to the login page
    assert post_eml(client, url, fixture("gmail_reply.eml")).status_code == 302
    assert client.get("/mail/inbound").status_code == 302
    member = login_as("member")
    assert member.get("/mail/inbound").status_code == 403
    # another campaign's slug with this demand's id: not found
    other = factories.create_campaign(session)
    assert member.get(upload_url(other, demand)).status_code == 404
    assert post_eml(member, upload_url(other, demand), fixture("gmail_reply.eml")).status_code \
        == 404  # fmt: skip
    assert count(session, Response) == 0


def test_coordinators_list_ingested_mail(session, runner, login_as, demand, tmp_path):
    sent = receipt(session, to="records@sheriff.example.gov", demand=demand)
    (tmp_path / "a.eml").write_bytes(fixture("gmail_bounce.eml", sent.message_id))
    (tmp_path / "b.eml").write_bytes(fixture("ooo_english.eml", sent.message_id))
    runner.invoke(args=["ingest-mail", str(tmp_path)])
    coordinator = login_as("coordinator")
    page = coordinator.get("/mail/inbound").get_data(as_text=True)
    assert 'data-kind="bounce"' in page and 'data-kind="auto_reply"' in page
    assert "records@sheriff.example.gov 5.1.1" in page
    only = coordinator.get("/mail/inbound?kind=auto_reply").get_data(as_text=True)
    assert 'data-kind="bounce"' not in only and 'data-kind="auto_reply"' in only
    assert coordinator.get("/mail/inbound?kind=nonsense&page=x").status_code == 200


def test_bounces_and_auto_replies_show_on_the_demand(session, runner, login_as, campaign, demand,
                                                    tmp_path):  # fmt: skip
    sent = receipt(session, to="records@sheriff.example.gov", demand=demand)
    (tmp_path / "a.eml").write_bytes(fixture("o365_ndr.eml", sent.message_id))
    (tmp_path / "b.eml").write_bytes(fixture("ooo_spanish.eml", sent.message_id))
    runner.invoke(args=["ingest-mail", str(tmp_path)])
    page = login_as("member").get(f"/campaigns/{campaign.slug}/demands/{demand.id}")
    text = page.get_data(as_text=True)
    assert "Mail that came back" in text
    assert 'data-kind="bounce"' in text and "RecipientNotFound" in text
    assert 'data-kind="auto_reply"' in text and "not a response" in text
