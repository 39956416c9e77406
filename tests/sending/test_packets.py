"""Demand packets: the PDF's contents, sending moves the demand to sent, a receipt each."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from campaign.demands.models import DemandEvent, DemandEventKind, DemandStatus
from campaign.mail.models import OutboxMessage, ReceiptState
from campaign.mail.worker import deliver_due
from campaign.sending.clock import add_business_days
from campaign.uploads.store import store_for
from tests.factories import reload
from tests.mail.scripted import Scripted
from tests.printing.conftest import needs_poppler, pdftotext, squash
from tests.sending.factories import ready_demand


def _url(session, demand, tail=""):
    slug = session.get(Campaign, demand.campaign_id).slug
    return f"/campaigns/{slug}/demands/{demand.id}{tail}"


@needs_poppler
def test_the_packet_prints_ask_agreements_evidence(session, login_as, tmp_path):
    demand = ready_demand(session)
    response = login_as("member").get(_url(session, demand, "/packet.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = squash(pdftotext(response.data, tmp_path))
    for expected in [
        demand.ask,
        "WarrantServiceOfficer(WSO)",
        "February12,2025",
        "February20,2025",
        "May18,2026",
        "TrafficstopsinGalveston",
        "GulfCoastLedger,June1,2025",
        "https://news.example.org/stops",
        "Showsracialprofilingatstops.",
        f"D-{demand.created_at.year}-",
    ]:
        assert squash(expected) in text, expected


@needs_poppler
def test_the_packets_rationale_is_markdown_as_on_the_demand_page(session, login_as, tmp_path):
    # The demo's rationale carries a footnote; the packet printed "[^1]" as typed.
    demand = ready_demand(session)
    demand.rationale = "Stops in *Galveston* tripled.[^1]\n\n[^1]: Gulf Coast Ledger, 2025."
    session.flush()
    response = login_as("member").get(_url(session, demand, "/packet.pdf"))
    text = squash(pdftotext(response.data, tmp_path))
    assert squash("Stops in Galveston tripled.") in text
    assert squash("Gulf Coast Ledger, 2025.") in text
    assert "[^1]" not in text and "*Galveston*" not in text


def test_sending_the_packet_moves_the_demand_and_keeps_a_receipt(
    session, app, login_as, scripted_smtp, worker_sessions
):
    demand = ready_demand(session)
    coordinator = login_as("coordinator")
    page = coordinator.get(_url(session, demand, "/packet/send"))
    assert page.status_code == 200 and "sheriff@galveston.example.org" in page.text
    target_id = page.text.split('name="targets" value="')[1].split('"')[0]
    sent_on = date(2026, 11, 25)  # the day before Thanksgiving
    response = coordinator.post(
        _url(session, demand, "/packet/send"),
        data={"targets": [target_id], "sent_on": sent_on.isoformat()},
    )
    assert response.status_code == 302, response.text
    demand = reload(session, demand)
    assert demand.status == DemandStatus.SENT and demand.status_changed_on == sent_on
    # 20 business days: Thanksgiving and the weekends do not count
    assert demand.due_on == add_business_days(sent_on, 20) == date(2026, 12, 24)
    [receipt] = session.scalars(sa.select(OutboxMessage)).all()
    assert receipt.demand_id == demand.id and receipt.kind == "packet"
    handler = Scripted("250 2.0.0 Ok: queued as PKT1")
    store = store_for(app)
    assert deliver_due(
        worker_sessions, scripted_smtp(handler), "c@example.org", read_attachment=store.read
    ) == (1, 0)
    [mail] = handler.messages
    [pdf] = list(mail.iter_attachments())
    assert hashlib.sha256(pdf.get_content()).hexdigest() == receipt.attachment_sha256
    assert "D-" in mail["Subject"] and mail["To"] == "sheriff@galveston.example.org"
    assert reload(session, receipt).state == ReceiptState.ACCEPTED
    events = session.scalars(sa.select(DemandEvent.kind).where(DemandEvent.demand_id == demand.id))
    assert DemandEventKind.PACKET_SENT in set(events)
    detail = coordinator.get(_url(session, demand)).text
    assert "250 2.0.0 Ok: queued as PKT1" in detail and "Response clock" in detail


@pytest.mark.parametrize("case", ["no-evidence", "no-target", "future"])
def test_a_packet_that_cannot_go_sends_nothing(session, login_as, case):
    demand = ready_demand(session, email=None if case == "no-target" else "s@x.example.org")
    if case == "no-evidence":
        from campaign.demands.models import DemandEvidence

        session.execute(sa.delete(DemandEvidence))
        session.commit()
    coordinator = login_as("coordinator")
    page = coordinator.get(_url(session, demand, "/packet/send")).text
    ids = [p.split('"')[0] for p in page.split('name="targets" value="')[1:]]
    sent_on = "2099-01-01" if case == "future" else date.today().isoformat()
    response = coordinator.post(
        _url(session, demand, "/packet/send"), data={"targets": ids, "sent_on": sent_on}
    )
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert reload(session, demand).status == DemandStatus.DRAFT


def test_members_download_but_do_not_send(session, login_as, client):
    demand = ready_demand(session)
    member = login_as("member")
    assert member.get(_url(session, demand, "/packet/send")).status_code == 403
    assert member.post(_url(session, demand, "/packet/send"), data={}).status_code == 403
    for tail in ("/clock/extend", "/clock/pause", "/clock/resume"):
        assert member.post(_url(session, demand, tail), data={}).status_code == 403
    assert client.get(_url(session, demand, "/packet.pdf")).status_code == 302


def test_rendering_packets_on_request_is_limited_per_account(session, login_as, app, monkeypatch):
    """Each GET renders a PDF (seconds of CPU): past the limit an account gets 429, not a
    queue of renders; another account is not held back by it."""
    monkeypatch.setitem(app.config, "PACKET_RENDER_LIMIT", "2 per minute")
    demand = ready_demand(session)
    member = login_as("member")
    statuses = [member.get(_url(session, demand, "/packet.pdf")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert login_as("coordinator").get(_url(session, demand, "/packet.pdf")).status_code == 200
