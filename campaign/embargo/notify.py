"""The embargo's mail: "the letter is public" to signers who asked to be kept informed,
and the coordinators' reminder the day before release."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.auth.models import Role, User
from campaign.campaigns.coalition import coalition_of
from campaign.core.urls import external_url
from campaign.letters.embargo import LetterEmbargo, format_local
from campaign.letters.models import Letter
from campaign.mail.services import enqueue_template
from campaign.responses.services import keep_informed_addresses


def mail_keep_informed(session: Session, letter: Letter) -> int:
    """ "The letter is public: <link>" to each keep-informed signer (one mail an address),
    in the release's transaction: it is sent once because the release happens once."""
    coalition = coalition_of(session, letter.campaign_id)
    link = external_url("signons.sign", slug=letter.slug)
    addresses = keep_informed_addresses(session, letter)
    for address in addresses:
        enqueue_template(
            session,
            to=address,
            subject=f"The letter is public: {letter.title}",
            template="embargo_released",
            kind="embargo.released",
            **coalition.mail_identity(),
            coalition=coalition,
            letter=letter,
            link=link,
        )
    return len(addresses)


def coordinator_addresses(session: Session) -> list[str]:
    """Every active coordinator's and admin's address."""
    return list(
        session.scalars(
            sa.select(User.email)
            .where(User.active.is_(True), User.role.in_([Role.COORDINATOR, Role.ADMIN]))
            .order_by(User.id)
        )
    )


def mail_reminder(session: Session, letter: Letter, embargo: LetterEmbargo) -> int:
    """Tell the coordinators the letter goes public in a day (and what happens then)."""
    coalition = coalition_of(session, letter.campaign_id)
    addresses = coordinator_addresses(session)
    when = format_local(embargo.release_at, embargo.release_tz)
    page = external_url(
        "letters.detail", campaign_slug=_campaign_slug(session, letter), letter_id=letter.id
    )
    for address in addresses:
        enqueue_template(
            session,
            to=address,
            subject=f"Released tomorrow: {letter.title}",
            template="embargo_reminder",
            kind="embargo.reminder",
            coalition=coalition,
            letter=letter,
            embargo=embargo,
            when=when,
            page=page,
        )
    return len(addresses)


def _campaign_slug(session: Session, letter: Letter) -> str:
    from campaign.campaigns.models import Campaign

    return session.scalar(sa.select(Campaign.slug).where(Campaign.id == letter.campaign_id))
