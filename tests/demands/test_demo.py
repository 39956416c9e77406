"""The demo step for demands and evidence."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from campaign.agencies.models import Agency
from campaign.core.names import org_key
from campaign.demands.models import Demand, DemandStatus
from campaign.demands.tracking import overdue_demands
from campaign.evidence.models import EvidenceAttachment


def test_demo_creates_demands_evidence_and_an_attachment(runner, session, app):
    # an agency the importer's demo step would have created already is reused
    session.add(
        Agency(
            name="Arcadia Police Department",
            key=org_key("Arcadia Police Department"),
            state="FL",
            county=None,
        )
    )
    session.commit()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert (
        session.scalar(
            sa.select(sa.func.count()).where(Agency.key == org_key("Arcadia Police Department"))
        )
        == 1
    )
    statuses = dict(
        session.execute(
            sa.select(Agency.name, Demand.status).join(Agency, Agency.id == Demand.agency_id)
        ).all()
    )
    assert statuses["Arcadia Police Department"] == DemandStatus.AWAITING_RESPONSE
    assert DemandStatus.DRAFT in statuses.values() and DemandStatus.SENT in statuses.values()
    overdue = overdue_demands(session, date.today())
    assert [d.title for d in overdue] == [
        "Terminate the 287(g) agreement of Arcadia Police Department"
    ]
    item = session.scalar(sa.select(EvidenceAttachment))
    assert item.kind == "pdf" and item.original_name == "ArcadiaPDFL_TFM_MOA_030425.pdf"
    stored = Path(app.config["UPLOAD_DIR"]) / item.sha256[:2] / item.sha256
    assert stored.stat().st_size == item.size
