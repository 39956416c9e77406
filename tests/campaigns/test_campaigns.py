"""Campaign pages: coordinators create and edit, every logged-in user reads."""

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign
from tests.factories import reload


def test_coordinator_creates_campaign_with_slug(login_as, session):
    c = login_as("coordinator")
    response = c.post("/campaigns/new", data={"name": "End 287(g) — Texas", "description": "Why"})
    assert response.status_code == 302
    campaign = session.scalar(sa.select(Campaign).where(Campaign.name == "End 287(g) — Texas"))
    assert campaign.slug == "end-287g-texas"
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.slug}")
    assert session.scalar(
        sa.select(AuditEvent.action).where(
            AuditEvent.entity == "campaign", AuditEvent.entity_id == campaign.id
        )
    )


def test_same_name_gets_a_distinct_slug(login_as, session):
    c = login_as("coordinator")
    c.post("/campaigns/new", data={"name": "Same"})
    c.post("/campaigns/new", data={"name": "Same"})
    slugs = session.scalars(sa.select(Campaign.slug).where(Campaign.name == "Same")).all()
    assert sorted(slugs) == ["same", "same-2"]


def test_explicit_slug_taken_is_a_field_error(login_as, make_campaign):
    existing = make_campaign()
    c = login_as("coordinator")
    response = c.post("/campaigns/new", data={"name": "Other", "slug": existing.slug})
    assert response.status_code == 400
    assert "already uses this address" in response.get_data(as_text=True)


def test_missing_name_is_a_field_error(login_as):
    response = login_as("coordinator").post("/campaigns/new", data={"name": ""})
    assert response.status_code == 400
    assert "This field is required" in response.get_data(as_text=True)


def test_member_reads_but_cannot_create_or_edit(login_as, make_campaign):
    campaign = make_campaign(name="Readable")
    m = login_as("member")
    assert "Readable" in m.get("/campaigns").get_data(as_text=True)
    assert m.get(f"/campaigns/{campaign.slug}").status_code == 200
    assert m.get("/campaigns/new").status_code == 403
    assert m.post("/campaigns/new", data={"name": "X"}).status_code == 403
    assert m.post(f"/campaigns/{campaign.slug}/edit", data={"name": "X"}).status_code == 403


def test_coordinator_edits(login_as, make_campaign, session):
    campaign = make_campaign()
    c = login_as("coordinator")
    response = c.post(
        f"/campaigns/{campaign.slug}/edit", data={"name": "Renamed", "description": "New"}
    )
    assert response.status_code == 302
    campaign = reload(session, campaign)
    assert campaign.name == "Renamed" and campaign.description == "New"


def test_unknown_campaign_is_404(login_as):
    assert login_as("member").get("/campaigns/nope").status_code == 404


def test_text_is_escaped(login_as):
    c = login_as("coordinator")
    c.post("/campaigns/new", data={"name": "<script>alert(1)</script>"})
    html = c.get("/campaigns").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
