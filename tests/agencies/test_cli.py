"""``flask import-287g``."""

from __future__ import annotations

import json

import sqlalchemy as sa

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.agencies.models import ImportSnapshot


def test_json_report(runner, session):
    path = ICE_DATA_DIR / "participating-2025-05-16.xlsx"
    result = runner.invoke(args=["import-287g", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["list_type"] == "participating"
    assert report["as_of"] == "2025-05-15"
    assert (report["rows_read"], report["created"], report["updated"]) == (571, 571, 0)
    assert (report["unchanged"], report["no_longer_listed"]) == (0, 0)
    assert {"row": 545, "column": "SIGNED"}.items() <= report["warnings"][-1].items()
    assert [w["row"] for w in report["warnings"]] == [454, 501, 504, 545]

    again = json.loads(runner.invoke(args=["import-287g", str(path), "--json"]).output)
    assert again["already_imported"] is True and again["snapshot_id"] == report["snapshot_id"]


def test_as_of_option_and_text_output(runner, session):
    path = ICE_DATA_DIR / "pending-2026-02-27.xlsx"
    result = runner.invoke(args=["import-287g", str(path), "--as-of", "2026-02-27"])
    assert result.exit_code == 0, result.output
    assert "pending list as of 2026-02-27 (option), 2 rows read." in result.output
    assert "2 created" in result.output


def test_refused_file_exits_non_zero(runner, session, tmp_path):
    bad = tmp_path / "participatingAgencies.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    result = runner.invoke(args=["import-287g", str(bad)])
    assert result.exit_code != 0
    assert "not an Excel workbook" in result.output and "Nothing was imported" in result.output
    result = runner.invoke(args=["import-287g", str(bad), "--json"])
    assert result.exit_code != 0
    assert "not an Excel workbook" in json.loads(result.output.splitlines()[0])["error"]
    missing = runner.invoke(args=["import-287g", str(tmp_path / "nope.xlsx")])
    assert missing.exit_code != 0 and "No such file" in missing.output
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportSnapshot)) == 0
