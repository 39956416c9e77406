"""Importing sign-ons from a CSV file (a Google Forms or spreadsheet export).

The file is kept in ``csv_uploads`` between the mapping step and the import, and the
mapping (field → column name) is remembered per campaign (both in ``review.mapping``).
Rows go through the same normalisation and de-duplication as the public page, so
importing a file twice adds nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.letters.services import current_version
from campaign.review.csvio import CsvFile, read_csv
from campaign.review.mapping import FIELDS, remember_mapping
from campaign.review.models import CsvUpload
from campaign.review.values import parse_level, parse_listed, parse_state, parse_timestamp
from campaign.signons.dedup import DedupIndex, Identity, normalise_identity
from campaign.signons.models import Level, SignOn, SignOnSource, SignOnStatus
from campaign.signons.signals import signons_counted

PREVIEW_ROWS = 20


# --- rows -----------------------------------------------------------------------------


@dataclass
class RowReport:
    """One row of the file: its values, what will happen to it, and why."""

    line: int  # the line number in the spreadsheet (the header is line 1)
    values: dict[str, str]
    outcome: str = "new"  # new | already | error
    errors: list[str] = field(default_factory=list)
    note: str = ""
    signon: SignOn | None = None


@dataclass
class Report:
    """Every row's fate; ``rows`` holds all of them, the page shows the first few."""

    rows: list[RowReport]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def preview(self) -> list[RowReport]:
        return self.rows[:PREVIEW_ROWS]


def _values(csvfile: CsvFile, row: list[str], mapping: dict[str, str]) -> dict[str, str]:
    index = {h: i for i, h in enumerate(csvfile.headers)}
    return {name: row[index[h]] for name, h in mapping.items() if h in index}


def _build(
    values: dict[str, str], letter: Letter, mapping: dict[str, str], errors: list[str]
) -> SignOn | None:
    for name, label, limit in FIELDS:
        if len(values.get(name, "")) > limit:
            errors.append(f"{label}: longer than {limit} characters.")
    try:
        level = parse_level(values.get("level", ""))
    except ValueError as err:
        errors.append(str(err))
        level = None
    try:
        state = parse_state(values.get("state", ""))
    except ValueError as err:
        errors.append(str(err))
        state = ""
    if level is None and not errors:
        # no level given: a state says state-level, none says national
        level = Level.STATE if state else Level.NATIONAL
    listed = True  # no such column: the coordinator vouches for listing
    if "listed" in mapping:
        try:
            listed = parse_listed(values.get("listed", ""))
        except ValueError as err:
            errors.append(str(err))
    created_at = None
    try:
        created_at = parse_timestamp(values.get("created_at", ""), letter.deadline_tz)
    except ValueError as err:
        errors.append(str(err))
    email = values.get("signer_email", "")
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors.append(f"“{email}” is not an email address.")
    if not values.get("org_name", "").strip():
        errors.append("The organization's name is missing.")
    if errors or level is None:
        return None
    try:
        ident = normalise_identity(values["org_name"], level.value, state)
    except DomainError as err:
        errors.append(err.message)
        return None
    website = values.get("website", "").strip()
    if website and "://" not in website:
        website = "https://" + website
    return SignOn(
        letter_id=letter.id,
        org_name=" ".join(values["org_name"].split()),
        org_key=ident.key,
        level=ident.level,
        state=ident.state,
        city=values.get("city", "").strip(),
        website=website[:300],
        signer_name=values.get("signer_name", "").strip(),
        signer_title=values.get("signer_title", "").strip(),
        signer_email=email,
        authorized=True,
        listed=listed,
        comment=values.get("comment", "").strip(),
        source=SignOnSource.IMPORT,
        created_at=created_at,
    )


def analyse(
    session: Session,
    letter: Letter,
    csvfile: CsvFile,
    mapping: dict[str, str],
    *,
    flag: bool = False,
) -> Report:
    """What importing the file with this mapping would do, row by row (nothing is saved).

    ``flag`` also looks for probable duplicates (fuzzy names), which only the import needs.
    """
    if not mapping.get("org_name"):
        raise DomainError("Choose the column that holds the organization's name.", field="org_name")
    index = DedupIndex.for_letter(session, letter.id)
    first_seen: dict[tuple[str, str], int] = {}
    rows = []
    for n, raw in enumerate(csvfile.rows, start=2):
        report = RowReport(line=n, values=_values(csvfile, raw, mapping))
        signon = _build(report.values, letter, mapping, report.errors)
        if signon is None:
            report.outcome = "error"
        else:
            ident = _ident(signon)
            existing = index.existing(ident)
            if existing is not None:
                report.outcome = "already"
                report.note = "Already on the letter."
            elif (signon.state, signon.org_key) in first_seen:
                report.outcome = "already"
                line = first_seen[signon.state, signon.org_key]
                report.note = f"Same organization as line {line} of the file."
            else:
                first_seen[signon.state, signon.org_key] = n
                if flag:
                    signon.probable_duplicate_of_id = index.probable(ident)
                report.signon = signon
        rows.append(report)
    return Report(rows)


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
    report = analyse(session, letter, csvfile, mapping, flag=True)
    version_id = current_version(session, letter).id
    new = [r.signon for r in report.rows if r.outcome == "new" and r.signon is not None]
    for signon in new:
        signon.version_id = version_id
        signon.status = SignOnStatus.APPROVED if approved else SignOnStatus.CONFIRMED
        signon.confirmed_at = now
        signon.reviewed_at = now if approved else None
        signon.created_at = signon.created_at or now
    try:
        with session.begin_nested():
            signons_counted.send(session, signons=new)  # the directory links them
            session.add_all(new)
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
    remember_mapping(session, letter.campaign_id, mapping)
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
    )
    return report
