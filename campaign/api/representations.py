"""HAL representations of letters (OSDI petitions), sign-ons (signatures) and the directory
(organizations). The API's answers and the webhooks' payloads are both made here.

Each function takes a page of rows and makes the page's look-ups in a fixed number of
queries, whatever its size. Links are absolute, on ``CAMPAIGN_BASE_URL`` (``Links``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.letters.models import Letter, LetterStatus, LetterVersion
from campaign.signons.models import COUNTED, SignOn

ORIGIN = "campaign"


def identifier(row_id: int) -> str:
    """OSDI's ``identifiers`` entry for one of our rows."""
    return f"{ORIGIN}:{row_id}"


def iso(value: datetime | None) -> str | None:
    """A UTC time as ISO 8601 with microseconds (so ``modified_date gt`` round-trips)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Links:
    """Absolute hrefs: ``api`` is the API's root; ``sign_page`` the public sign-on page
    with ``{slug}`` for the letter's."""

    api: str
    sign_page: str

    def to(self, *parts: object) -> dict[str, str]:
        return {"href": "/".join([self.api, *(str(p) for p in parts)])}


def common_fields(row: Any) -> dict[str, Any]:
    return {
        "identifiers": [identifier(row.id)],
        "origin_system": ORIGIN,
        "created_date": iso(row.created_at),
        "modified_date": iso(row.updated_at or row.created_at),
    }


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return name.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


# --- petitions -------------------------------------------------------------------------


def petitions(session: Session, letters: Sequence[Letter], links: Links) -> list[dict[str, Any]]:
    """Letters as OSDI petitions: the current text, the count of counted sign-ons."""
    ids = [letter.id for letter in letters]
    current = _current_versions(session, ids)
    counts = dict(
        session.execute(
            sa.select(SignOn.letter_id, sa.func.count())
            .where(SignOn.letter_id.in_(ids), SignOn.status.in_(COUNTED))
            .group_by(SignOn.letter_id)
        ).all()
    )
    return [
        petition(letter, current.get(letter.id), counts.get(letter.id, 0), links)
        for letter in letters
    ]


def _current_versions(session: Session, letter_ids: list[int]) -> dict[int, LetterVersion]:
    newest = (
        sa.select(LetterVersion.letter_id, sa.func.max(LetterVersion.number).label("number"))
        .where(LetterVersion.letter_id.in_(letter_ids))
        .group_by(LetterVersion.letter_id)
        .subquery()
    )
    rows = session.scalars(
        sa.select(LetterVersion).join(
            newest,
            sa.and_(
                newest.c.letter_id == LetterVersion.letter_id,
                newest.c.number == LetterVersion.number,
            ),
        )
    )
    return {version.letter_id: version for version in rows}


def petition(
    letter: Letter, version: LetterVersion | None, total: int, links: Links
) -> dict[str, Any]:
    """One letter as an OSDI petition."""
    public = letter.status != LetterStatus.DRAFT
    return {
        **common_fields(letter),
        "title": letter.title,
        "petition_text": version.body if version is not None else letter.body,
        "browser_url": links.sign_page.replace("{slug}", letter.slug) if public else None,
        "total_signatures": total,
        "target": [
            {"name": line.strip()} for line in letter.addressees.splitlines() if line.strip()
        ],
        "coalition:status": letter.status.value,
        "coalition:deadline": iso(letter.deadline_at),
        "coalition:letter_version": version.number if version is not None else None,
        "coalition:accepts_signatures": letter.accepts_signons(),
        "_links": {
            "self": links.to("petitions", letter.id),
            "osdi:signatures": links.to("petitions", letter.id, "signatures"),
            "osdi:record_signature_helper": links.to("petitions", letter.id, "signatures"),
            "coalition:responses": {"href": f"{links.api}/responses?petition={letter.id}"},
            "coalition:demands": {"href": f"{links.api}/demands?petition={letter.id}"},
        },
    }


# --- signatures ------------------------------------------------------------------------


def signatures(
    session: Session, signons: Sequence[SignOn], links: Links, *, contacts: bool
) -> list[dict[str, Any]]:
    """Sign-ons as OSDI signatures; the signer's email only when ``contacts`` (a
    coordinator's token)."""
    numbers = _version_numbers(session, {s.version_id for s in signons})
    return [signature(s, numbers.get(s.version_id), links, contacts=contacts) for s in signons]


def _version_numbers(session: Session, ids: Iterable[int]) -> dict[int, int]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(
        session.execute(
            sa.select(LetterVersion.id, LetterVersion.number).where(LetterVersion.id.in_(ids))
        ).all()
    )


def signature(
    signon: SignOn, version_number: int | None, links: Links, *, contacts: bool
) -> dict[str, Any]:
    """One sign-on as an OSDI signature, its organization and signer in extensions."""
    given, family = _split_name(signon.signer_name)
    person: dict[str, Any] = {
        "given_name": given,
        "family_name": family,
        "coalition:full_name": signon.signer_name,
    }
    if contacts:
        person["email_addresses"] = [{"address": signon.signer_email, "primary": True}]
    doc_links: dict[str, Any] = {
        "self": links.to("petitions", signon.letter_id, "signatures", signon.id),
        "osdi:petition": links.to("petitions", signon.letter_id),
    }
    if signon.organization_id is not None:
        doc_links["coalition:organization"] = links.to("organizations", signon.organization_id)
    return {
        **common_fields(signon),
        "action_date": iso(signon.signed_at or signon.created_at),
        "comments": signon.comment,
        "person": person,
        "coalition:organization": signon.org_name,
        "coalition:signer_title": signon.signer_title,
        "coalition:level": signon.level.value,
        "coalition:state": signon.state,
        "coalition:city": signon.city,
        "coalition:website": signon.website,
        "coalition:listed": signon.listed,
        "coalition:status": signon.status.value,
        "coalition:letter_version": version_number,
        "coalition:source": signon.source.value,
        # on what authority the signer signs, and whether (how) the signature is verified
        "coalition:authority": signon.authority.value if signon.authority else None,
        "coalition:authority_other": signon.authority_other,
        "coalition:verification": signon.verification.value if signon.verification else None,
        "coalition:verified_date": iso(signon.verified_at),
        "_links": doc_links,
    }


# --- organizations ---------------------------------------------------------------------


def organizations(
    session: Session, orgs: Sequence[Organization], links: Links, *, contacts: bool
) -> list[dict[str, Any]]:
    """Directory entries; their contacts (with email and phone) only when ``contacts``."""
    people: dict[int, list[dict[str, Any]]] = {}
    if contacts and orgs:
        rows = session.execute(
            sa.select(organization_contacts.c.organization_id, Contact)
            .join(Contact, Contact.id == organization_contacts.c.contact_id)
            .where(
                organization_contacts.c.organization_id.in_([o.id for o in orgs]),
                Contact.forgotten_at.is_(None),
            )
            .order_by(Contact.id)
        )
        for org_id, contact in rows:
            people.setdefault(org_id, []).append(
                {
                    "name": contact.name,
                    "title": contact.title,
                    "email": contact.email,
                    "phone": contact.phone,
                }
            )
    return [organization(o, links, people.get(o.id, []) if contacts else None) for o in orgs]


def organization(
    org: Organization, links: Links, contacts: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """One directory entry."""
    doc_links: dict[str, Any] = {"self": links.to("organizations", org.id)}
    if org.merged_into_id is not None:
        doc_links["coalition:merged_into"] = links.to("organizations", org.merged_into_id)
    doc: dict[str, Any] = {
        **common_fields(org),
        "name": org.name,
        "coalition:level": org.level.value,
        "coalition:state": org.state,
        "coalition:city": org.city,
        "coalition:website": org.website,
        "_links": doc_links,
    }
    if contacts is not None:
        doc["coalition:contacts"] = contacts
    return doc
