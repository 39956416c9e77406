"""How demands and evidence follow what the ICE importer finds."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agreement, AgreementStatus, ImportSnapshot, ListType
from campaign.demands.models import Demand
from campaign.demands.tracking import flag_delisted_agencies
from campaign.evidence.models import EvidenceRecord


def on_agreements_no_longer_listed(
    session: Session, snapshot: ImportSnapshot, agency_ids: list[int] | set[int]
) -> None:
    """Flag demands on agencies that ICE's participating list no longer shows at all.

    Only the participating list counts: an agreement leaving the pending list has
    usually been signed. An agency that lost one model but keeps another is still
    a 287(g) partner, so it is not flagged.
    """
    if snapshot.list_type != ListType.PARTICIPATING or not agency_ids:
        return
    still_listed = set(
        session.scalars(
            sa.select(Agreement.agency_id).where(
                Agreement.agency_id.in_(list(agency_ids)),
                Agreement.status != AgreementStatus.NO_LONGER_LISTED,
            )
        )
    )
    flag_delisted_agencies(session, set(agency_ids) - still_listed, snapshot.id)


def on_agency_merged(session: Session, old_agency_id: int, new_agency_id: int) -> None:
    """A confirmed rename: the demands and evidence of the old name move to the new one."""
    for model in (Demand, EvidenceRecord):
        session.execute(
            sa.update(model)
            .where(model.agency_id == old_agency_id)
            .values(agency_id=new_agency_id)
            .execution_options(synchronize_session="fetch")
        )
