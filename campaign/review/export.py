"""The two CSV exports: every sign-on with every field, and what will be printed."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.names import sort_key
from campaign.core.states import state_name
from campaign.letters.models import Letter
from campaign.review.csvio import write_csv
from campaign.review.queries import SignOnFilters, filtered_query
from campaign.signons.models import COUNTED, Level, SignOn, SignOnStatus

ALL_HEADER = [
    "id", "organization", "level", "state", "state name", "city", "website",
    "signer name", "signer title", "signer email", "listed", "status", "source",
    "version", "needs re-confirmation", "probable duplicate of", "merged into",
    "rejection reason", "withdrawn on", "comment", "keep informed", "authorized",
    "created at (UTC)", "confirmed at (UTC)", "reviewed at (UTC)",
]  # fmt: skip
PRINTED_HEADER = ["group", "organization", "level", "state", "city"]


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _all_rows(signons: list[SignOn], material_number: int) -> Iterator[list[object]]:
    for s in signons:
        yield [
            s.id, s.org_name, s.level.value, s.state, state_name(s.state), s.city, s.website,
            s.signer_name, s.signer_title, s.signer_email, "yes" if s.listed else "no",
            s.status.value, s.source.value, s.version.number,
            "yes" if s.status in COUNTED and s.version.number < material_number else "",
            s.probable_duplicate_of_id or "", s.merged_into_id or "", s.rejection_reason,
            s.withdrawn_on.isoformat() if s.withdrawn_on else "", s.comment,
            "yes" if s.keep_informed else "no", "yes" if s.authorized else "no",
            _when(s.created_at), _when(s.confirmed_at), _when(s.reviewed_at),
        ]  # fmt: skip


def export_all(
    session: Session, letter: Letter, filters: SignOnFilters, material_number: int
) -> bytes:
    """Every sign-on (matching ``filters``) with all its fields, oldest first."""
    query = filtered_query(letter, filters).order_by(None).order_by(SignOn.id)
    signons = list(session.scalars(query))
    return write_csv(ALL_HEADER, _all_rows(signons, material_number))


def printed(session: Session, letter: Letter) -> list[SignOn]:
    """Approved, listed sign-ons in the letter's order: national first, then by state
    name, A–Z within each ignoring a leading "The"."""
    rows = session.scalars(
        sa.select(SignOn).where(
            SignOn.letter_id == letter.id,
            SignOn.status == SignOnStatus.APPROVED,
            SignOn.listed.is_(True),
        )
    ).all()

    def order(s: SignOn) -> tuple:
        national = s.level == Level.NATIONAL
        return (not national, "" if national else state_name(s.state), sort_key(s.org_name))

    return sorted(rows, key=order)


def export_printed(session: Session, letter: Letter) -> bytes:
    """Only what will be printed, grouped and sorted like the letter."""
    rows = (
        [
            "National" if s.level == Level.NATIONAL else state_name(s.state),
            s.org_name,
            s.level.label,
            s.state,
            s.city,
        ]
        for s in printed(session, letter)
    )
    return write_csv(PRINTED_HEADER, rows)
