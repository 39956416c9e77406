"""The real ICE workbooks in campaign/demo_data/ice-287g/, and the state they leave behind."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.agencies.ice_workbook import parse_workbook
from campaign.agencies.importer import import_workbook, resolve_as_of
from campaign.agencies.models import (
    Agency,
    Agreement,
    AgreementObservation,
    ImportSnapshot,
    RenameProposal,
)


@cache
def in_date_order() -> list[Path]:
    """Every workbook, oldest list first (by the date the importer gives it)."""
    dated = []
    for path in ICE_DATA_DIR.glob("*.xlsx"):
        as_of, _source = resolve_as_of(parse_workbook(path.read_bytes()), path.name, None)
        dated.append((as_of, path.name, path))
    return [path for _d, _n, path in sorted(dated)]


def import_all(session, paths: list[Path]) -> list:
    """Import the workbooks in this order, committing after each; the reports."""
    reports = []
    for path in paths:
        reports.append(import_workbook(session, path.read_bytes(), file_name=path.name))
        session.commit()
    return reports


def state_of(session) -> dict:
    """Everything an import leaves, keyed by names and file names (never by ids)."""
    files = dict(session.execute(sa.select(ImportSnapshot.id, ImportSnapshot.file_name)).all())
    agencies = {a.id: a for a in session.scalars(sa.select(Agency))}

    def ident(agency_id: int) -> tuple[str, str]:
        agency = agencies[agency_id]
        return agency.state, agency.key

    out_agencies = {
        ident(a.id): (
            a.name, a.county, a.type.value,
            ident(a.merged_into_id) if a.merged_into_id else None,
        )
        for a in agencies.values()
    }  # fmt: skip
    agreements = {}
    by_id = {}
    for ag in session.scalars(sa.select(Agreement)):
        key = (*ident(ag.agency_id), ag.model.value)
        by_id[ag.id] = key
        agreements[key] = (
            ag.status.value, ag.signed_on, files.get(ag.first_snapshot_id),
            files.get(ag.last_snapshot_id), ag.agreement_url, ag.addendum_url,
        )  # fmt: skip
    history: dict = {}
    for obs in session.scalars(sa.select(AgreementObservation)):
        history.setdefault(by_id[obs.agreement_id], []).append(
            (files[obs.snapshot_id], obs.row_number, obs.agency_name, obs.signed_on)
        )
    proposals = sorted(
        (ident(p.old_agency_id), ident(p.new_agency_id), files[p.snapshot_id], p.status.value)
        for p in session.scalars(sa.select(RenameProposal))
    )
    return {
        "agencies": out_agencies,
        "agreements": agreements,
        "history": {k: sorted(v) for k, v in history.items()},
        "proposals": proposals,
    }
