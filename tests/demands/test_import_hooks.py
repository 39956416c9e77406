"""The ICE importer and demands working together: delisting flags and confirmed renames."""

from datetime import date, datetime

import sqlalchemy as sa

from campaign.agencies.importer import import_workbook
from campaign.agencies.models import Agency, RenameProposal
from campaign.agencies.renames import confirm_rename
from campaign.demands.models import Demand, DemandStatus
from campaign.evidence.models import EvidenceRecord
from tests.agencies.workbooks import PENDING_HEADER, build_workbook
from tests.demands.factories import create_actor, create_demand_row, create_evidence_record
from tests.factories import reload

ROW = ["FLORIDA", "{name}", "Municipality", "Desoto County", "{model}", datetime(2025, 3, 5)]


def _row(name, model="Task Force Model"):
    return [v.format(name=name, model=model) if isinstance(v, str) else v for v in ROW]


def _import(session, rows, day, header=None):
    data = build_workbook(rows, header=header, modified=datetime(2026, 1, day))
    return import_workbook(session, data, file_name=f"list-{day}.xlsx", as_of=date(2026, 1, day))


def _agency(session, name):
    return session.scalar(sa.select(Agency).where(Agency.name == name))


def test_a_dropped_participating_agency_flags_its_delivered_demand(session):
    _import(session, [_row("Arcadia Police Department"), _row("Lake Police Department")], 1)
    arcadia = _agency(session, "Arcadia Police Department")
    lake = _agency(session, "Lake Police Department")
    sent = create_demand_row(session, agency=arcadia, status=DemandStatus.AWAITING_RESPONSE)
    draft = create_demand_row(session, agency=arcadia, status=DemandStatus.DRAFT)
    other = create_demand_row(session, agency=lake, status=DemandStatus.SENT)
    _import(session, [_row("Lake Police Department")], 2)
    assert reload(session, sent).delisted_flag is True
    assert reload(session, sent).delisted_snapshot_id is not None
    assert reload(session, draft).delisted_flag is False
    assert reload(session, other).delisted_flag is False


def test_an_agency_keeping_another_model_is_not_flagged(session):
    _import(
        session,
        [
            _row("Arcadia Police Department"),
            _row("Arcadia Police Department", "Jail Enforcement Model"),
        ],
        1,
    )
    arcadia = _agency(session, "Arcadia Police Department")
    demand = create_demand_row(session, agency=arcadia, status=DemandStatus.SENT)
    _import(session, [_row("Arcadia Police Department", "Jail Enforcement Model")], 2)
    assert reload(session, demand).delisted_flag is False


def test_leaving_the_pending_list_flags_nothing(session):
    pending = [
        ["FLORIDA", "Arcadia Police Department", "Municipality", "Desoto", "Task Force Model", None]
    ]
    _import(session, pending, 1, header=PENDING_HEADER)
    arcadia = _agency(session, "Arcadia Police Department")
    demand = create_demand_row(session, agency=arcadia, status=DemandStatus.SENT)
    _import(
        session,
        [
            [
                "FLORIDA",
                "Other Police Department",
                "Municipality",
                "Desoto",
                "Task Force Model",
                None,
            ]
        ],
        2,
        header=PENDING_HEADER,
    )
    assert reload(session, demand).delisted_flag is False


def test_confirmed_rename_moves_demands_and_evidence(session):
    _import(session, [_row("Lake Clark Shores Police Department")], 1)
    _import(session, [_row("Lake Clarke Shores Police Department")], 2)
    old = _agency(session, "Lake Clark Shores Police Department")
    new = _agency(session, "Lake Clarke Shores Police Department")
    demand = create_demand_row(session, agency=old, status=DemandStatus.SENT)
    record = create_evidence_record(session, agency=old)
    proposal = session.scalar(sa.select(RenameProposal))
    assert proposal is not None
    confirm_rename(session, proposal, actor=create_actor(session))
    session.commit()
    assert session.get(Demand, demand.id).agency_id == new.id
    assert session.get(EvidenceRecord, record.id).agency_id == new.id


def test_bulk_creation_filters_by_the_agreement_model_and_status(login_as, session):
    """The bulk page offers the agency list's own filters, 287(g) model and status included."""
    from tests import factories

    _import(
        session,
        [
            _row("Arcadia Police Department"),
            _row("Desoto County Sheriff's Office", "Jail Enforcement Model"),
        ],
        1,
    )
    c = login_as("coordinator")
    campaign = factories.create_campaign(session, actor=c.user)
    base = f"/campaigns/{campaign.slug}/demands/bulk"
    page = c.get(base + "?state=FL&model=JEM").get_data(as_text=True)
    assert "Desoto County Sheriff" in page and "Arcadia Police Department" not in page
    response = c.post(
        base,
        data={
            "addressed_to": "ICE Director",
            "title": "End {agency}",
            "ask": "Terminate it.",
            "rationale": "",
            "priority": "normal",
            "scope": "matching",
            "state": "FL",
            "model": "TFM",
            "agreement_status": "participating",
        },
    )
    assert response.status_code == 302
    titles = session.scalars(sa.select(Demand.title).where(Demand.campaign_id == campaign.id)).all()
    assert titles == ["End Arcadia Police Department"]
