"""Importing sign-ons from a CSV file (a Google Forms or spreadsheet export).

The file is kept in ``csv_uploads`` between the mapping step and the import, and the
mapping (field → column name) is remembered for the coalition (both in ``review.mapping``).
Rows (read in ``review.rows``) go through the same normalisation and de-duplication as
the public page, so importing a file twice adds nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.letters.services import current_version
from campaign.review.csvio import CsvFile, read_csv
from campaign.review.mapping import remember_mapping
from campaign.review.models import CsvUpload
from campaign.review.rows import (
    Options,
    Report,
    RowReport,
    build_signon,
    keep_latest,
    row_values,
)
from campaign.signons.dedup import DedupIndex, Identity
from campaign.signons.models import SignOn, SignOnStatus
from campaign.signons.signals import signons_counted

__all__ = ["Options", "Report", "analyse", "import_rows"]


def analyse(
    session: Session,
    letter: Letter,
    csvfile: CsvFile,
    mapping: dict[str, str],
    *,
    options: Options | None = None,
    flag: bool = False,
) -> Report:
    """What importing the file with this mapping would do, row by row (nothing is saved).

    ``flag`` also looks for probable duplicates (fuzzy names), which only the import needs.
    """
    options = options or Options()
    if not mapping.get("org_name"):
        raise DomainError("Choose the column that holds the organization's name.", field="org_name")
    rows = []
    for n, raw in enumerate(csvfile.rows, start=2):
        report = RowReport(line=n, values=row_values(csvfile, raw, mapping))
        report.signon = build_signon(report, letter, mapping, options)
        if report.signon is None:
            report.outcome = "error"
            report.warnings = []
        rows.append(report)
    keep_latest(rows)
    index = DedupIndex.for_letter(session, letter.id)
    for report in rows:
        signon = report.signon
        if signon is None:
            continue
        ident = _ident(signon)
        if index.existing(ident) is not None:
            report.outcome = "already"
            report.note = "Already on the letter."
            report.signon = None
            report.warnings = []
            report.blank_listing = False
        elif flag:
            signon.probable_duplicate_of_id = index.probable(ident)
    return Report(rows, mapping=dict(mapping), options=options)


def _flag_within_file(new: list[SignOn]) -> None:
    """Flag near duplicates inside the file itself ("ACLU of Texas", then "American Civil
    Liberties Union of Texas"): the later row points at the earlier one, as a later
    public sign-on points at an earlier similar one. Flagged, never merged."""
    batch = DedupIndex()
    for signon in new:
        if signon.probable_duplicate_of_id is None:
            signon.probable_duplicate_of_id = batch.probable(_ident(signon))
        batch.add(signon.id, signon.state, signon.org_key)


def _ident(signon: SignOn) -> Identity:
    return Identity(signon.level, signon.state, signon.org_key)


def import_rows(
    session: Session,
    letter: Letter,
    upload: CsvUpload,
    mapping: dict[str, str],
    *,
    approved: bool,
    actor: User,
    options: Options | None = None,
    now: datetime | None = None,
) -> Report:
    """Import the good rows in one go (confirmed, or approved), remember the mapping.

    Rows in error and organizations already on the letter are left out; the report
    says which. Within the caller's transaction: all the rows, or none.
    """
    if letter.signons_frozen:
        raise DomainError(
            "The letter has been sent and no longer collects sign-ons: no more can be added."
        )
    now = now or utcnow()
    csvfile = read_csv(upload.data)
    report = analyse(session, letter, csvfile, mapping, options=options, flag=True)
    version_id = current_version(session, letter).id
    new = [r.signon for r in report.rows if r.outcome == "new" and r.signon is not None]
    for signon in new:
        signon.version_id = version_id
        signon.status = SignOnStatus.APPROVED if approved else SignOnStatus.CONFIRMED
        signon.confirmed_at = now
        signon.reviewed_at = now if approved else None
        # signed at the row's timestamp (else now); the row itself is made now
        signon.signed_at = signon.signed_at or now
        signon.created_at = now
    try:
        with session.begin_nested():
            signons_counted.send(session, signons=new)  # the directory links them
            session.add_all(new)
            session.flush()
            _flag_within_file(new)
            session.flush()
    except sa.exc.IntegrityError:
        raise DomainError(
            "A sign-on for one of these organizations arrived while importing. Nothing was "
            "imported; import again (organizations already on the letter are skipped)."
        )
    for signon in new:
        record(
            session,
            actor,
            "signon.add",
            "sign_on",
            signon.id,
            source="import",
            status=signon.status.value,
            letter_id=letter.id,
            upload=upload.sha256[:12],
        )
    remember_mapping(session, csvfile.headers, mapping)
    record(
        session,
        actor,
        "signon.import",
        "letter",
        letter.id,
        filename=upload.filename,
        sha256=upload.sha256,
        added=len(new),
        already=report.count("already"),
        errors=report.count("error"),
        approved=approved,
        blank_listing=report.blank_listing,
        blank_listed=report.options.blank_listed,
    )
    return report
