"""Signing a letter on the public page: checks and look-ups first, then a short write.

``prepare`` does everything that needs no write (normalising, the logo check, the
version shown, rendering the confirmation email); ``record`` then writes the pending
row and its email. On SQLite the view runs ``prepare`` outside the write lock, so that
concurrent signers queue only for the few INSERTs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.campaigns.coalition import coalition_of
from campaign.core.errors import DomainError
from campaign.db import reads, utcnow
from campaign.i18n import gettext as _
from campaign.letters.embargo import EmbargoNotice, LetterEmbargo, notice_for
from campaign.letters.models import Letter, LetterVersion, PublicLetter
from campaign.letters.services import current_version
from campaign.signons import notify
from campaign.signons.dedup import Identity, find, normalise_identity
from campaign.signons.inserts import insert_pending
from campaign.signons.models import Authority, SignOn, SignOnClaim, SignOnStatus
from campaign.uploads.store import UploadStore, describe, sniff

LOGO_MAX_BYTES = 1024 * 1024
LOGO_KINDS = {"png", "jpeg"}

# Builds the absolute confirmation link for a sign-on and its raw token (the view
# passes core.urls.external_url, on CAMPAIGN_BASE_URL; services never see the request).
LinkFor = Callable[[SignOn, str], str]


@dataclass
class SignOnInput:
    """What the signer typed on the public form (already length-checked by the form)."""

    org_name: str
    level: str
    state: str
    city: str
    website: str
    signer_name: str
    signer_title: str
    signer_email: str
    authorized: bool
    listed: bool
    comment: str = ""
    # on what authority (``models.Authority`` values); None where nobody asked (the API)
    authority: str | None = None
    authority_other: str = ""
    keep_informed: bool = False
    logo: bytes | None = None
    language: str = "en"  # the page's: every email to this signer is written in it


@dataclass
class SignResult:
    """What happened; the page looks the same whatever it is, only the email differs."""

    outcome: str  # "new", "pending", "already"
    signon_id: int


@dataclass
class Prepared:
    """A checked sign-on, ready to be written."""

    letter: Letter | PublicLetter
    ident: Identity
    email: str
    signon: SignOn  # not yet in the session
    confirm: notify.Message  # the email for a new sign-on
    logo: bytes | None


def check_logo(data: bytes) -> str:
    """The kind of an acceptable logo (PNG or JPEG, ≤ 1 MB, checked by content)."""
    if len(data) > LOGO_MAX_BYTES:
        raise DomainError(_("The logo is larger than 1 MB."), field="logo")
    kind = sniff(data)
    if kind not in LOGO_KINDS:
        raise DomainError(
            _("The logo must be a %(kinds)s image.", kinds=describe(LOGO_KINDS)), field="logo"
        )
    return kind


_VERSIONS = LetterVersion.__table__
_VERSION_OF_LETTER = sa.select(_VERSIONS.c.id).where(
    _VERSIONS.c.id == sa.bindparam("version_id"), _VERSIONS.c.letter_id == sa.bindparam("letter_id")
)


def shown_version_id(session: Session, letter: Letter, version_id: int | None) -> int:
    """The id of the version the signer was shown (from the form), or of the current one
    if that is unknown or another letter's."""
    if version_id:
        params = {"version_id": version_id, "letter_id": letter.id}
        found = session.connection().execute(_VERSION_OF_LETTER, params).scalar()
        if found is not None:
            return found
    return current_version(session, letter).id


_LETTERS = Letter.__table__
_EMBARGOES = LetterEmbargo.__table__
_LETTER_WITH_VERSION = (
    sa.select(
        _LETTERS.c.id,
        _LETTERS.c.slug,
        _LETTERS.c.title,
        _LETTERS.c.status,
        _LETTERS.c.deadline_at,
        _LETTERS.c.keeps_collecting,
        _LETTERS.c.campaign_id,
        _EMBARGOES.c.release_at,
        _EMBARGOES.c.release_tz,
        _LETTERS.c.title_es,
        _VERSIONS.c.id.label("version_id"),
    )
    .select_from(
        _LETTERS.outerjoin(
            _VERSIONS,
            sa.and_(
                _VERSIONS.c.letter_id == _LETTERS.c.id,
                _VERSIONS.c.id == sa.bindparam("version_id"),
            ),
        )
        # an embargo in force: the confirmation email tells the signer of it
        .outerjoin(
            _EMBARGOES,
            sa.and_(
                _EMBARGOES.c.letter_id == _LETTERS.c.id,
                _EMBARGOES.c.released_at.is_(None),
                _EMBARGOES.c.cancelled_at.is_(None),
            ),
        )
    )
    .where(_LETTERS.c.slug == sa.bindparam("slug"))
)


def letter_and_version(
    session: Session, slug: str, version_id: int | None
) -> tuple[PublicLetter | None, int | None]:
    """The letter with this public slug, and ``version_id`` if it is one of the letter's
    versions (else None): the two look-ups of a sign-on in one light query."""
    params = {"slug": slug, "version_id": version_id}
    with reads(session) as conn:
        row = conn.execute(_LETTER_WITH_VERSION, params).first()
    if row is None:
        return None, None
    *fields, shown = row
    return PublicLetter(*fields), shown


def shown_version(session: Session, letter: Letter, version_id: int | None) -> LetterVersion:
    """The version itself (see ``shown_version_id``)."""
    return session.get(LetterVersion, shown_version_id(session, letter, version_id))


def _embargo(session: Session, letter: Letter | PublicLetter) -> EmbargoNotice | None:
    """The embargo in force, as the confirmation email tells it (the public page's letter
    carries it already: no query on the busiest request)."""
    if isinstance(letter, PublicLetter):
        if letter.embargo_release_at is None or letter.embargo_tz is None:
            return None
        return EmbargoNotice(letter.embargo_release_at, letter.embargo_tz)
    return notice_for(session, letter.id)


def prepare(
    session: Session,
    letter: Letter | PublicLetter,
    data: SignOnInput,
    *,
    version_id: int | None,
    link_for: LinkFor,
    now: datetime | None = None,
) -> Prepared:
    """Check the input and look up what the write needs; writes nothing.

    ``version_id`` is the version the signer was shown, known to be the letter's
    (``letter_and_version``); None means the current one.
    """
    now = now or utcnow()
    if not letter.accepts_signons(now):
        raise DomainError(_("This letter no longer accepts sign-ons."))
    ident = normalise_identity(data.org_name, data.level, data.state)
    if not data.authorized:
        raise DomainError(
            _("You must be authorized to sign for the organization."), field="authorized"
        )
    authority = _authority(data.authority, data.authority_other)
    if data.logo:
        check_logo(data.logo)
    if version_id is None:
        version_id = current_version(session, letter).id
    email = data.signer_email.strip()
    signon = SignOn(
        letter_id=letter.id,
        version_id=version_id,
        org_name=" ".join(data.org_name.split()),
        org_key=ident.key,
        level=ident.level,
        state=ident.state,
        city=data.city.strip(),
        website=data.website.strip(),
        signer_name=data.signer_name.strip(),
        signer_title=data.signer_title.strip(),
        signer_email=email,
        authorized=True,
        authority=authority,
        authority_other=(data.authority_other or "").strip()[:200]
        if authority == Authority.OTHER
        else "",
        listed=data.listed,
        comment=data.comment.strip(),
        keep_informed=data.keep_informed,
        language=data.language,
        status=SignOnStatus.PENDING,
        created_at=now,
        # set here, not by the column's default: PostgreSQL's one-statement INSERT
        # (``inserts.insert_pending``) writes only the columns given
        updated_at=now,
    )
    token = notify.issue_token(signon, now)
    coalition = coalition_of(session, letter.campaign_id)
    confirm = notify.message(
        signon, letter, "signon_confirm", "confirm", link_for(signon, token),
        coalition=coalition, embargo=_embargo(session, letter),
    )  # fmt: skip
    return Prepared(letter, ident, email, signon, confirm, data.logo)


def _authority(value: str | None, other: str) -> Authority | None:
    """The authority chosen, checked (the form checks it too; the API may omit it)."""
    if not value:
        return None
    try:
        authority = Authority(value)
    except ValueError:
        raise DomainError("Choose on what authority you sign.", field="authority")
    if authority == Authority.OTHER and not (other or "").strip():
        raise DomainError("Say on what authority you sign.", field="authority_other")
    return authority


def record(
    session: Session,
    prepared: Prepared,
    *,
    store: UploadStore,
    link_for: LinkFor,
    now: datetime | None = None,
    email: bool = True,
) -> SignResult:
    """Write the sign-on (or recognise the organization's earlier one) and email the signer
    (``email`` False: a new sign-on gets no confirmation email, as one a coordinator
    confirms at once through the API; the row then joins the caller's transaction).

    The same organization (normalised name + state) never gets a second row: the
    unique constraint decides, even between concurrent requests. The row is pending:
    it joins the directory and is compared with similar names when the signer confirms
    (``services.confirm_signon``), so that an address nobody confirms adds nothing there.
    """
    now = now or utcnow()
    letter, ident, signon = prepared.letter, prepared.ident, prepared.signon
    # with a logo, the UPDATE below must share the INSERT's transaction
    new_id = insert_pending(
        session,
        signon,
        prepared.confirm if email else None,
        alone=email and not prepared.logo,
    )
    if new_id is None:  # the organization is on the letter already
        existing = find(session, letter.id, ident.state, ident.key)
        if existing is None:
            raise DomainError(_("Please try again."))
        return _already_signed(session, letter, existing, prepared, link_for, now)
    if prepared.logo:
        # Saved only now, so a refused or duplicate sign-on leaves no orphan file.
        stored = store.save(prepared.logo, allowed=LOGO_KINDS, max_bytes=LOGO_MAX_BYTES)
        session.execute(
            sa.update(SignOn)
            .where(SignOn.id == new_id)
            .values(logo_sha256=stored.sha256, logo_kind=stored.kind)
        )
    return SignResult("new", new_id)


def _already_signed(
    session: Session,
    letter: Letter | PublicLetter,
    existing: SignOn,
    prepared: Prepared,
    link_for: LinkFor,
    now: datetime,
) -> SignResult:
    """The organization is on the letter already. Neither the page nor any email to the
    address typed tells so (issue 16.2): another address gets the email every new signer
    gets, its link confirming a *second signer* (``SignOnClaim``), recorded only once
    confirmed. The sign-on's own address hears of it at most once a day: a pending one
    gets one more link (earlier ones still work), a counted one that it signed already.
    """
    own = existing.signer_email.strip().casefold() == prepared.email.casefold()
    if not own:
        claim = SignOnClaim(
            sign_on_id=existing.id,
            org_name=prepared.signon.org_name,
            signer_name=prepared.signon.signer_name,
            signer_title=prepared.signon.signer_title,
            signer_email=prepared.email,
            listed=prepared.signon.listed,
            language=prepared.signon.language,
            # the token of the email rendered for a new sign-on: the very same email
            token_hash=prepared.signon.token_hash,
            token_expires_at=prepared.signon.token_expires_at,
            created_at=now,
        )
        session.add(claim)
        prepared.confirm.enqueue(session)
    if (existing.status == SignOnStatus.PENDING or own) and _may_remind(session, existing, now):
        if existing.status == SignOnStatus.PENDING:
            link = link_for(existing, notify.issue_link(session, existing, now))
            notify.mail(session, existing, letter, "signon_pending_again", "confirm", link)
        else:
            template = "signon_already_confirmed" if existing.counted else "signon_already_other"
            notify.mail(session, existing, letter, template, "notice", None)
    session.flush()
    return SignResult(
        "pending" if existing.status == SignOnStatus.PENDING else "already", existing.id
    )


def _may_remind(session: Session, signon: SignOn, now: datetime) -> bool:
    """Take the day's one reminder for ``signon``: True unless one went less than a day
    ago. One conditional UPDATE, so that concurrent submissions (several app servers)
    send one between them."""
    taken = session.execute(
        sa.update(SignOn)
        .where(
            SignOn.id == signon.id,
            sa.or_(SignOn.reminded_at.is_(None), SignOn.reminded_at <= now - notify.REMIND_EVERY),
        )
        .values(reminded_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1
