"""Issue 16, info: evidence and response attachments were served inline, and a member's
file added to an approved response skipped the moderation the response went through."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from campaign.evidence.models import EvidenceAttachment
from campaign.responses.models import Response, ResponseAttachment, ResponseStatus
from tests.demands.factories import create_evidence_record
from tests.letters.factories import make_letter
from tests.responses.factories import make_response
from tests.signons.helpers import png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _kinds():
    return {"pdf": (PDF, "a.pdf"), "png": (png(), "a.png")}


@pytest.mark.parametrize("kind", ["pdf", "png"])
def test_evidence_files_download_unless_viewed(login_as, session, kind):
    record = create_evidence_record(session)
    c = login_as("member")
    data, name = _kinds()[kind]
    c.post(f"/evidence/{record.id}/attachments", data={"attachment": (io.BytesIO(data), name)})
    item = session.scalar(sa.select(EvidenceAttachment))
    url = f"/evidence/{record.id}/attachments/{item.id}"
    assert c.get(url).headers["Content-Disposition"].startswith("attachment;")
    assert c.get(url + "?view=1").headers["Content-Disposition"].startswith("inline;")
    page = c.get(f"/evidence/{record.id}").get_data(as_text=True)
    assert f'href="{url}" download' in page and f'href="{url}?view=1"' in page


def _response_with_file(session, login_as, status=ResponseStatus.APPROVED):
    response = make_response(session, letter=make_letter(session))
    session.get(Response, response.id).status = status
    session.commit()
    slug = session.get(Campaign, response.campaign_id).slug
    base = f"/campaigns/{slug}/responses/{response.id}"
    member = login_as("member")
    added = member.post(f"{base}/attachments", data={"attachment": (io.BytesIO(PDF), "x.pdf")})
    assert added.status_code == 302
    item = session.scalar(sa.select(ResponseAttachment))
    return base, member, item


def test_response_files_download_unless_viewed(session, login_as):
    base, member, item = _response_with_file(session, login_as, ResponseStatus.PENDING)
    url = f"{base}/attachments/{item.id}"
    assert member.get(url).headers["Content-Disposition"].startswith("attachment;")
    assert member.get(url + "?view=1").headers["Content-Disposition"].startswith("inline;")


def test_a_members_file_on_an_approved_response_awaits_a_coordinator(session, login_as):
    base, member, item = _response_with_file(session, login_as)
    assert item.pending
    url = f"{base}/attachments/{item.id}"
    # the member who added it sees it, marked; other members neither see nor fetch it
    assert "awaiting a coordinator" in member.get(base).get_data(as_text=True)
    other = login_as("member")
    assert "x.pdf" not in other.get(base).get_data(as_text=True)
    assert other.get(url).status_code == 404
    coordinator = login_as("coordinator")
    assert "x.pdf" in coordinator.get(base).get_data(as_text=True)
    assert coordinator.post(f"{url}/approve").status_code == 302
    session.expire_all()
    assert not session.get(ResponseAttachment, item.id).pending
    assert other.get(url).status_code == 200


def test_a_coordinator_may_remove_it_and_their_own_files_need_no_approval(session, login_as):
    base, _member, item = _response_with_file(session, login_as)
    coordinator = login_as("coordinator")
    assert coordinator.post(f"{base}/attachments/{item.id}/remove").status_code == 302
    session.expire_all()
    assert session.get(ResponseAttachment, item.id) is None
    coordinator.post(f"{base}/attachments", data={"attachment": (io.BytesIO(PDF), "c.pdf")})
    assert not session.scalar(sa.select(ResponseAttachment)).pending
