"""Bulk-send packets: each demand to its own targets, its own receipts; refusals reported."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.demands.models import DemandStatus
from campaign.mail.models import OutboxMessage
from tests import factories
from tests.factories import reload
from tests.sending.factories import ready_demand


def test_bulk_send_reports_each_demand(session, login_as):
    campaign = factories.create_campaign(session)
    texas = [
        ready_demand(
            session,
            campaign=campaign,
            name=f"County {i} Sheriff's Office",
            email=f"sheriff{i}@county{i}.example.org",
        )
        for i in range(3)
    ]
    no_target = ready_demand(session, campaign=campaign, name="Lonely Sheriff's Office", email=None)
    florida = ready_demand(
        session,
        campaign=campaign,
        name="Florida Sheriff's Office",
        state="FL",
        email="fl@sheriff.example.org",
    )
    coordinator = login_as("coordinator")
    url = f"/campaigns/{campaign.slug}/packets"
    page = coordinator.get(f"{url}?state=TX&status=draft")
    assert page.status_code == 200 and "Send 4 packets" in page.text
    assert "the agency has no target" in page.text and "Florida Sheriff" not in page.text
    response = coordinator.post(
        url, data={"filters": "state=TX&status=draft", "sent_on": "2026-12-01"}
    )
    assert response.status_code == 200, response.text
    assert "3 of 4 packets sent" in response.text and "not sent" in response.text
    rows = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.to_addr)).all()
    assert [r.to_addr for r in rows] == [f"sheriff{i}@county{i}.example.org" for i in range(3)]
    assert {r.demand_id for r in rows} == {d.id for d in texas}
    # each packet is its own demand's: three different files
    assert len({r.attachment_sha256 for r in rows}) == 3
    for demand in texas:
        assert reload(session, demand).status == DemandStatus.SENT
    assert reload(session, no_target).status == DemandStatus.DRAFT
    assert reload(session, florida).status == DemandStatus.DRAFT
    assert coordinator.post(url, data={"filters": "state=TX", "sent_on": "x"}).status_code == 400
    assert login_as("member").get(url).status_code == 403
