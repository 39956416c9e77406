"""The printable snapshot of a letter, built from the database in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.campaigns.models import Campaign
from campaign.db import utcnow
from campaign.delivery.models import LetterDeliverySignOn, LetterPrintOptions
from campaign.letters.models import Letter, LetterVersion
from campaign.printing import LetterSnapshot, Signatory
from campaign.signons.models import SignOn, SignOnStatus

# Printed by name when listed, counted in N either way. Confirmed sign-ons still wait for
# a coordinator's approval (unless the letter approves automatically), so they are not
# printed yet: the letter carries exactly the list a coordinator approved.
PRINTED = SignOnStatus.APPROVED


@dataclass(frozen=True)
class PreparedSnapshot:
    """A snapshot with what it was made from: the version and the sign-ons in its list."""

    snapshot: LetterSnapshot
    version: LetterVersion
    sign_on_ids: tuple[int, ...]


def letter_today(letter: Letter) -> date:
    """Today's date where the letter's coordinators are (the zone of its deadline)."""
    try:
        return utcnow().astimezone(ZoneInfo(letter.deadline_tz)).date()
    except (KeyError, ValueError):
        return utcnow().date()


def print_options(session: Session, letter: Letter) -> LetterPrintOptions:
    """The letter's print options (unsaved defaults when none were chosen yet)."""
    options = session.get(LetterPrintOptions, letter.id)
    if options is None:
        options = LetterPrintOptions(
            letter_id=letter.id,
            grouping="state",
            columns=3,
            include_logo_page=False,
            show_places=True,
        )
    return options


def prepare_snapshot(
    session: Session,
    letter: Letter,
    *,
    on: date | None = None,
    late_only: bool = False,
    list_heading: str = "",
) -> PreparedSnapshot:
    """The letter as it would print today (or dated ``on``), in three queries.

    ``late_only``: only approved sign-ons that no earlier delivery of this letter held,
    printed as a list-only addendum under ``list_heading``.
    """
    options = print_options(session, letter)  # 1 query (or none when already loaded)
    version = session.scalars(  # 2
        sa.select(LetterVersion)
        .where(LetterVersion.letter_id == letter.id)
        .order_by(LetterVersion.number.desc())
        .limit(1)
    ).one()
    query = sa.select(
        SignOn.id,
        SignOn.org_name,
        SignOn.level,
        SignOn.state,
        SignOn.city,
        SignOn.listed,
        SignOn.logo_sha256,
    ).where(SignOn.letter_id == letter.id, SignOn.status == PRINTED)
    if late_only:
        query = query.where(~sa.exists().where(LetterDeliverySignOn.sign_on_id == SignOn.id))
    rows = session.execute(query.order_by(SignOn.id)).all()  # 3
    signatories = tuple(
        Signatory(
            name=row.org_name,
            level=str(row.level),
            state=row.state or "",
            city=row.city or "",
            listed=bool(row.listed),
            logo_sha256=row.logo_sha256,
        )
        for row in rows
    )
    sender = letter.sender
    if not sender:
        # the identity map usually holds the campaign already: no query then
        campaign = session.get(Campaign, letter.campaign_id)
        sender = campaign.name if campaign is not None else ""
    snapshot = LetterSnapshot(
        title=letter.title,
        sender=sender,
        date=on or letter_today(letter),
        addressees=letter.addressees,
        body_markdown=version.body,
        closing=letter.closing,
        signatories=signatories,
        logo_sha256=options.logo_sha256,
        grouping=str(options.grouping),
        columns=int(options.columns),
        include_logo_page=bool(options.include_logo_page),
        show_places=bool(options.show_places),
    )
    if late_only:
        snapshot = replace(snapshot, list_only=True, list_heading=list_heading)
    return PreparedSnapshot(snapshot, version, tuple(row.id for row in rows))


def snapshot_for(session: Session, letter: Letter, **kwargs) -> LetterSnapshot:
    """The LetterSnapshot of ``letter`` (see :func:`prepare_snapshot` for the options)."""
    return prepare_snapshot(session, letter, **kwargs).snapshot
