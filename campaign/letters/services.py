"""Drafting letters, versioning their text, changing their status, re-confirm requests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.errors import Conflict, DomainError
from campaign.core.markdown import relative_links
from campaign.core.text import slugify, unique_slug
from campaign.db import utcnow
from campaign.letters.models import Letter, LetterStatus, LetterVersion, PublicLetter

# Which status may follow which: closed may reopen (e.g. a deadline extended).
TRANSITIONS: dict[LetterStatus, set[LetterStatus]] = {
    LetterStatus.DRAFT: {LetterStatus.OPEN},
    LetterStatus.OPEN: {LetterStatus.CLOSED},
    LetterStatus.CLOSED: {LetterStatus.OPEN, LetterStatus.SENT},
    LetterStatus.SENT: set(),
}
EDITABLE_BODY = (LetterStatus.DRAFT, LetterStatus.OPEN)
# A deadline given as a day alone closes at the end of that day in the letter's zone.
END_OF_DAY = time(23, 59)


def deadline_instant(day: date, at: time | None, tz: str) -> datetime:
    """The UTC instant of a wall-clock deadline in the IANA zone ``tz`` (no time: the end
    of the day there)."""
    at = at or END_OF_DAY
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError("Unknown time zone.", field="deadline_tz")
    return datetime.combine(day, at, tzinfo=zone).astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class SpanishText:
    """A letter's Spanish text beside the English one; ``bilingual``: the coordinator asked
    for both languages, so both must be written before the letter opens."""

    bilingual: bool = False
    title: str = ""
    addressees: str = ""
    body: str = ""
    closing: str = ""
    sender: str = ""

    def __post_init__(self) -> None:
        for name in ("title", "addressees", "body", "closing", "sender"):
            object.__setattr__(self, name, (getattr(self, name) or "").strip())

    @classmethod
    def of(cls, letter: Letter) -> SpanishText:
        """The letter's Spanish text as stored."""
        return cls(
            letter.bilingual,
            letter.title_es,
            letter.addressees_es,
            letter.body_es,
            letter.closing_es,
            letter.sender_es,
        )

    def columns(self) -> dict[str, object]:
        """The letter's columns for it."""
        return {
            "bilingual": self.bilingual,
            "title_es": self.title,
            "addressees_es": self.addressees,
            "body_es": self.body,
            "closing_es": self.closing,
            "sender_es": self.sender,
        }

    def check_complete(self) -> None:
        """Refuse a letter asked for in both languages whose Spanish text is missing."""
        if not self.bilingual:
            return
        if not self.title:
            raise DomainError(
                "The letter is set to be in English and Spanish: write its Spanish title "
                "before it opens (or untick “Also in Spanish”).",
                field="title_es",
            )
        if not self.body:
            raise DomainError(
                "The letter is set to be in English and Spanish: write its Spanish text "
                "before it opens (or untick “Also in Spanish”).",
                field="body_es",
            )


def body_sha256(body: str) -> str:
    """The hash recorded with a version of the text."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def current_version(session: Session, letter: Letter | PublicLetter) -> LetterVersion:
    """The newest version of the letter's text."""
    return session.scalars(
        sa.select(LetterVersion)
        .where(LetterVersion.letter_id == letter.id)
        .order_by(LetterVersion.number.desc())
        .limit(1)
    ).one()


def versions(session: Session, letter: Letter) -> list[LetterVersion]:
    """Every version of the letter, oldest first."""
    return list(
        session.scalars(
            sa.select(LetterVersion)
            .where(LetterVersion.letter_id == letter.id)
            .order_by(LetterVersion.number)
        )
    )


def _add_version(
    session: Session, letter: Letter, number: int, *, material: bool, actor: User | None
) -> LetterVersion:
    # one version holds both texts: the hash covers the Spanish one when there is one
    both = letter.body if not letter.body_es else f"{letter.body}\n\n---es---\n\n{letter.body_es}"
    version = LetterVersion(
        letter_id=letter.id,
        number=number,
        body=letter.body,
        body_es=letter.body_es,
        sha256=body_sha256(both),
        material=material,
        created_by_id=actor.id if actor else None,
    )
    session.add(version)
    session.flush()
    return version


def check_links(body: str) -> None:
    """Refuse a text whose links are not full addresses (issue 16.9: in the PDF a relative
    link pointed into the server's own folders)."""
    bad = relative_links(body)
    if bad:
        raise DomainError(
            f"Links must be full web addresses (https://…) or email addresses (mailto:…); "
            f"“{bad[0][:100]}” is not. Write the whole address.",
            field="body",
        )


def create_letter(
    session: Session,
    campaign: Campaign,
    *,
    title: str,
    addressees: str,
    body: str,
    closing: str,
    sender: str,
    deadline_on: date,
    deadline_time: time | None,
    deadline_tz: str,
    actor: User | None,
    slug: str | None = None,
    show_signatories: bool = False,
    auto_approve: bool = False,
    spanish: SpanishText | None = None,
) -> Letter:
    """Create a draft letter and its first version (with its Spanish text, if given)."""
    check_links(body)
    spanish = spanish or SpanishText()
    check_links(spanish.body)
    wanted = slugify(slug or title)
    if slug and session.scalar(sa.select(Letter.id).where(Letter.slug == wanted)):
        raise Conflict("Another letter already uses this address.", field="slug")
    letter = Letter(
        campaign_id=campaign.id,
        title=title.strip(),
        slug=unique_slug(session, Letter.slug, wanted),
        addressees=addressees.strip(),
        body=body.strip(),
        closing=closing.strip(),
        sender=sender.strip(),
        deadline_at=deadline_instant(deadline_on, deadline_time, deadline_tz),
        deadline_tz=deadline_tz,
        show_signatories=show_signatories,
        auto_approve=auto_approve,
        created_by_id=actor.id if actor else None,
        **spanish.columns(),
    )
    session.add(letter)
    session.flush()
    _add_version(session, letter, 1, material=False, actor=actor)
    record(session, actor, "letter.create", "letter", letter.id, title=letter.title)
    return letter


def update_letter(
    session: Session,
    letter: Letter,
    *,
    title: str,
    addressees: str,
    body: str,
    closing: str,
    sender: str,
    deadline_on: date,
    deadline_time: time | None,
    deadline_tz: str,
    show_signatories: bool,
    auto_approve: bool,
    material: bool,
    actor: User,
    spanish: SpanishText | None = None,
) -> LetterVersion | None:
    """Save edits; a changed body, in either language, makes a new version of both
    (returned), None otherwise. ``spanish`` None leaves the Spanish text as it is."""
    check_links(body)
    if letter.status == LetterStatus.SENT:
        raise DomainError("A sent letter can no longer be edited.")
    if spanish is None:
        spanish = SpanishText.of(letter)
    check_links(spanish.body)
    if letter.status != LetterStatus.DRAFT:
        spanish.check_complete()  # an open letter in both languages keeps both
    new_body = body.strip()
    body_changed = new_body != letter.body or spanish.body != letter.body_es
    if body_changed and letter.status not in EDITABLE_BODY:
        raise DomainError(
            "The text can be edited only while the letter is a draft or open.", field="body"
        )
    changes: dict[str, object] = {}
    fields = {
        "title": title.strip(),
        "addressees": addressees.strip(),
        "closing": closing.strip(),
        "sender": sender.strip(),
        "deadline_at": deadline_instant(deadline_on, deadline_time, deadline_tz),
        "deadline_tz": deadline_tz,
        "show_signatories": show_signatories,
        "auto_approve": auto_approve,
        **{k: v for k, v in spanish.columns().items() if k != "body_es"},
    }
    for name, value in fields.items():
        if getattr(letter, name) != value:
            changes[name] = "changed" if name == "addressees" else str(value)
            setattr(letter, name, value)
    version = None
    if body_changed:
        letter.body = new_body
        letter.body_es = spanish.body
        number = current_version(session, letter).number + 1
        version = _add_version(session, letter, number, material=material, actor=actor)
        changes["version"] = number
        changes["material"] = material
    if changes:
        letter.updated_at = utcnow()
        session.flush()
        record(session, actor, "letter.update", "letter", letter.id, **changes)
    return version


def change_status(
    session: Session, letter: Letter, new: LetterStatus, *, actor: User, now: datetime | None = None
) -> Letter:
    """Move a letter along draft → open → closed → sent (closed may reopen)."""
    if new not in TRANSITIONS[letter.status]:
        raise DomainError(f"A {letter.status.value} letter cannot become {new.value}.")
    if new == LetterStatus.OPEN:
        SpanishText.of(letter).check_complete()
    if new == LetterStatus.OPEN and (now or utcnow()) >= letter.deadline_at:
        raise DomainError("The deadline has passed: move it to a later date before opening.")
    old = letter.status
    letter.status = new
    letter.updated_at = utcnow()
    session.flush()
    record(session, actor, "letter.status", "letter", letter.id, old=old.value, new=new.value)
    return letter


def publish_letter(
    session: Session, letter: Letter, *, actor: User, now: datetime | None = None
) -> Letter:
    """Open a draft to sign-ons: its public page starts taking signatures until the deadline."""
    if letter.status != LetterStatus.DRAFT:
        raise DomainError("Only a draft can be published: this letter is already public.")
    return change_status(session, letter, LetterStatus.OPEN, actor=actor, now=now)


def letters_for_campaign(session: Session, campaign: Campaign) -> list[Letter]:
    """The campaign's letters, newest first."""
    return list(
        session.scalars(
            sa.select(Letter)
            .where(Letter.campaign_id == campaign.id)
            .order_by(Letter.created_at.desc(), Letter.id.desc())
        )
    )


def latest_material_number(session: Session, letter: Letter) -> int:
    """The number of the newest material version (0 when no edit was material)."""
    return int(
        session.scalar(
            sa.select(sa.func.max(LetterVersion.number)).where(
                LetterVersion.letter_id == letter.id, LetterVersion.material.is_(True)
            )
        )
        or 0
    )
