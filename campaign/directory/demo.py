"""Demo data: the demo letters' sign-ons linked to the directory."""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaign.directory.backfill import backfill


def load_directory_demo(session: Session) -> None:
    """Link the demo sign-ons (made directly as rows) to organizations and contacts."""
    session.flush()
    backfill(session.connection())
