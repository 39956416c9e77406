"""Bulk creation, delisting flags and the overdue helper."""

from datetime import date

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.auth.models import Role
from campaign.core.errors import DomainError
from campaign.demands.bulk import bulk_create_demands
from campaign.demands.models import Demand, DemandEvent, DemandEventKind, DemandStatus
from campaign.demands.services import DemandFields
from campaign.demands.tracking import (
    confirm_delisting,
    dismiss_delisting,
    flag_delisted_agencies,
    overdue_demands,
    status_counts,
)
from tests import factories
from tests.demands.factories import create_actor, create_agency, create_demand_row

S = DemandStatus


def _template(**kw):
    values = {
        "title": "Terminate the agreement of {agency} ({state_code})",
        "addressed_to": "Sheriff of {county} County",
        "ask": "End {agency}'s 287(g) agreement in {state}. Use {{braces}}.",
        "rationale": "Agencies in {county} County, {state}.",
    }
    values.update(kw)
    return DemandFields(**values)


def test_bulk_fills_placeholders_and_skips_open_demands(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    a = create_agency(session, name="Arcadia Police Department", state="FL", county="DeSoto")
    b = create_agency(session, name="Harris County Sheriff's Office", state="TX", county="Harris")
    c = create_agency(session, name="Busy Sheriff", state="TX", county=None)
    d = create_agency(session, name="Closed Sheriff", state="TX")
    create_demand_row(session, campaign=campaign, agency=c, status=S.SENT, actor=actor)
    create_demand_row(session, campaign=campaign, agency=d, status=S.DENIED, actor=actor)
    other = factories.create_campaign(session, actor=actor)
    create_demand_row(session, campaign=other, agency=a, actor=actor)  # other campaign: no skip

    result = bulk_create_demands(session, campaign, [a, b, c, d, a], _template(), actor=actor)
    session.commit()

    assert [x.id for x in result.skipped] == [c.id]
    created = {x.agency_id: x for x in result.created}
    assert set(created) == {a.id, b.id, d.id}
    arcadia = created[a.id]
    assert arcadia.title == "Terminate the agreement of Arcadia Police Department (FL)"
    assert arcadia.addressed_to == "Sheriff of DeSoto County"
    assert (
        arcadia.ask == "End Arcadia Police Department's 287(g) agreement in Florida. Use {braces}."
    )
    assert created[b.id].rationale == "Agencies in Harris County, Texas."
    assert all(x.status == S.DRAFT and x.campaign_id == campaign.id for x in result.created)
    events = session.scalars(
        sa.select(DemandEvent.demand_id).where(DemandEvent.kind == DemandEventKind.CREATED)
    ).all()
    assert {x.id for x in result.created} <= set(events)
    audit = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "demand.bulk_create")
    ).one()
    assert audit.details["created"] == 3 and audit.details["skipped"] == 1


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("title", "End {agencyy}", "Unknown placeholder {agencyy}"),
        ("ask", "End {agency.__class__}", "Unknown placeholder"),
        ("title", "End {agency:>99999999}", "Unknown placeholder"),
        ("rationale", "Unbalanced {", "Unbalanced braces"),
        ("addressed_to", "{0}", "Unknown placeholder"),
    ],
)
def test_bulk_refuses_bad_templates(session, field, text, message):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    agency = create_agency(session)
    with pytest.raises(DomainError, match=message) as err:
        bulk_create_demands(session, campaign, [agency], _template(**{field: text}), actor=actor)
    assert err.value.field == field


def test_bulk_is_all_or_nothing(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    fine = create_agency(session, name="Short Name")
    long = create_agency(session, name="L" * 290)
    with pytest.raises(DomainError, match="longer than 300"):
        bulk_create_demands(
            session, campaign, [fine, long], _template(title="{agency} and {agency}"), actor=actor
        )
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Demand)) == 0


def test_overdue_helper_across_dates(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    due = date(2026, 3, 1)
    awaiting = create_demand_row(
        session, campaign=campaign, status=S.AWAITING_RESPONSE, due_on=due, actor=actor
    )
    sent = create_demand_row(
        session, campaign=campaign, status=S.SENT, due_on=date(2026, 2, 1), actor=actor
    )
    create_demand_row(
        session, campaign=campaign, status=S.DRAFT, due_on=date(2026, 1, 1), actor=actor
    )
    create_demand_row(
        session, campaign=campaign, status=S.MET, due_on=date(2026, 1, 1), actor=actor
    )
    create_demand_row(
        session, campaign=campaign, status=S.MEETING_SCHEDULED, due_on=date(2026, 1, 1), actor=actor
    )
    create_demand_row(
        session, campaign=campaign, status=S.AWAITING_RESPONSE, due_on=None, actor=actor
    )
    other = create_demand_row(session, status=S.ACKNOWLEDGED, due_on=date(2026, 2, 15), actor=actor)

    assert overdue_demands(session, date(2026, 1, 31)) == []
    assert overdue_demands(session, date(2026, 2, 1)) == []  # due today is not overdue
    assert overdue_demands(session, date(2026, 2, 2)) == [sent]
    assert overdue_demands(session, date(2026, 3, 1)) == [sent, other]
    assert overdue_demands(session, date(2026, 3, 2)) == [sent, other, awaiting]
    assert overdue_demands(session, date(2026, 3, 2), campaign=campaign) == [sent, awaiting]
    assert awaiting.is_overdue(date(2026, 3, 2)) and not awaiting.is_overdue(due)
    counts = status_counts(session, campaign, date(2026, 3, 2))
    assert counts["overdue"] == 2 and counts["total"] == 6 and counts["awaiting_response"] == 2


def _snapshot(session) -> int:
    from campaign.agencies.models import ImportSnapshot, ListType

    snap = ImportSnapshot(
        file_name="x.xlsx",
        sha256="0" * 64,
        list_type=ListType.PARTICIPATING,
        as_of_on=date(2026, 1, 1),
        as_of_source="test",
    )
    session.add(snap)
    session.flush()
    return snap.id


def test_flag_delisted_agencies_flags_delivered_open_demands(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    gone = create_agency(session, name="Gone Sheriff")
    kept = create_agency(session, name="Kept Sheriff")
    sent = create_demand_row(session, campaign=campaign, agency=gone, status=S.SENT, actor=actor)
    meeting = create_demand_row(session, agency=gone, status=S.MEETING_SCHEDULED, actor=actor)
    draft = create_demand_row(session, campaign=campaign, agency=gone, status=S.DRAFT, actor=actor)
    denied = create_demand_row(session, agency=gone, status=S.DENIED, actor=actor)
    elsewhere = create_demand_row(session, agency=kept, status=S.SENT, actor=actor)

    first, second = _snapshot(session), _snapshot(session)
    flagged = flag_delisted_agencies(session, [gone.id], snapshot_id=first)
    session.commit()
    assert {d.id for d in flagged} == {sent.id, meeting.id}
    assert sent.delisted_flag and sent.delisted_snapshot_id == first and sent.delisted_flagged_at
    assert not draft.delisted_flag and not denied.delisted_flag and not elsewhere.delisted_flag
    # a second import does not flag them again
    assert flag_delisted_agencies(session, {gone.id}, snapshot_id=second) == []
    assert sent.delisted_snapshot_id == first
    assert flag_delisted_agencies(session, [], snapshot_id=second) == []
    assert session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "demand.flag")) == 2
    assert status_counts(session, campaign, date(2026, 1, 1))["flagged"] == 1


def test_confirm_moves_to_met_and_dismiss_clears(session):
    actor = create_actor(session)
    member = create_actor(session, role=Role.MEMBER)
    gone = create_agency(session)
    one = create_demand_row(session, agency=gone, status=S.AWAITING_RESPONSE, actor=actor)
    two = create_demand_row(session, agency=gone, status=S.ACKNOWLEDGED, actor=actor)
    flag_delisted_agencies(session, [gone.id], snapshot_id=_snapshot(session))

    with pytest.raises(DomainError, match="reason"):
        confirm_delisting(session, one, reason="", actor=member)
    confirm_delisting(session, one, reason="The sheriff confirmed by email.", actor=member)
    dismiss_delisting(session, two, reason="ICE's list dropped it by mistake.", actor=member)
    session.commit()

    assert one.status == S.MET and not one.delisted_flag
    assert two.status == S.ACKNOWLEDGED and not two.delisted_flag
    actions = dict(
        session.execute(
            sa.select(AuditEvent.action, AuditEvent.details).where(
                AuditEvent.entity == "demand",
                AuditEvent.entity_id == one.id,
                AuditEvent.user_id == member.id,
            )
        ).all()
    )
    assert actions["demand.flag_confirm"]["reason"] == "The sheriff confirmed by email."
    assert actions["demand.transition"]["to"] == "met"
    assert session.scalar(
        sa.select(AuditEvent.details).where(
            AuditEvent.action == "demand.flag_dismiss", AuditEvent.entity_id == two.id
        )
    ) == {"reason": "ICE's list dropped it by mistake."}
    with pytest.raises(DomainError, match="not flagged"):
        dismiss_delisting(session, two, reason="again", actor=member)


def test_the_default_ask_names_the_agency(session):
    """Found in a browser journey: the default ask showed a raw {agency} placeholder."""
    agency = create_agency(session, name="Collier County Sheriff's Office")
    demand = create_demand_row(session, agency=agency)
    assert demand.ask == (
        "Terminate the 287(g) agreement between Collier County Sheriff's Office and "
        "U.S. Immigration and Customs Enforcement."
    )
