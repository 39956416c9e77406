"""Demo data: ICE's participating list of May 18, 2026 (shipped in campaign/demo_data)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from campaign.agencies.importer import ImportReport, import_workbook
from campaign.auth.models import User

# ICE's workbooks as published (see the README beside them for every quirk).
ICE_DATA_DIR = Path(__file__).resolve().parent.parent / "demo_data" / "ice-287g"
DEMO_WORKBOOK = ICE_DATA_DIR / "participating-2026-05-18.xlsx"


def load_agencies_demo(session: Session, actor: User | None = None) -> ImportReport:
    """Import the demo workbook unless it was imported already (same file → no change)."""
    return import_workbook(
        session, DEMO_WORKBOOK.read_bytes(), file_name=DEMO_WORKBOOK.name, actor=actor
    )
