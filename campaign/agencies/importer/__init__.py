"""Importing an ICE workbook: agencies and agreements updated, the difference recorded.

Identity across releases is (state, normalised agency name, model). Participating and
pending lists are compared each with the previous list of its own type, so importing
one never marks the other's agreements as no longer listed. An agreement moves from
pending to participating when a participating list names it; a pending list never
demotes a participating agreement.
"""

from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.ice_workbook import parse_workbook
from campaign.agencies.importer.report import (
    ImportReport,
    NoLongerListedHook,
    register_no_longer_listed_hook,
    report_for,
)
from campaign.agencies.importer.run import Import, resolve_as_of
from campaign.agencies.models import ImportSnapshot
from campaign.auth.models import User

__all__ = [
    "ImportReport",
    "NoLongerListedHook",
    "import_workbook",
    "register_no_longer_listed_hook",
    "report_for",
    "resolve_as_of",
]


def import_workbook(
    session: Session,
    data: bytes,
    *,
    file_name: str,
    as_of: date | None = None,
    actor: User | None = None,
    force: bool = False,
) -> ImportReport:
    """Import one ICE workbook; the same file a second time only reports "already imported".

    ``force`` imports it again anyway (a new snapshot, which then changes nothing else).
    Raises WorkbookRefused (a DomainError) before storing anything if the file is not a list.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    if not force:
        existing = session.scalar(
            sa.select(ImportSnapshot)
            .where(ImportSnapshot.sha256 == sha256)
            .order_by(ImportSnapshot.id)
            .limit(1)
        )
        if existing is not None:
            return report_for(existing, already_imported=True)
    parsed = parse_workbook(data)
    return Import(session, parsed, sha256, file_name, as_of, actor).run()
