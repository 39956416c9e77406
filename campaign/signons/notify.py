"""The emails a signer gets and the confirmation links in them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from campaign.campaigns.coalition import Coalition, coalition_of
from campaign.letters.models import Letter, PublicLetter
from campaign.mail import services as outbox
from campaign.signons.models import SignOn

TOKEN_LIFETIME = timedelta(days=7)

SUBJECTS = {
    "signon_confirm": "Please confirm your sign-on",
    "signon_pending_again": "Please confirm your sign-on",
    "signon_pending_other": "Your organization's sign-on is awaiting confirmation",
    "signon_already_confirmed": "Your organization has already signed",
    "signon_already_other": "Your organization is already on record",
    "signon_reconfirm": "The letter changed: please re-confirm your sign-on",
}


def hash_token(token: str) -> str:
    """The stored form of a confirmation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(signon: SignOn, now: datetime) -> str:
    """A fresh link token for ``signon`` (valid 7 days; the previous one stops working)."""
    token = secrets.token_urlsafe(32)
    signon.token_hash = hash_token(token)
    signon.token_expires_at = now + TOKEN_LIFETIME
    return token


@dataclass(frozen=True)
class Message:
    """A rendered email to a signer, ready for the outbox."""

    to: str
    subject: str
    body: str
    kind: str
    coalition: Coalition  # it comes from the coalition's name and answers to its contact

    def _columns(self) -> dict:
        return {
            "to": self.to,
            "subject": self.subject,
            "body_text": self.body,
            "kind": self.kind,
            **self.coalition.mail_identity(),
        }

    def enqueue(self, session: Session) -> None:
        """Put it in the outbox (sent if the transaction commits)."""
        outbox.insert(session, **self._columns())

    def outbox_row(self) -> dict:
        """Its row in the outbox, for an INSERT of one's own."""
        return outbox.row(**self._columns())


def message(
    signon: SignOn,
    letter: Letter | PublicLetter,
    template: str,
    kind: str,
    link: str | None,
    *,
    coalition: Coalition,
    to: str | None = None,
) -> Message:
    """Render one of the signer emails (no database access: it can be done before writing)."""
    body = outbox.render_email(
        template,
        signon=signon,
        letter=letter,
        link=link,
        lifetime_days=TOKEN_LIFETIME.days,
        coalition=coalition,
    )
    return Message(
        to=to or signon.signer_email,
        subject=f"{SUBJECTS[template]}: {letter.title}",
        body=body,
        kind=f"signon.{kind}",
        coalition=coalition,
    )


def mail(
    session: Session,
    signon: SignOn,
    letter: Letter | PublicLetter,
    template: str,
    kind: str,
    link: str | None,
    *,
    to: str | None = None,
) -> None:
    """Render a signer email into the outbox (sent if the transaction commits)."""
    coalition = coalition_of(session, letter.campaign_id)
    message(signon, letter, template, kind, link, coalition=coalition, to=to).enqueue(session)
