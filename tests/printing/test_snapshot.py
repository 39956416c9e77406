"""Snapshots are frozen, validated, and rebuilt identically from JSON."""

import json
from dataclasses import replace
from datetime import date

import pytest

from campaign.printing import LetterSnapshot, Signatory, snapshot_fingerprint
from tests.printing.conftest import make_snapshot


def test_json_round_trip_is_identical():
    snap = make_snapshot(logo_sha256="a" * 64, grouping="level", columns=2, list_heading="X")
    again = LetterSnapshot.from_json(snap.to_json())
    assert again == snap
    assert again.to_json() == snap.to_json()
    assert snapshot_fingerprint(again) == snapshot_fingerprint(snap)
    assert LetterSnapshot.from_dict(json.loads(json.dumps(snap.to_dict()))) == snap


def test_fingerprint_changes_when_the_list_changes():
    snap = make_snapshot()
    more = replace(snap, signatories=(*snap.signatories, Signatory("Late Signer", "local")))
    assert snapshot_fingerprint(more) != snapshot_fingerprint(snap)
    assert len(snapshot_fingerprint(snap)) == 64


def test_snapshots_are_frozen_and_hashable():
    snap = make_snapshot(signatories=[Signatory("A", "national")])
    assert isinstance(snap.signatories, tuple)
    with pytest.raises(AttributeError):
        snap.title = "changed"  # type: ignore[misc]
    assert hash(snap) == hash(make_snapshot(signatories=[Signatory("A", "national")]))


@pytest.mark.parametrize(
    "kwargs",
    [{"grouping": "county"}, {"columns": 4}, {"date": "2026-05-18"}],
)
def test_bad_letter_fields_are_refused(kwargs):
    with pytest.raises(ValueError):
        make_snapshot(**kwargs)


def test_bad_signatories_are_refused():
    with pytest.raises(ValueError):
        Signatory("A", level="regional")
    with pytest.raises(ValueError):
        Signatory("   ")
    assert Signatory("A", state=" ny ").state == "NY"


def test_unknown_schema_is_refused():
    data = make_snapshot().to_dict() | {"schema": 99}
    with pytest.raises(ValueError):
        LetterSnapshot.from_dict(data)


def test_dates_survive_as_dates():
    snap = LetterSnapshot.from_json(make_snapshot().to_json())
    assert snap.date == date(2026, 5, 18)


def test_render_cache_key():
    from campaign.printing import render_cache_key

    snap = make_snapshot()
    key = render_cache_key(snap, "pdf")
    assert key == render_cache_key(LetterSnapshot.from_json(snap.to_json()), "pdf")
    assert key != render_cache_key(snap, "docx")
    assert key != render_cache_key(replace(snap, columns=2), "pdf")


def test_a_datetime_becomes_its_date():
    from datetime import datetime

    snap = make_snapshot(date=datetime(2026, 5, 18, 23, 59))
    assert snap.date == date(2026, 5, 18) and type(snap.date) is date
    assert LetterSnapshot.from_json(snap.to_json()) == snap
