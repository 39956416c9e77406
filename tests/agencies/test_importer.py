"""Importing ICE lists: the difference between snapshots, idempotence, renames, hooks."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.agencies.ice_workbook import WorkbookRefused, parse_workbook
from campaign.agencies.importer import import_workbook, register_no_longer_listed_hook
from campaign.agencies.importer import report as report_module
from campaign.agencies.models import (
    Agency,
    Agreement,
    AgreementObservation,
    AgreementStatus,
    ImportSnapshot,
    RenameProposal,
    RenameStatus,
)
from campaign.agencies.renames import confirm_rename, reject_rename
from campaign.auth.models import Role
from tests.agencies.workbooks import PENDING_HEADER, agreement, build_workbook, pending


def _import(session, data, name="list.xlsx", **kw):
    report = import_workbook(session, data, file_name=name, **kw)
    session.commit()
    return report


def _shipped(session, name, **kw):
    return _import(session, (ICE_DATA_DIR / name).read_bytes(), name, **kw)


def _agreement(session, agency_name, model="TFM"):
    return session.scalar(
        sa.select(Agreement)
        .join(Agency, Agency.id == Agreement.agency_id)
        .where(Agency.name == agency_name, Agreement.model == model)
    )


def _counts(session):
    return [
        session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Agency, Agreement, AgreementObservation, ImportSnapshot, RenameProposal)
    ]


def test_diff_between_two_real_snapshots(session):
    first = _shipped(session, "participating-2025-05-16.xlsx")
    assert (first.created, first.rows_read, first.as_of) == (571, 571, "2025-05-15")
    assert first.as_of_source == "workbook"
    report = _shipped(session, "participating-2026-03-02.xlsx")

    old = {
        r.identity: r
        for r in parse_workbook((ICE_DATA_DIR / "participating-2025-05-16.xlsx").read_bytes()).rows
    }
    new = {
        r.identity: r
        for r in parse_workbook((ICE_DATA_DIR / "participating-2026-03-02.xlsx").read_bytes()).rows
    }
    both = old.keys() & new.keys()
    assert report.created == len(new.keys() - old.keys()) == 967
    assert report.no_longer_listed == len(old.keys() - new.keys()) == 39
    assert report.updated + report.unchanged == len(both) == 532
    changed_dates = {
        i
        for i in both
        if old[i].signed_on and new[i].signed_on and old[i].signed_on != new[i].signed_on
    }
    assert len(report.diff["date_changed"]) == len(changed_dates)
    assert report.rows_read == 1499
    assert len(report.diff["new"]) == 967 and len(report.diff["no_longer_listed"]) == 39

    renames = {(r["old_name"], r["new_name"]) for r in report.diff["renames"]}
    assert (
        "Lake Clark Shores Police Department",
        "Lake Clarke Shores Police Department",
    ) in renames
    assert ("Green Forks Police Department", "Greens Fork Police Department") in renames
    assert ("Berrian County Sheriff's Offic", "Berrian County Sheriff's Office") in renames
    # similar-looking but different counties are not proposed
    assert not [r for r in renames if r[0].startswith("Bucks") and r[1].startswith("Butler")]

    dropped = session.scalar(
        sa.select(sa.func.count()).where(Agreement.status == AgreementStatus.NO_LONGER_LISTED)
    )
    assert dropped == 39  # marked, never deleted
    assert session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 571 + 967


def test_pending_to_participating_changed_date_no_longer_listed_and_rename(session):
    as_of = {"as_of": date(2026, 1, 1)}
    _import(
        session,
        build_workbook(
            [pending(agency="Alpha County Sheriff's Office"), pending(agency="Gamma PD")],
            header=PENDING_HEADER,
        ),
        **as_of,
    )
    _import(
        session,
        build_workbook(
            [
                agreement(agency="Beta Police Department", signed=datetime(2025, 2, 1)),
                agreement(
                    agency="Lake Clark Shores Police Department", model="Warrant Service Officer"
                ),
                agreement(agency="Delta PD"),
            ]
        ),
        as_of={"as_of": date(2026, 1, 2)}["as_of"],
    )
    report = _import(
        session,
        build_workbook(
            [
                agreement(agency="Alpha County Sheriff's Office", signed=datetime(2026, 2, 1)),
                agreement(agency="Beta Police Department", signed=datetime(2025, 2, 3)),
                agreement(
                    agency="Lake Clarke Shores Police Department", model="Warrant Service Officer"
                ),
            ]
        ),
        as_of=date(2026, 3, 1),
    )
    assert (report.created, report.updated, report.unchanged, report.no_longer_listed) == (
        1,
        2,
        0,
        2,
    )
    assert [e["agency"] for e in report.diff["promoted"]] == ["Alpha County Sheriff's Office"]
    (changed,) = report.diff["date_changed"]
    assert (changed["agency"], changed["old_signed_on"], changed["signed_on"]) == (
        "Beta Police Department", "2025-02-01", "2025-02-03",
    )  # fmt: skip
    assert {e["agency"] for e in report.diff["no_longer_listed"]} == {
        "Delta PD", "Lake Clark Shores Police Department",
    }  # fmt: skip
    (rename,) = report.diff["renames"]
    assert rename["old_name"] == "Lake Clark Shores Police Department"
    assert _agreement(session, "Alpha County Sheriff's Office").status == "participating"
    # the participating list did not touch the other pending agreement
    assert _agreement(session, "Gamma PD").status == AgreementStatus.PENDING
    assert _agreement(session, "Delta PD").status == AgreementStatus.NO_LONGER_LISTED
    assert set(report.no_longer_listed_agency_ids) == {
        _agreement(session, "Delta PD").agency_id,
        _agreement(session, "Lake Clark Shores Police Department", "WSO").agency_id,
    }


def test_pending_list_never_touches_participating_agreements(session):
    _import(session, build_workbook([agreement(agency="Alpha PD")]), as_of=date(2026, 1, 1))
    report = _import(
        session,
        build_workbook(
            [pending(agency="Alpha PD"), pending(agency="Beta PD")], header=PENDING_HEADER
        ),
        as_of=date(2026, 1, 2),
    )
    assert report.list_type == "pending" and report.no_longer_listed == 0
    assert _agreement(session, "Alpha PD").status == AgreementStatus.PARTICIPATING
    report = _import(
        session, build_workbook([pending(agency="Beta PD")], header=PENDING_HEADER, title="x"),
        as_of=date(2026, 1, 3),
    )  # fmt: skip
    assert report.no_longer_listed == 0
    assert _agreement(session, "Alpha PD").status == AgreementStatus.PARTICIPATING


def test_swapped_file_names_do_not_matter(session):
    report = _import(session, build_workbook([agreement()]), name="pendingAgencies05182026am.xlsx")
    assert report.list_type == "participating"


def test_as_of_from_option_then_workbook_then_file_name(session):
    data = build_workbook([agreement(agency="A")], modified=datetime(2026, 4, 2, 9, 0))
    assert _import(session, data).as_of == "2026-04-02"
    data = build_workbook([agreement(agency="B")], modified=None)
    report = _import(session, data, as_of=date(2026, 5, 1))
    assert (report.as_of, report.as_of_source) == ("2026-05-01", "option")


def test_same_file_twice_changes_nothing(session):
    first = _shipped(session, "participating-2025-02-21.xlsx")
    before = _counts(session)
    again = _shipped(session, "participating-2025-02-21.xlsx")
    assert again.already_imported and again.snapshot_id == first.snapshot_id
    assert _counts(session) == before
    forced = _shipped(session, "participating-2025-02-21.xlsx", force=True)
    assert (forced.created, forced.updated, forced.no_longer_listed) == (0, 0, 0)
    assert forced.unchanged == 151 and forced.diff.get("new") is None


def test_older_list_is_kept_as_history_only(session):
    _shipped(session, "participating-2026-05-18.xlsx")
    report = _shipped(session, "participating-2025-02-21.xlsx")
    assert not report.current and report.no_longer_listed == 0
    assert report.warnings[0]["row"] == 0 and "older" in report.warnings[0]["message"]
    assert (
        session.scalar(
            sa.select(sa.func.count()).where(Agreement.status == AgreementStatus.PARTICIPATING)
        )
        == 1843
    )


def test_refused_files_store_nothing(session, monkeypatch):
    import io
    import zipfile

    from campaign.agencies.ice_workbook import container

    monkeypatch.setattr(container, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (2 * 1024 * 1024))
    real = (ICE_DATA_DIR / "pending-2025-05-15.xlsx").read_bytes()
    refused = {
        "not xlsx": b"not a workbook",
        "corrupted": real[: len(real) // 2],
        "zip bomb": bomb.getvalue(),
        "wrong columns": build_workbook([["a"]], header=["NAME"]),
        "oversized": b"PK" + b"\x00" * (20 * 1024 * 1024),
    }
    before = _counts(session)
    for kind, data in refused.items():
        with pytest.raises(WorkbookRefused):
            import_workbook(session, data, file_name=f"{kind}.xlsx")
        session.rollback()
    assert _counts(session) == before


def test_row_with_problems_still_imported(session):
    data = build_workbook(
        [agreement(agency="A", state="MCHIGAN", signed="7/72025", model="Mystery Model")]
    )
    report = _import(session, data)
    assert report.created == 1
    assert [w["row"] for w in report.warnings] == [2, 2, 2]
    agency = session.scalar(sa.select(Agency).where(Agency.name == "A"))
    assert agency.state == "MI"


def test_confirm_rename_merges_into_new_name(session, make_user):
    coordinator = make_user(role=Role.COORDINATOR)
    _import(
        session,
        build_workbook(
            [
                agreement(agency="Green Forks Police Department"),
                agreement(agency="Green Forks Police Department", model="Jail Enforcement Model"),
            ]
        ),
        as_of=date(2026, 1, 1),
    )
    report = _import(
        session,
        build_workbook([agreement(agency="Greens Fork Police Department")]),
        as_of=date(2026, 2, 1),
    )
    (proposal_id,) = report.rename_proposal_ids
    proposal = session.get(RenameProposal, proposal_id)
    new = confirm_rename(session, proposal, actor=coordinator)
    session.commit()
    assert proposal.status == RenameStatus.CONFIRMED
    agreements = session.scalars(sa.select(Agreement).where(Agreement.agency_id == new.id)).all()
    assert sorted(a.model.value for a in agreements) == ["JEM", "TFM"]
    tfm = next(a for a in agreements if a.model == "TFM")
    history = session.scalars(
        sa.select(AgreementObservation.snapshot_id).where(
            AgreementObservation.agreement_id == tfm.id
        )
    ).all()
    assert len(history) == 2  # both names' observations, on one agreement
    old = session.get(Agency, proposal.old_agency_id)
    assert old.merged_into_id == new.id
    # the old spelling in a later list lands on the merged agency
    again = _import(
        session,
        build_workbook([agreement(agency="Green Forks Police Department")]),
        as_of=date(2026, 3, 1),
    )
    assert again.created == 0 and again.updated == 0
    from campaign.core.errors import Conflict

    with pytest.raises(Conflict):
        confirm_rename(session, proposal, actor=coordinator)


def test_reject_rename(session, make_user):
    coordinator = make_user(role=Role.COORDINATOR)
    _import(session, build_workbook([agreement(agency="Lake Clark PD")]), as_of=date(2026, 1, 1))
    report = _import(
        session, build_workbook([agreement(agency="Lake Clarke PD")]), as_of=date(2026, 2, 1)
    )
    proposal = session.get(RenameProposal, report.rename_proposal_ids[0])
    reject_rename(session, proposal, actor=coordinator)
    session.commit()
    assert proposal.status == RenameStatus.REJECTED
    assert session.get(Agency, proposal.old_agency_id).merged_into_id is None


def test_no_longer_listed_hook_gets_the_agency_ids(session, monkeypatch):
    calls = []
    monkeypatch.setattr(report_module, "_no_longer_listed_hooks", [])
    register_no_longer_listed_hook(lambda s, snap, ids: calls.append((snap.id, ids)))
    _import(
        session,
        build_workbook([agreement(agency="A"), agreement(agency="B")]),
        as_of=date(2026, 1, 1),
    )
    report = _import(session, build_workbook([agreement(agency="A")]), as_of=date(2026, 2, 1))
    b = session.scalar(sa.select(Agency.id).where(Agency.name == "B"))
    assert calls == [(report.snapshot_id, [b])]
    assert report.no_longer_listed_agency_ids == [b]
