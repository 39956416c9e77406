"""CSV export and import of the directory, with the sign-on import's rules.

The file is read by ``campaign.review.csvio`` (encodings, delimiters, refusing non-CSV),
values by ``campaign.review.values``; organizations are matched by (state, org key) and
contacts by email, as for sign-ons. Importing fills what is missing and never
overwrites: the same file imported twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session, aliased

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.core.names import fold
from campaign.db import utcnow
from campaign.directory.linking import attach, normalise_email
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.directory.queries import A_TO_Z, DirectoryFilters, where_filters
from campaign.review.csvio import CsvFile
from campaign.review.values import parse_level, parse_state
from campaign.signons.dedup import normalise_identity
from campaign.signons.models import Level

EXPORT_HEADER = [
    "organization", "level", "state", "city", "website", "notes",
    "contact name", "contact title", "contact email", "contact phone", "unsubscribed",
]  # fmt: skip
# Rows fetched from the database at a time.
EXPORT_BATCH = 2000

# (field, label, longest value)
FIELDS: list[tuple[str, str, int]] = [
    ("org_name", "Organization name", 300),
    ("level", "Level (national, state, local)", 100),
    ("state", "State", 100),
    ("city", "City", 120),
    ("website", "Website", 300),
    ("notes", "Notes", 5000),
    ("contact_name", "Contact's name", 200),
    ("contact_title", "Contact's title", 200),
    ("contact_email", "Contact's email", 254),
    ("contact_phone", "Contact's phone", 40),
]
FIELD_NAMES = [name for name, _label, _max in FIELDS]
_GUESSES: list[tuple[str, tuple[str, ...]]] = [
    ("contact_email", ("email", "e-mail", "correo")),
    ("contact_phone", ("phone", "telephone", "tel")),
    ("level", ("level", "scope")),
    ("state", ("state", "estado")),
    ("website", ("website", "web site", "url")),
    ("city", ("city", "town")),
    ("notes", ("note", "comment")),
    ("contact_title", ("title", "position", "role")),
    ("org_name", ("organization", "organisation", "org name", "group")),
    ("contact_name", ("contact", "name", "person")),
]


def export_rows(session: Session, filters: DirectoryFilters) -> Iterator[list[object]]:
    """One row per organization and contact (an organization without contacts: one row),
    read in batches by one SELECT of just these columns (for a streamed download: takes
    plain values, holds no ORM objects)."""
    # aliased: the filters' sub-queries read these tables too; distinct names keep them apart
    link = organization_contacts.alias("export_link")
    person = aliased(Contact, name="export_person")
    people = link.join(
        person, sa.and_(person.id == link.c.contact_id, person.forgotten_at.is_(None))
    )
    query = sa.select(
        Organization.name, Organization.level, Organization.state, Organization.city,
        Organization.website, Organization.notes, person.name, person.title, person.email,
        person.phone, person.unsubscribed_at,
    ).outerjoin(people, link.c.organization_id == Organization.id)  # fmt: skip
    query = where_filters(query, filters).order_by(*A_TO_Z, person.id)
    # Core rows through the session's connection (no ORM layer); the cursor is closed on
    # leaving the block, also when the client stops the download
    with session.connection().execute(query.execution_options(yield_per=EXPORT_BATCH)) as result:
        for batch in result.partitions():
            for name, level, state, city, website, notes, *contact, unsubscribed_at in batch:
                base = [name, level.value, state, city, website, notes]
                if contact[2] is None:  # no contact (or only forgotten ones)
                    yield [*base, "", "", "", "", ""]
                else:
                    yield [*base, *contact, "yes" if unsubscribed_at else ""]


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Field → column name, guessed from the column names (an export maps onto itself)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        if fold(header) in ("org", "organization", "organisation"):
            mapping["org_name"] = header
            used.add(header)
            break
    for name, words in _GUESSES:
        if name in mapping:
            continue
        for header in headers:
            if header not in used and any(w in fold(header) for w in words):
                mapping[name] = header
                used.add(header)
                break
    return mapping


@dataclass
class RowReport:
    """One row of the file and what importing it does (or would do)."""

    line: int
    values: dict[str, str]
    outcome: str = "unchanged"  # new | updated | unchanged | error
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Every row's fate."""

    rows: list[RowReport]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def _clean(values: dict[str, str], errors: list[str]) -> dict | None:
    for name, label, limit in FIELDS:
        if len(values.get(name, "")) > limit:
            errors.append(f"{label}: longer than {limit} characters.")
    if not values.get("org_name", "").strip():
        errors.append("The organization's name is missing.")
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
    email = values.get("contact_email", "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors.append(f"“{email}” is not an email address.")
    if errors:
        return None
    level = level or (Level.STATE if state else Level.NATIONAL)
    try:
        ident = normalise_identity(values["org_name"], level.value, state)
    except DomainError as err:
        errors.append(err.message)
        return None
    website = values.get("website", "").strip()
    if website and "://" not in website:
        website = "https://" + website
    return {
        "ident": ident,
        "name": " ".join(values["org_name"].split()),
        "city": values.get("city", "").strip(),
        "website": website[:300],
        "notes": values.get("notes", "").strip(),
        "email": normalise_email(email),
        "contact_name": values.get("contact_name", "").strip(),
        "contact_title": values.get("contact_title", "").strip(),
        "contact_phone": values.get("contact_phone", "").strip(),
    }


def _fill(obj, attrs: dict[str, str]) -> bool:
    """Set the attributes that are empty on ``obj``; True if anything changed."""
    changed = False
    for attr, value in attrs.items():
        if value and not getattr(obj, attr):
            setattr(obj, attr, value)
            changed = True
    return changed


def run_import(
    session: Session,
    csvfile: CsvFile,
    mapping: dict[str, str],
    *,
    actor: User,
    apply: bool,
    filename: str = "",
) -> Report:
    """Check every row (``apply=False``: the preview) or import the good ones.

    Rows in error are left out and reported by line; everything else happens in the
    caller's transaction.
    """
    if not mapping.get("org_name"):
        raise DomainError("Choose the column that holds the organization's name.", field="org_name")
    index = {h: i for i, h in enumerate(csvfile.headers)}
    orgs = {
        (o.state, o.key): o for o in session.scalars(sa.select(Organization))
    }  # the directory is small next to the sign-ons; one query
    contacts = {c.email: c for c in session.scalars(sa.select(Contact))}
    links = {tuple(row) for row in session.execute(sa.select(organization_contacts))}
    rows: list[RowReport] = []
    for n, raw in enumerate(csvfile.rows, start=2):
        values = {name: raw[index[h]] for name, h in mapping.items() if h in index}
        report = RowReport(line=n, values=values)
        rows.append(report)
        data = _clean(values, report.errors)
        if data is None:
            report.outcome = "error"
            continue
        ident = data["ident"]
        org = orgs.get((ident.state, ident.key))
        changed = False
        if org is None:
            report.outcome = "new"
            org = Organization(
                name=data["name"],
                key=ident.key,
                level=ident.level,
                state=ident.state,
                city=data["city"],
                website=data["website"],
                notes=data["notes"],
                created_at=utcnow(),
            )
            orgs[ident.state, ident.key] = org
            if apply:
                session.add(org)
                session.flush()
        else:
            fill = {"city": data["city"], "website": data["website"], "notes": data["notes"]}
            if apply:
                changed = _fill(org, fill)
            else:
                changed = any(v and not getattr(org, k) for k, v in fill.items())
        if data["email"]:
            contact = contacts.get(data["email"])
            attrs = {
                "name": data["contact_name"],
                "title": data["contact_title"],
                "phone": data["contact_phone"][:40],
            }
            if contact is None:
                changed = True
                contact = Contact(email=data["email"], **attrs)
                contacts[data["email"]] = contact
                if apply:
                    session.add(contact)
                    session.flush()
            elif contact.forgotten_at is None:
                if apply:
                    changed = _fill(contact, attrs) or changed
                else:
                    changed = changed or any(
                        v and not getattr(contact, k) for k, v in attrs.items()
                    )
            pair = (org.id, contact.id)
            if org.id is None or contact.id is None or pair not in links:
                changed = True
                if apply:
                    attach(session, org.id, contact.id)
                    links.add(pair)
        if report.outcome != "new" and changed:
            report.outcome = "updated"
    report_all = Report(rows)
    if apply:
        session.flush()
        record(
            session,
            actor,
            "directory.import",
            "organization",
            None,
            filename=filename[:255],
            new=report_all.count("new"),
            updated=report_all.count("updated"),
            unchanged=report_all.count("unchanged"),
            errors=report_all.count("error"),
        )
    return report_all
