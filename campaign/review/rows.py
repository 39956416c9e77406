"""The rows of a sign-on file: each row read into a sign-on (or its errors), the
coordinator's choices for the whole file, and an organization that sent the form twice.

Nothing here touches the database; ``review.importing`` compares the rows with the
letter and imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from campaign.core.errors import DomainError
from campaign.letters.models import Letter
from campaign.review.csvio import CsvFile
from campaign.review.mapping import FIELDS
from campaign.review.values import parse_level, parse_state, parse_timestamp, parse_yes_no
from campaign.signons.dedup import normalise_identity
from campaign.signons.models import Level, SignOn, SignOnSource

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Options:
    """What the coordinator decides for the whole file."""

    # a blank answer to the listing question: list the organization by name (what the
    # public form does unless the signer says otherwise), or count it without its name
    blank_listed: bool = True


@dataclass
class RowReport:
    """One row of the file: its values, what will happen to it, and why."""

    line: int  # the line number in the spreadsheet (the header is line 1)
    values: dict[str, str]
    outcome: str = "new"  # new | already | error
    errors: list[str] = field(default_factory=list)
    # imported, but the coordinator should know (a blank listing answer)
    warnings: list[str] = field(default_factory=list)
    note: str = ""
    signon: SignOn | None = None
    blank_listing: bool = False


@dataclass
class Report:
    """Every row's fate; ``rows`` holds all of them, the page shows the first few."""

    rows: list[RowReport]
    mapping: dict[str, str] = field(default_factory=dict)
    options: Options = field(default_factory=Options)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def preview(self) -> list[RowReport]:
        return self.rows[:PREVIEW_ROWS]

    @property
    def blank_listing(self) -> int:
        """Rows to be added whose listing answer is blank (they take the default)."""
        return sum(1 for r in self.rows if r.outcome == "new" and r.blank_listing)

    @property
    def keep_informed(self) -> int | None:
        """Rows to be added whose signer asked to be kept informed; None when no column
        says (imported signers were then asked nothing, and get nothing)."""
        if not self.mapping.get("keep_informed"):
            return None
        return sum(1 for r in self.rows if r.signon is not None and r.signon.keep_informed)


def row_values(csvfile: CsvFile, row: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Field → the row's cell, for the mapped fields."""
    index = {h: i for i, h in enumerate(csvfile.headers)}
    return {name: row[index[h]] for name, h in mapping.items() if h in index}


def _yes_no(report: RowReport, name: str, label: str) -> bool | None:
    try:
        return parse_yes_no(report.values.get(name, ""))
    except ValueError as err:
        report.errors.append(f"{label}: {err}")
        return None


def build_signon(
    report: RowReport, letter: Letter, mapping: dict[str, str], options: Options
) -> SignOn | None:
    """The sign-on a row describes, or None with the row's errors filled in."""
    values, errors = report.values, report.errors
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
    listed = options.blank_listed  # no such column: every row takes the default
    if "listed" in mapping:
        answer = _yes_no(report, "listed", "List the name")
        if answer is None and not values.get("listed", "").strip():
            report.blank_listing = True
            report.warnings.append(
                "No answer to the listing question: "
                + ("listed by name (the default)." if listed else "counted without its name.")
            )
        elif answer is not None:
            listed = answer
    keep_informed = bool(_yes_no(report, "keep_informed", "Keep informed"))
    signed_at = None
    try:
        signed_at = parse_timestamp(values.get("signed_at", ""), letter.deadline_tz)
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
        keep_informed=keep_informed,
        comment=values.get("comment", "").strip(),
        source=SignOnSource.IMPORT,
        signed_at=signed_at,
    )


def _latest_first(report: RowReport) -> tuple:
    """Sort key putting an organization's latest submission first: by its timestamp
    when it has one, else by its line (Google Forms writes answers in the order sent)."""
    signon = report.signon
    assert signon is not None
    stamped = signon.signed_at is not None
    return (stamped, signon.signed_at.timestamp() if stamped else 0, report.line)


def keep_latest(reports: list[RowReport]) -> None:
    """One organization submitted the form more than once: the latest answers are what it
    wants (a corrected name, "count us only" after "yes"), and the first submission's
    time is when it signed."""
    by_org: dict[tuple[str, str], list[RowReport]] = {}
    for r in reports:
        if r.signon is not None:
            by_org.setdefault((r.signon.state, r.signon.org_key), []).append(r)
    for group in by_org.values():
        if len(group) < 2:
            continue
        group.sort(key=_latest_first, reverse=True)
        kept, earlier = group[0], group[1:]
        times = [r.signon.signed_at for r in group if r.signon.signed_at is not None]
        if times:
            kept.signon.signed_at = min(times)
        lines = ", ".join(str(r.line) for r in sorted(earlier, key=lambda r: r.line))
        kept.note = f"Also submitted on line {lines}: this later answer is imported."
        for r in earlier:
            r.outcome = "already"
            r.signon = None
            r.warnings = []
            r.blank_listing = False
            r.note = f"Submitted again on line {kept.line}: the later answer is imported."
