"""Renames ICE never announces: proposed per agreement (same state and model, one name
vanished and one appeared in the same release), never between two agencies of one place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaign.agencies.importer import import_workbook
from campaign.agencies.models import Agency, ImportSnapshot, RenameProposal
from campaign.agencies.rename_match import MIN_SCORE, rename_score
from tests.agencies.real_lists import import_all, in_date_order
from tests.agencies.workbooks import agreement, build_workbook

FIXTURE = Path(__file__).parent / "fixtures" / "rename_proposals.txt"

# (state, old name, new name): renames seen in ICE's releases
RENAMES = [
    ("FL", "Alachua Police Departent", "Alachua Police Department"),
    (
        "FL",
        "Florida Department of Environmental Protection",
        "Florida Department of Environmental Protection, Division of Law Enforcement",
    ),
    (
        "FL",
        "Gulf County Board of County Commissioners",
        "Gulf County Board of County Commissioners/Detention Facility",
    ),
    ("WI", "Waukesha County Sheriff's Office", "Waukesha County Sheriff's Department"),
    ("TX", "Lampass County Sheriff's Office", "Lampasas County Sheriff's Office"),
    ("MI", "Berrian County Sheriff's Offic", "Berrian County Sheriff's Office"),
    ("IN", "Green Forks Police Department", "Greens Fork Police Department"),
    ("FL", "Ft. Myers Police Department", "Fort Myers Police Department"),
    ("AK", "Department of Corrections", "Alaska Department of Corrections"),
    # not sure, but for a person to decide
    (
        "FL",
        "University of Central Florida Board of Trustees",
        "University of Central Florida Police Department",
    ),
]
# two agencies, never one renamed
DIFFERENT = [
    ("FL", "Alachua County Sheriff's Office", "Alachua Police Department"),
    ("FL", "Alachua County Sheriff's Office", "Alachua County Jail"),
    ("FL", "Gulf County Sheriff's Office", "Gulf County Board of County Commissioners"),
    (
        "FL",
        "Escambia County Sheriff's Office",
        "Escambia County Board of County Commissioners/ Department of Corrections",
    ),
    ("FL", "Baltimore County Police Department", "Baltimore Police Department"),
    (
        "FL",
        "University of North Florida Police Department",
        "University of Florida Police Department",
    ),
    ("FL", "Town of Palm Beach Police Department", "West Palm Beach Police Department"),
    ("PA", "Milford Borough Police Department", "Milton Borough Police Department"),
    ("TX", "McMullen County Sheriff's Office", "Brazos County Sheriff's Office"),
    ("PA", "Derry Township Constable's Office", "Greene Township Constable's Office"),
]


@pytest.mark.parametrize(("state", "old", "new"), RENAMES)
def test_renames_score_high(state, old, new):
    assert rename_score(old, new, state) >= MIN_SCORE


@pytest.mark.parametrize(("state", "old", "new"), DIFFERENT)
def test_two_agencies_of_one_place_are_not_a_rename(state, old, new):
    assert rename_score(old, new, state) < MIN_SCORE
    assert rename_score(new, old, state) < MIN_SCORE


def _proposed(session):
    return {
        (p.old_agency.name, p.new_agency.name)
        for p in session.scalars(
            sa.select(RenameProposal).options(
                sa.orm.joinedload(RenameProposal.old_agency),
                sa.orm.joinedload(RenameProposal.new_agency),
            )
        )
    }


def test_per_agreement_rename_while_the_old_name_keeps_another_model(session):
    as_of = date(2026, 1, 1)
    rows = [
        agreement(
            agency="Waukesha County Sheriff's Office",
            model="Jail Enforcement Model",
            state="WISCONSIN",
        ),
        agreement(
            agency="Waukesha County Sheriff's Office",
            model="Warrant Service Officer",
            state="WISCONSIN",
        ),
        agreement(agency="Alachua Police Departent", state="FLORIDA"),
        agreement(agency="Alachua County Sheriff's Office", state="FLORIDA"),
    ]
    import_workbook(session, build_workbook(rows), file_name="a.xlsx", as_of=as_of)
    rows = [
        agreement(
            agency="Waukesha County Sheriff's Department",
            model="Jail Enforcement Model",
            state="WISCONSIN",
        ),
        agreement(
            agency="Waukesha County Sheriff's Office",
            model="Warrant Service Officer",
            state="WISCONSIN",
        ),
        agreement(agency="Alachua Police Department", state="FLORIDA"),
        # the county's sheriff left, the city's police came: two agencies
        agreement(agency="Alachua County Jail", state="FLORIDA", model="Jail Enforcement Model"),
    ]
    report = import_workbook(
        session, build_workbook(rows), file_name="b.xlsx", as_of=date(2026, 2, 1)
    )
    assert _proposed(session) == {
        ("Waukesha County Sheriff's Office", "Waukesha County Sheriff's Department"),
        ("Alachua Police Departent", "Alachua Police Department"),
    }
    waukesha = next(e for e in report.diff["renames"] if e["state"] == "WI")
    assert waukesha["models"] == ["JEM"]


def test_proposals_on_every_real_workbook_in_date_order(session):
    """The reviewed list in fixtures/rename_proposals.txt, exactly."""
    import_all(session, in_date_order())
    expected = set()
    for line in FIXTURE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            expected.add(tuple(part.strip() for part in line.split("|")))
    rows = session.execute(
        sa.select(
            ImportSnapshot.as_of_on, RenameProposal.old_agency_id, RenameProposal.new_agency_id
        ).join(ImportSnapshot, ImportSnapshot.id == RenameProposal.snapshot_id)
    ).all()
    names = dict(session.execute(sa.select(Agency.id, Agency.name)).all())
    states = dict(session.execute(sa.select(Agency.id, Agency.state)).all())
    got = {(d.isoformat(), states[new], names[old], names[new]) for d, old, new in rows}
    assert got == expected
