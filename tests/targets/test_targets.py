"""Targets and channels: services, pages, who may do what, saved sets."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.agencies.models import Agreement, AgreementModel, AgreementStatus
from campaign.core.errors import DomainError
from campaign.targets.models import ChannelStatus, Target, TargetBody, TargetChannel
from campaign.targets.services import add_channel, channel_for_address
from campaign.targets.sets import Criteria, resolve
from tests.demands.factories import create_actor, create_agency
from tests.factories import reload
from tests.targets.factories import create_target


def test_channels_are_normalised_and_found_by_address(session):
    target = create_target(session, emails=("Press.Office@DHS.gov ",))
    [channel] = (
        reload(session, target).channels
        if False
        else session.scalars(
            sa.select(TargetChannel).where(TargetChannel.target_id == target.id)
        ).all()
    )
    assert channel.email == channel.address == "press.office@dhs.gov"
    found = channel_for_address(session, "PRESS.office@dhs.GOV")
    assert found.id == channel.id and found.target.name == target.name
    assert channel_for_address(session, "nobody@dhs.gov") is None
    assert channel_for_address(session, "") is None


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        ("email", "not an address"),
        ("email", "a@b"),
        ("portal", "javascript:alert(1)"),
        ("portal", "www.dhs.gov"),
        ("fax", "call me"),
        ("postal", "   "),
    ],
)
def test_bad_channels_are_refused(session, kind, address):
    target = create_target(session)
    with pytest.raises(DomainError):
        add_channel(session, target, kind=kind, address=address, actor=create_actor(session))


def test_coordinator_creates_a_target_adds_and_verifies_a_channel(login_as, session):
    agency = create_agency(session, name="Harris County Sheriff's Office", state="TX")
    client = login_as("coordinator")
    response = client.post(
        "/targets/new",
        data={
            "name": "Sheriff Ed Gonzalez",
            "title": "Sheriff",
            "body": "sheriff",
            "organization": "Harris County Sheriff's Office",
            "agency_id": str(agency.id),
        },
    )
    assert response.status_code == 302
    target = session.scalar(sa.select(Target).where(Target.name == "Sheriff Ed Gonzalez"))
    assert target.agency_id == agency.id and target.body == TargetBody.SHERIFF
    url = f"/targets/{target.id}"
    assert (
        client.post(
            f"{url}/channels", data={"kind": "email", "address": "Sheriff@HCSO.example.org"}
        ).status_code
        == 302
    )
    channel = session.scalar(sa.select(TargetChannel).where(TargetChannel.target_id == target.id))
    assert channel.status == ChannelStatus.UNVERIFIED
    # no "how": refused with the field's error, nothing changed
    page = client.post(f"{url}/channels/{channel.id}/verify", data={"how": ""})
    assert page.status_code == 400 and "How was it checked?" in page.get_data(as_text=True)
    assert (
        client.post(
            f"{url}/channels/{channel.id}/verify", data={"how": "Called the front desk"}
        ).status_code
        == 302
    )
    channel = reload(session, channel)
    assert channel.status == ChannelStatus.VERIFIED and channel.verified_by_id == client.user.id
    assert channel.verified_how == "Called the front desk" and channel.verified_at
    page = client.get(url).get_data(as_text=True)
    assert "sheriff@hcso.example.org" in page and "Verified" in page
    # the agency's page lists its targets
    assert "Sheriff Ed Gonzalez" in client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    # a duplicate channel and a bad one are form errors, not 500s
    duplicate = client.post(
        f"{url}/channels", data={"kind": "email", "address": "sheriff@hcso.example.org"}
    )
    assert duplicate.status_code == 400 and "already has this channel" in duplicate.text
    assert (
        client.post(f"{url}/channels", data={"kind": "fax", "address": "<script>"}).status_code
        == 400
    )


def test_bad_target_input_is_a_form_error(login_as):
    client = login_as("coordinator")
    assert client.post("/targets/new", data={"name": "", "body": "sheriff"}).status_code == 400
    assert client.post("/targets/new", data={"name": "X", "body": "nope"}).status_code == 400
    page = client.post("/targets/new", data={"name": "X", "body": "ice", "agency_id": "99999"})
    assert page.status_code == 400 and "no agency with this number" in page.get_data(as_text=True)


def test_members_read_but_do_not_change_targets(login_as, client, session):
    target = create_target(session, emails=("a@dhs.gov",))
    channel_id = session.scalar(sa.select(TargetChannel.id))
    assert client.get("/targets").status_code == 302  # anonymous: log in
    member = login_as("member")
    assert member.get("/targets").status_code == 200
    assert member.get(f"/targets/{target.id}").status_code == 200
    assert member.get("/targets/sets").status_code == 200
    for url, data in [
        ("/targets/new", {"name": "X", "body": "ice"}),
        (f"/targets/{target.id}/edit", {"name": "X", "body": "ice"}),
        (f"/targets/{target.id}/channels", {"kind": "email", "address": "b@dhs.gov"}),
        (f"/targets/{target.id}/channels/{channel_id}/verify", {"how": "x"}),
        (f"/targets/{target.id}/channels/{channel_id}/remove", {}),
        ("/targets/sets", {"name": "S"}),
    ]:
        assert member.post(url, data=data).status_code == 403, url
    assert member.get("/targets/999999").status_code == 404


def _agreement(session, agency, model, status):
    session.add(Agreement(agency_id=agency.id, model=model, status=status))
    session.commit()


def test_a_set_by_attributes_warns_about_channels_and_delisted_agencies(session, login_as):
    listed = create_agency(session, name="Listed County Sheriff's Office", state="TX")
    gone = create_agency(session, name="Gone County Sheriff's Office", state="TX")
    bare = create_agency(session, name="Bare County Sheriff's Office", state="TX")
    other = create_agency(session, name="Elsewhere Police Department", state="FL")
    _agreement(session, listed, AgreementModel.WSO, AgreementStatus.PARTICIPATING)
    _agreement(session, gone, AgreementModel.WSO, AgreementStatus.NO_LONGER_LISTED)
    _agreement(session, bare, AgreementModel.WSO, AgreementStatus.PARTICIPATING)
    _agreement(session, other, AgreementModel.WSO, AgreementStatus.PARTICIPATING)
    create_target(
        session,
        name="Sheriff L",
        body=TargetBody.SHERIFF,
        agency=listed,
        emails=("l@listed.example.org",),
    )
    create_target(
        session,
        name="Sheriff G",
        body=TargetBody.SHERIFF,
        agency=gone,
        emails=("g@gone.example.org",),
        status=ChannelStatus.BOUNCING,
    )
    create_target(
        session,
        name="CRCL",
        body=TargetBody.CRCL,
        emails=("crcl@dhs.gov",),
        status=ChannelStatus.VERIFIED,
    )
    only_listed = resolve(session, Criteria(state="TX", model="WSO"))
    assert [t.name for t in only_listed.targets] == ["Sheriff L"]
    assert [a.name for a in only_listed.agencies_without_targets] == [bare.name]
    everything = resolve(
        session, Criteria(state="TX", model="WSO", include_delisted=True, bodies=("crcl",))
    )
    assert sorted(t.name for t in everything.targets) == ["CRCL", "Sheriff G", "Sheriff L"]
    assert [a.name for a in everything.delisted_agencies] == [gone.name]
    assert everything.unverified_channels == 1 and everything.bouncing_channels == 1
    assert everything.targets_without_email == 1
    # saved from the page and shown with its warnings
    client = login_as("coordinator")
    response = client.post(
        "/targets/sets",
        data={
            "name": "Texas WSO",
            "state": "TX",
            "model": "WSO",
            "include_delisted": "y",
            "bodies": ["crcl"],
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 agency(ies) whose agreement ICE no longer lists" in page
    assert "1 email channel(s) bouncing" in page and "Sheriff L" in page
    again = client.post("/targets/sets", data={"name": "Texas WSO"})
    assert again.status_code == 400 and "has this name already" in again.text
    assert client.post("/targets/sets", data={"name": "X", "state": "ZZ"}).status_code == 400
