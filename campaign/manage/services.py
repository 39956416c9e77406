"""What a signer may do with their own sign-on through its manage link.

Before delivery they may ask to correct the signer's name and title and the listing
(the coordinators apply or decline: a ``Correction`` each, history kept), withdraw (the
organization leaves the count at once) and add another contact of the organization
(who confirms their own address, as a second signer does: ``signons.claims``). After
delivery they may still withdraw: the withdrawal is recorded with its date and the next
addendum lists it; the frozen delivery never changes. Every change is in the audit log
(actions ``signon.manage.*``, by no user). Nothing here commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.delivery.addenda import delivered_on
from campaign.delivery.snapshot import letter_today
from campaign.letters.models import Letter, LetterStatus
from campaign.manage.models import Correction, CorrectionStatus, Field, ManageLink
from campaign.review import services as review
from campaign.signons import notify
from campaign.signons.models import SignOn, SignOnClaim, SignOnStatus

# Statuses whose signer may still act: what is merged, or withdrawn, is settled.
ACTIVE = (SignOnStatus.CONFIRMED, SignOnStatus.APPROVED, SignOnStatus.REJECTED)


def issue_link(session: Session, signon: SignOn, now: datetime | None = None) -> str:
    """A new manage token for ``signon`` (its sha256 alone is stored); earlier ones stay."""
    token = secrets.token_urlsafe(32)
    session.add(
        ManageLink(
            sign_on_id=signon.id, token_hash=notify.hash_token(token), created_at=now or utcnow()
        )
    )
    session.flush()
    return token


def is_open(letter: Letter) -> bool:
    """Manage links work until the end of collection as the app models it: the letter
    sent and no longer collecting sign-ons (``Letter.signons_frozen``), which is also
    when the last addendum's sign-ons can no longer change."""
    return letter.status != LetterStatus.DRAFT and not letter.signons_frozen


@dataclass(frozen=True)
class Found:
    """What a manage token opened."""

    signon: SignOn
    link: ManageLink


def find(session: Session, letter: Letter, token: str) -> Found | None:
    """The sign-on of ``letter`` whose manage token is ``token`` (None for any other:
    unknown, tampered, another letter's)."""
    if not token or len(token) > 100:
        return None
    row = session.execute(
        sa.select(SignOn, ManageLink)
        .join(ManageLink, ManageLink.sign_on_id == SignOn.id)
        .where(ManageLink.token_hash == notify.hash_token(token), SignOn.letter_id == letter.id)
    ).first()
    return Found(row[0], row[1]) if row is not None else None


def _check_active(signon: SignOn, letter: Letter) -> None:
    if not is_open(letter):
        raise DomainError(
            "This letter no longer collects sign-ons: your sign-on can no longer change."
        )
    if signon.status not in ACTIVE:
        raise DomainError("This sign-on can no longer change.")


def _check_before_delivery(session: Session, signon: SignOn) -> None:
    if delivered_on(session, signon.id) is not None:
        raise DomainError(
            "Your organization's sign-on has been delivered: it can no longer be corrected, "
            "only withdrawn."
        )


def _current(signon: SignOn, field: Field) -> str:
    if field == Field.LISTED:
        return "list" if signon.listed else "count"
    return getattr(signon, field.value)


def ask_corrections(
    session: Session,
    signon: SignOn,
    letter: Letter,
    changes: dict[Field, str],
    *,
    now: datetime | None = None,
) -> list[Correction]:
    """The signer asks for corrections (only the fields that change); each goes to the
    coordinators' review. A newer request for a field supersedes the one still waiting."""
    now = now or utcnow()
    _check_active(signon, letter)
    _check_before_delivery(session, signon)
    wanted = {
        field: " ".join((value or "").split())
        for field, value in changes.items()
        if " ".join((value or "").split()) != _current(signon, field)
    }
    if Field.SIGNER_NAME in wanted and not wanted[Field.SIGNER_NAME]:
        raise DomainError("Enter the signer's name.", field="signer_name")
    if Field.LISTED in wanted and wanted[Field.LISTED] not in ("list", "count"):
        raise DomainError("Choose how to show your organization.", field="listing")
    if not wanted:
        raise DomainError("Nothing changed.")
    session.execute(
        sa.update(Correction)
        .where(
            Correction.sign_on_id == signon.id,
            Correction.status == CorrectionStatus.ASKED,
            Correction.field.in_(list(wanted)),
        )
        .values(status=CorrectionStatus.SUPERSEDED, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    rows = [
        Correction(
            sign_on_id=signon.id,
            field=field,
            old_value=_current(signon, field),
            new_value=value[:300],
            status=CorrectionStatus.ASKED,
            created_at=now,
        )
        for field, value in wanted.items()
    ]
    session.add_all(rows)
    signon.updated_at = now
    session.flush()
    for row in rows:
        record(session, None, "signon.manage.correction", "sign_on", signon.id,
               letter_id=letter.id, field=row.field.value, old=row.old_value,
               new=row.new_value)  # fmt: skip
    return rows


def corrections(session: Session, signon: SignOn) -> list[Correction]:
    """Every correction the signer asked for, newest first."""
    return list(
        session.scalars(
            sa.select(Correction)
            .where(Correction.sign_on_id == signon.id)
            .order_by(Correction.created_at.desc(), Correction.id.desc())
        )
    )


def decide_correction(
    session: Session,
    correction: Correction,
    signon: SignOn,
    letter: Letter,
    *,
    apply: bool,
    actor: User,
    now: datetime | None = None,
) -> None:
    """A coordinator applies (the sign-on takes the new value) or declines a correction."""
    now = now or utcnow()
    if correction.sign_on_id != signon.id or signon.letter_id != letter.id:
        raise DomainError("This correction belongs to another sign-on.")
    if correction.status != CorrectionStatus.ASKED:
        raise DomainError("This correction was decided already.")
    review.check_collecting(letter)
    if apply:
        _check_before_delivery(session, signon)
        if correction.field == Field.LISTED:
            signon.listed = correction.new_value == "list"
        else:
            setattr(signon, correction.field.value, correction.new_value)
        signon.updated_at = now
    correction.status = CorrectionStatus.APPLIED if apply else CorrectionStatus.DECLINED
    correction.decided_at, correction.decided_by_id = now, actor.id
    session.flush()
    record(session, actor, "signon.correction_applied" if apply else "signon.correction_declined",
           "sign_on", signon.id, field=correction.field.value, old=correction.old_value,
           new=correction.new_value)  # fmt: skip


def waiting_count(session: Session, signon: SignOn) -> int:
    """Corrections the signer asked for that no coordinator decided yet."""
    return int(
        session.scalar(
            sa.select(sa.func.count(Correction.id)).where(
                Correction.sign_on_id == signon.id, Correction.status == CorrectionStatus.ASKED
            )
        )
        or 0
    )


def withdraw(
    session: Session, signon: SignOn, letter: Letter, *, now: datetime | None = None
) -> date:
    """The signer withdraws their organization, today (the coordinators' calendar).

    Before delivery it leaves the count at once; after delivery it is recorded with its
    date, and the next addendum lists it under "withdrawn since"."""
    now = now or utcnow()
    _check_active(signon, letter)
    today = letter_today(letter)
    delivered = delivered_on(session, signon.id)
    # the coordinators' own rule (transitions, frozen letters, what delivery allows)
    review.withdraw(session, signon, letter, asked_on=today, actor=None, now=now)
    record(session, None, "signon.manage.withdraw", "sign_on", signon.id, letter_id=letter.id,
           withdrawn_on=today.isoformat(),
           delivered_on=delivered.isoformat() if delivered else "")  # fmt: skip
    return today


def add_contact(
    session: Session,
    signon: SignOn,
    letter: Letter,
    *,
    name: str,
    title: str,
    email: str,
    link_for,
    now: datetime | None = None,
) -> SignOnClaim:
    """Another contact of the organization, named by its signer: they get a link to
    confirm their own address, and only then join the directory as a contact (the
    second-signer flow of ``signons.claims``, decided at once: the signer stays)."""
    now = now or utcnow()
    _check_active(signon, letter)
    email = (email or "").strip()
    if email.casefold() == signon.signer_email.strip().casefold():
        raise DomainError("That is your own address: give the other contact's.", field="email")
    token = secrets.token_urlsafe(32)
    claim = SignOnClaim(
        sign_on_id=signon.id,
        org_name=signon.org_name,
        signer_name=" ".join(name.split()),
        signer_title=" ".join(title.split()),
        signer_email=email,
        listed=signon.listed,
        token_hash=notify.hash_token(token),
        token_expires_at=now + notify.TOKEN_LIFETIME,
        created_at=now,
        added_by_signer=True,
    )
    session.add(claim)
    session.flush()
    notify.mail(session, claim, letter, "signon_contact_added", "confirm", link_for(signon, token),
                signer_name=signon.signer_name)  # fmt: skip
    record(session, None, "signon.manage.contact", "sign_on", signon.id, letter_id=letter.id,
           claim_id=claim.id, email=email)  # fmt: skip
    return claim


def request_link(
    session: Session, letter: Letter, email: str, *, link_for, now: datetime | None = None
) -> bool:
    """Mail a fresh manage link to ``email`` if it signed ``letter`` (confirmed, whatever
    happened since); False, and nothing sent, otherwise. The page answers the same."""
    email = (email or "").strip()
    if not email or not is_open(letter):
        return False
    signon = session.scalar(
        sa.select(SignOn)
        .where(
            SignOn.letter_id == letter.id,
            sa.func.lower(SignOn.signer_email) == email.lower(),
            SignOn.confirmed_at.is_not(None),
            SignOn.status != SignOnStatus.MERGED,
        )
        .order_by(SignOn.id)
        .limit(1)
    )
    if signon is None:
        return False
    token = issue_link(session, signon, now)
    notify.mail(session, signon, letter, "signon_manage_link", "notice", link_for(signon, token))
    record(session, None, "signon.manage.link_requested", "sign_on", signon.id)
    return True


def on_signon_confirmed(
    session: Session, *, signon: SignOn, letter: Letter, by_link: bool = False, **_: object
) -> None:
    """The receiver of ``signons.signals.signon_confirmed``: a signer who confirmed from
    their email gets a second one, "your sign-on is confirmed", with their manage link."""
    if not by_link or not signon.signer_email:
        return
    from campaign.manage.links import manage_url

    token = issue_link(session, signon)
    notify.mail(session, signon, letter, "signon_confirmed", "notice", manage_url(letter, token))
