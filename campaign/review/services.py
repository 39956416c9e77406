"""Coordinator actions on sign-ons: approve, reject, merge, rename, withdraw.

Every action checks ``TRANSITIONS``, flushes, and writes one audit event per
sign-on it changes. Nothing here commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import Conflict, DomainError
from campaign.core.names import org_key
from campaign.db import utcnow
from campaign.delivery.addenda import delivered_on
from campaign.letters.models import Letter, LetterStatus
from campaign.printing.pdf import long_date
from campaign.signons import consent
from campaign.signons.models import SignOn, SignOnStatus
from campaign.signons.signals import signon_renamed, signon_reviewed

S = SignOnStatus
# Which status a coordinator may move a sign-on to. Pending ones are approved only
# after the signer confirms (or by adding them by hand); withdrawn and merged are final.
TRANSITIONS: dict[SignOnStatus, frozenset[SignOnStatus]] = {
    S.PENDING: frozenset({S.REJECTED, S.WITHDRAWN, S.MERGED}),
    S.CONFIRMED: frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN, S.MERGED}),
    S.APPROVED: frozenset({S.REJECTED, S.WITHDRAWN, S.MERGED}),
    S.REJECTED: frozenset({S.APPROVED, S.WITHDRAWN, S.MERGED}),
    S.WITHDRAWN: frozenset(),
    S.MERGED: frozenset(),
}
_VERB = {
    S.APPROVED: "approved",
    S.REJECTED: "rejected",
    S.WITHDRAWN: "marked withdrawn",
    S.MERGED: "merged",
}


def _decided(
    session: Session, signon: SignOn, new: SignOnStatus, original: SignOn | None = None
) -> None:
    # the directory keeps or drops what the sign-on brought in (directory.upkeep)
    signon_reviewed.send(session, signon=signon, status=new, original=original)


def can_move(signon: SignOn, new: SignOnStatus) -> bool:
    """True when ``TRANSITIONS`` allows it (and an approval has a confirmation behind it)."""
    if new not in TRANSITIONS[signon.status]:
        return False
    return not (new == S.APPROVED and signon.confirmed_at is None)


def check_collecting(letter: Letter) -> None:
    """Refuse changes to the sign-ons of a letter sent and no longer collecting (frozen).

    A sent letter that keeps collecting takes, confirms and reviews sign-ons as before
    its delivery: they go in the next addendum, the delivery itself is frozen apart.
    """
    if letter.signons_frozen:
        raise DomainError(
            "The letter has been sent and no longer collects sign-ons: its sign-ons can no "
            "longer change."
        )


def _move(
    session: Session, signon: SignOn, letter: Letter, new: SignOnStatus, now: datetime
) -> SignOnStatus:
    check_collecting(letter)
    if signon.letter_id != letter.id:
        raise DomainError("This sign-on belongs to another letter.")
    if new not in TRANSITIONS[signon.status]:
        raise DomainError(f"A {signon.status.value} sign-on cannot be {_VERB[new]}.")
    if new == S.APPROVED and signon.confirmed_at is None:
        raise DomainError("This sign-on was never confirmed, so it cannot be approved.")
    if new == S.APPROVED and letter.requires_verification and signon.verification is None:
        raise DomainError(
            f"This letter requires verification: “{signon.org_name}” is not verified, so it "
            "cannot be approved. Record how you verified it first."
        )
    if new == S.APPROVED and not consent.has_agreed(session, signon):
        raise consent.reconsent_needed(session, signon, letter)
    if new != S.WITHDRAWN and letter.status == LetterStatus.SENT:
        # what was delivered stays delivered: an organization may still withdraw (the
        # next addendum says so), but it is not rejected or merged away afterwards
        sent_on = delivered_on(session, signon.id)
        if sent_on is not None:
            raise DomainError(
                f"“{signon.org_name}” was delivered on {long_date(sent_on)}: it can only be "
                "marked withdrawn (or its name corrected)."
            )
    old = signon.status
    signon.status = new
    signon.reviewed_at = signon.updated_at = now
    return old


def approve(session: Session, signon: SignOn, letter: Letter, *, actor: User, now=None) -> SignOn:
    """Approve a confirmed (or earlier rejected) sign-on: it will be printed if listed."""
    now = now or utcnow()
    old = _move(session, signon, letter, S.APPROVED, now)
    signon.rejection_reason = ""
    session.flush()
    _decided(session, signon, S.APPROVED)
    record(session, actor, "signon.approve", "sign_on", signon.id, old=old.value)
    return signon


def reject(
    session: Session, signon: SignOn, letter: Letter, *, reason: str, actor: User, now=None
) -> SignOn:
    """Reject a sign-on, saying why (the reason stays with it and in the audit log)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the sign-on is rejected.", field="reason")
    now = now or utcnow()
    old = _move(session, signon, letter, S.REJECTED, now)
    signon.rejection_reason = reason
    session.flush()
    _decided(session, signon, S.REJECTED)
    record(session, actor, "signon.reject", "sign_on", signon.id, old=old.value, reason=reason)
    return signon


def withdraw(
    session: Session, signon: SignOn, letter: Letter, *, asked_on: date, actor: User, now=None
) -> SignOn:
    """Take a sign-on off the letter on the organization's request (``asked_on``)."""
    now = now or utcnow()
    if asked_on is None:
        raise DomainError("Give the date the organization asked.", field="asked_on")
    # A day of slack: "today" in Hawaii can be tomorrow in UTC.
    if asked_on > (now + timedelta(days=1)).date():
        raise DomainError("The date cannot be in the future.", field="asked_on")
    old = _move(session, signon, letter, S.WITHDRAWN, now)
    signon.withdrawn_on = asked_on
    session.flush()
    _decided(session, signon, S.WITHDRAWN)
    record(
        session,
        actor,
        "signon.withdraw",
        "sign_on",
        signon.id,
        old=old.value,
        asked_on=asked_on.isoformat(),
    )
    return signon


def merge(
    session: Session, duplicate: SignOn, original: SignOn, letter: Letter, *, actor: User, now=None
) -> SignOn:
    """Merge a duplicate into the original: it leaves the counts, its row and history stay."""
    now = now or utcnow()
    if original.letter_id != letter.id or original.id == duplicate.id:
        raise DomainError("Choose another sign-on of this letter to merge into.", field="into")
    if original.status == S.MERGED:
        raise DomainError("That sign-on was itself merged; merge into its original.", field="into")
    old = _move(session, duplicate, letter, S.MERGED, now)
    duplicate.merged_into_id = original.id
    # Sign-ons merged earlier into this duplicate now point at the original.
    session.execute(
        sa.update(SignOn)
        .where(SignOn.merged_into_id == duplicate.id, SignOn.id != duplicate.id)
        .values(merged_into_id=original.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    _decided(session, duplicate, S.MERGED, original)
    record(
        session,
        actor,
        "signon.merge",
        "sign_on",
        duplicate.id,
        old=old.value,
        into=original.id,
        into_name=original.org_name,
    )
    return duplicate


def _same_org(session: Session, signon: SignOn, key: str) -> SignOn | None:
    return session.scalar(
        sa.select(SignOn).where(
            SignOn.letter_id == signon.letter_id,
            SignOn.state == signon.state,
            SignOn.org_key == key,
            SignOn.id != signon.id,
        )
    )


def rename(
    session: Session, signon: SignOn, letter: Letter, *, name: str, actor: User, now=None
) -> SignOn:
    """Correct an organization's display name; its de-dup key follows the new name.

    The key must follow, or a later sign-on under the corrected name would not be
    recognised as the same organization. When the new key is another sign-on's in
    the same state, the two are the same organization: merging is the remedy.
    """
    check_collecting(letter)
    new = " ".join((name or "").split())
    key = org_key(new)
    if not key:
        raise DomainError("Enter the organization's name.", field="org_name")
    if len(new) > 300:
        raise DomainError("The name is longer than 300 characters.", field="org_name")
    if new == signon.org_name:
        raise DomainError("The name is unchanged.", field="org_name")

    def clash(other: SignOn) -> Conflict:
        return Conflict(
            f"“{other.org_name}” (sign-on #{other.id}) is already on this letter under that "
            "name in the same state. Merge the two sign-ons instead of renaming.",
            field="org_name",
        )

    old_name, old_key = signon.org_name, signon.org_key
    if key != old_key and (other := _same_org(session, signon, key)) is not None:
        raise clash(other)
    try:
        with session.begin_nested():
            signon.org_name, signon.org_key = new, key
            signon.updated_at = now or utcnow()
            session.flush()
    except sa.exc.IntegrityError:
        # A concurrent sign-on took the key between the check and the update.
        signon.org_name, signon.org_key = old_name, old_key
        other = _same_org(session, signon, key)
        raise clash(other) if other else Conflict("Please try again.", field="org_name")
    signon_renamed.send(session, signon=signon, old_name=old_name)
    record(
        session,
        actor,
        "signon.rename",
        "sign_on",
        signon.id,
        as_written=old_name,
        new=new,
        key_changed=key != old_key,
    )
    return signon


def already_on_letter(existing: SignOn | None) -> Conflict:
    """The error for an organization that has signed the letter already."""
    if existing is None:
        return Conflict("This organization is already on the letter.", field="org_name")
    return Conflict(
        f"This organization is already on the letter: “{existing.org_name}” "
        f"(sign-on #{existing.id}, {existing.status.value}).",
        field="org_name",
    )
