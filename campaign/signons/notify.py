"""The emails a signer gets and the confirmation links in them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from campaign.campaigns.coalition import Coalition, coalition_of
from campaign.i18n import force_locale
from campaign.i18n import lazy_gettext as _l
from campaign.letters.languages import title_in
from campaign.letters.models import Letter, PublicLetter
from campaign.mail import services as outbox
from campaign.signons.models import SignOn, SignOnClaim, SignOnLink

TOKEN_LIFETIME = timedelta(days=7)

# A day between two emails to a sign-on's own address prompted by someone submitting the
# form again for its organization (issue 16.2): the form is public, its mail is not.
REMIND_EVERY = timedelta(days=1)

# The only text of a signer email that the public form chooses is the organization's name
# (issue 16.6: no free text, not even the signer's name, goes to an address nobody has
# confirmed yet), cut to this length.
ORG_NAME_IN_MAIL = 120

# in the signer's language, as the rest of the email (``message``)
SUBJECTS = {
    "signon_confirm": _l("Please confirm your sign-on"),
    "signon_pending_again": _l("Please confirm your sign-on"),
    "signon_already_confirmed": _l("Your organization has already signed"),
    "signon_already_other": _l("Your organization is already on record"),
    "signon_reconfirm": _l("The letter changed: please re-confirm your sign-on"),
    "signon_second_signer": _l("Someone else also signed for your organization"),
    "signon_confirmed": _l("Your sign-on is confirmed"),
    "signon_manage_link": _l("Your link to manage your sign-on"),
    "signon_contact_added": _l("Please confirm your address"),
}


def name_in_mail(name: str) -> str:
    """The organization's name as an email quotes it: one line, at most
    :data:`ORG_NAME_IN_MAIL` characters."""
    name = " ".join((name or "").split())
    if len(name) <= ORG_NAME_IN_MAIL:
        return name
    return name[: ORG_NAME_IN_MAIL - 1].rstrip() + "…"


def hash_token(token: str) -> str:
    """The stored form of a confirmation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(signon: SignOn, now: datetime) -> str:
    """The first link token of a new ``signon`` (valid 7 days), kept in its own row."""
    token = secrets.token_urlsafe(32)
    signon.token_hash = hash_token(token)
    signon.token_expires_at = now + TOKEN_LIFETIME
    return token


def issue_link(session: Session, signon: SignOn, now: datetime) -> str:
    """One more link token for ``signon`` (valid 7 days). Links sent before it keep
    working until they expire (issue 14.5): whoever asks for a new one, be it the signer,
    someone signing again for the organization, or a coordinator, revokes nothing."""
    token = secrets.token_urlsafe(32)
    session.add(
        SignOnLink(
            sign_on_id=signon.id,
            token_hash=hash_token(token),
            expires_at=now + TOKEN_LIFETIME,
            created_at=now,
        )
    )
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
    signon: SignOn | SignOnClaim,
    letter: Letter | PublicLetter,
    template: str,
    kind: str,
    link: str | None,
    *,
    coalition: Coalition,
    to: str | None = None,
    **context: object,
) -> Message:
    """Render one of the signer emails in the signer's language (no database access: it
    can be done before writing)."""
    language = getattr(signon, "language", None) or "en"
    title = title_in(letter, language)
    with force_locale(language):
        body = outbox.render_email(
            template,
            signon=signon,
            letter=letter,
            title=title,
            link=link,
            lifetime_days=TOKEN_LIFETIME.days,
            org_name=name_in_mail(signon.org_name),
            coalition=coalition,
            **context,
        )
        subject = f"{SUBJECTS[template]}: {title}"
    return Message(
        to=to or signon.signer_email,
        subject=subject,
        body=body,
        kind=f"signon.{kind}",
        coalition=coalition,
    )


def mail(
    session: Session,
    signon: SignOn | SignOnClaim,
    letter: Letter | PublicLetter,
    template: str,
    kind: str,
    link: str | None,
    *,
    to: str | None = None,
    **context: object,
) -> None:
    """Render a signer email into the outbox (sent if the transaction commits)."""
    coalition = coalition_of(session, letter.campaign_id)
    message(signon, letter, template, kind, link, coalition=coalition, to=to, **context).enqueue(
        session
    )
