"""Sending the letter to its targets at release, as "Send by email" does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.coalition import coalition_of
from campaign.core.errors import DomainError
from campaign.letters.embargo import LetterEmbargo
from campaign.letters.models import Letter, LetterStatus
from campaign.sending.letters import default_cover, letter_targets, send_letter_by_email
from campaign.targets.services import targets_by_ids
from campaign.uploads.store import UploadStore


def deliver_at_release(
    session: Session,
    letter: Letter,
    embargo: LetterEmbargo,
    *,
    static_dir: Path | str,
    store: UploadStore,
    now: datetime,
) -> str:
    """Freeze and email the letter to its targets (the release's date, the default subject
    and cover), as the coordinator who scheduled it. What happened, as a line for the
    letter's page; a refusal never stops the release (it is recorded and said instead)."""
    actor = session.get(User, embargo.deliver_as_id) if embargo.deliver_as_id else None
    if letter.status == LetterStatus.SENT:
        return "Not sent at release: the letter had been delivered already."
    if actor is None or not actor.active:
        return "Not sent at release: the coordinator who scheduled it no longer has an account."
    targets = targets_by_ids(session, letter_targets(session, letter))
    coalition = coalition_of(session, letter.campaign_id)
    try:
        with session.begin_nested():
            delivery, rows, _recipients = send_letter_by_email(
                session, letter, targets,
                subject=f"Letter from {coalition.name}: {letter.title}"[:300],
                cover=default_cover(session, letter, None),
                sent_on=now.astimezone(embargo.release_local.tzinfo).date(),
                static_dir=static_dir, store=store, actor=actor,
            )  # fmt: skip
    except DomainError as err:
        record(session, None, "embargo.delivery_failed", "letter", letter.id, error=err.message)
        return f"Not sent at release: {err.message}"
    return f"Emailed at release to {len(rows)} address(es) (delivery {delivery.id})."
