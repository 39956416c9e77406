"""Signing a letter, confirming by email, de-duplication, counts and re-confirmation."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.core.names import org_key, sort_key
from campaign.core.states import STATES
from campaign.db import utcnow
from campaign.letters.models import Letter, LetterStatus, LetterVersion
from campaign.letters.services import current_version, latest_material_number
from campaign.mail.services import enqueue_template
from campaign.signons.fuzzy import probable_duplicate
from campaign.signons.models import COUNTED, Level, SignOn, SignOnStatus
from campaign.uploads.store import UploadStore, describe, sniff

TOKEN_LIFETIME = timedelta(days=7)
LOGO_MAX_BYTES = 1024 * 1024
LOGO_KINDS = {"png", "jpeg"}

# Builds the absolute confirmation link for a sign-on and its raw token (the view
# passes url_for(..., _external=True); services never see the request).
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
    keep_informed: bool = False
    logo: bytes | None = None


@dataclass
class SignResult:
    """What happened; the page looks the same whatever it is, only the email differs."""

    outcome: str  # "new", "pending", "already"
    signon: SignOn


def hash_token(token: str) -> str:
    """The stored form of a confirmation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue_token(signon: SignOn, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    signon.token_hash = hash_token(token)
    signon.token_expires_at = now + TOKEN_LIFETIME
    return token


def check_logo(data: bytes) -> str:
    """The kind of an acceptable logo (PNG or JPEG, ≤ 1 MB, checked by content)."""
    if len(data) > LOGO_MAX_BYTES:
        raise DomainError("The logo is larger than 1 MB.", field="logo")
    kind = sniff(data)
    if kind not in LOGO_KINDS:
        raise DomainError(f"The logo must be a {describe(LOGO_KINDS)} image.", field="logo")
    return kind


def shown_version(session: Session, letter: Letter, version_id: int | None) -> LetterVersion:
    """The version the signer was shown (from the form), or the current one if unknown."""
    if version_id:
        version = session.get(LetterVersion, version_id)
        if version is not None and version.letter_id == letter.id:
            return version
    return current_version(session, letter)


def _find(session: Session, letter_id: int, state: str, key: str) -> SignOn | None:
    return session.scalar(
        sa.select(SignOn).where(
            SignOn.letter_id == letter_id, SignOn.state == state, SignOn.org_key == key
        )
    )


@dataclass(frozen=True)
class Identity:
    """What makes two sign-ons of a letter the same organization: level, state, name key."""

    level: Level
    state: str
    key: str


def normalise_identity(org_name: str, level: str, state: str) -> Identity:
    """Check and normalise level, state and name the way every way of signing on does.

    The public page, a coordinator's form and a CSV import all go through here, so
    that they agree on which organization is which.
    """
    try:
        level_ = Level(level)
    except ValueError:
        raise DomainError("Choose national, state or local.", field="level")
    state = (state or "").strip().upper()
    if level_ == Level.NATIONAL:
        state = ""
    elif state not in STATES:
        raise DomainError("Choose the state for a state or local organization.", field="state")
    key = org_key(org_name)
    if not key:
        raise DomainError("Enter the organization's name.", field="org_name")
    return Identity(level_, state, key)


def _normalise(data: SignOnInput) -> tuple[Level, str, str]:
    ident = normalise_identity(data.org_name, data.level, data.state)
    if not data.authorized:
        raise DomainError(
            "You must be authorized to sign for the organization.", field="authorized"
        )
    return ident.level, ident.state, ident.key


class DedupIndex:
    """The (id, org key) of a letter's sign-ons, per state: exact and fuzzy de-duplication.

    Loaded in one query (for one state on the public page, for every state in an
    import) and kept up to date as rows are added, so that a file naming the same
    organization twice is caught too.
    """

    def __init__(self, rows: Iterable[tuple[int, str, str]] = ()) -> None:
        self._by_state: dict[str, list[tuple[int, str]]] = {}
        self._exact: dict[tuple[str, str], int] = {}
        for row_id, state, key in rows:
            self.add(row_id, state, key)

    @classmethod
    def for_letter(cls, session: Session, letter_id: int) -> DedupIndex:
        """Every sign-on of the letter, whatever its status (merged and withdrawn included)."""
        rows = session.execute(
            sa.select(SignOn.id, SignOn.state, SignOn.org_key).where(SignOn.letter_id == letter_id)
        )
        return cls(rows)

    @classmethod
    def for_state(cls, session: Session, letter_id: int, state: str) -> DedupIndex:
        """The letter's sign-ons in one state (the public page needs no more)."""
        return cls((row_id, state, key) for row_id, key in _candidates(session, letter_id, state))

    def add(self, signon_id: int, state: str, key: str) -> None:
        """Remember a row (e.g. one just added)."""
        self._by_state.setdefault(state, []).append((signon_id, key))
        self._exact.setdefault((state, key), signon_id)

    def existing(self, ident: Identity) -> int | None:
        """The id of the sign-on of the same organization, if any."""
        return self._exact.get((ident.state, ident.key))

    def probable(self, ident: Identity) -> int | None:
        """The id of a sign-on with a similar name in the same state (to flag, never merge)."""
        return probable_duplicate(ident.key, self._by_state.get(ident.state, ()))


def insert_unique(session: Session, signon: SignOn) -> bool:
    """Add ``signon`` inside a SAVEPOINT; False when the unique constraint finds the
    organization already on the letter (a concurrent request committed it first).

    The one place a sign-on row is inserted one at a time: it is linked to the
    directory's organization and contact here (the CSV import links its batch too).
    """
    from campaign.directory.linking import link_signons

    try:
        with session.begin_nested():
            link_signons(session, [signon])
            session.add(signon)
            session.flush()
    except sa.exc.IntegrityError:
        return False
    return True


def sign_letter(
    session: Session,
    letter: Letter,
    data: SignOnInput,
    *,
    version_id: int | None,
    store: UploadStore,
    link_for: LinkFor,
    now: datetime | None = None,
) -> SignResult:
    """Record a sign-on (or recognise the organization's earlier one) and email the signer.

    The same organization (normalised name + state) never gets a second row: the
    unique constraint decides under concurrency, inside a SAVEPOINT.
    """
    now = now or utcnow()
    if not letter.accepts_signons(now):
        raise DomainError("This letter no longer accepts sign-ons.")
    level, state, key = _normalise(data)
    logo_kind = check_logo(data.logo) if data.logo else None
    version = shown_version(session, letter, version_id)
    email = data.signer_email.strip()

    # One query gives both the exact match and the fuzzy candidates (same letter and state).
    ident = Identity(level, state, key)
    index = DedupIndex.for_state(session, letter.id, state)
    existing_id = index.existing(ident)
    existing = session.get(SignOn, existing_id) if existing_id is not None else None
    if existing is None:
        signon = SignOn(
            letter_id=letter.id,
            version_id=version.id,
            org_name=" ".join(data.org_name.split()),
            org_key=key,
            probable_duplicate_of_id=index.probable(ident),
            level=level,
            state=state,
            city=data.city.strip(),
            website=data.website.strip(),
            signer_name=data.signer_name.strip(),
            signer_title=data.signer_title.strip(),
            signer_email=email,
            authorized=True,
            listed=data.listed,
            comment=data.comment.strip(),
            keep_informed=data.keep_informed,
            created_at=now,
        )
        token = _issue_token(signon, now)
        if not insert_unique(session, signon):
            # Another request for the same organization committed first.
            existing = _find(session, letter.id, state, key)
            if existing is None:
                raise DomainError("Please try again.")
        else:
            if data.logo and logo_kind:
                # Saved only now, so a refused or duplicate sign-on leaves no orphan file.
                stored = store.save(data.logo, allowed=LOGO_KINDS, max_bytes=LOGO_MAX_BYTES)
                signon.logo_sha256, signon.logo_kind = stored.sha256, stored.kind
            _mail(session, signon, letter, "signon_confirm", "confirm", link_for(signon, token))
            return SignResult("new", signon)
    return _already_signed(session, letter, existing, email, link_for, now)


def _candidates(session: Session, letter_id: int, state: str) -> list[tuple[int, str]]:
    return [
        (row_id, row_key)
        for row_id, row_key in session.execute(
            sa.select(SignOn.id, SignOn.org_key).where(
                SignOn.letter_id == letter_id, SignOn.state == state
            )
        )
    ]


def _already_signed(
    session: Session,
    letter: Letter,
    existing: SignOn,
    email: str,
    link_for: LinkFor,
    now: datetime,
) -> SignResult:
    """The organization is on record already: say so by email only, never on the page."""
    if existing.status == SignOnStatus.PENDING:
        token = _issue_token(existing, now)
        link = link_for(existing, token)
        # The link goes only to the address that first signed; a newcomer is told so.
        _mail(session, existing, letter, "signon_pending_again", "confirm", link)
        if existing.signer_email.casefold() != email.casefold():
            _mail(session, existing, letter, "signon_pending_other", "notice", None, to=email)
        existing.updated_at = now
        session.flush()
        return SignResult("pending", existing)
    template = "signon_already_confirmed" if existing.counted else "signon_already_other"
    _mail(session, existing, letter, template, "notice", None, to=email)
    return SignResult("already", existing)


def _mail(
    session: Session,
    signon: SignOn,
    letter: Letter,
    template: str,
    kind: str,
    link: str | None,
    *,
    to: str | None = None,
) -> None:
    subjects = {
        "signon_confirm": "Please confirm your sign-on",
        "signon_pending_again": "Please confirm your sign-on",
        "signon_pending_other": "Your organization's sign-on is awaiting confirmation",
        "signon_already_confirmed": "Your organization has already signed",
        "signon_already_other": "Your organization is already on record",
        "signon_reconfirm": "The letter changed: please re-confirm your sign-on",
    }
    enqueue_template(
        session,
        to=to or signon.signer_email,
        subject=f"{subjects[template]}: {letter.title}",
        template=template,
        kind=f"signon.{kind}",
        signon=signon,
        letter=letter,
        link=link,
        lifetime_days=TOKEN_LIFETIME.days,
    )


def find_by_token(session: Session, letter: Letter, token: str) -> SignOn | None:
    """The sign-on of this letter whose emailed token is ``token``."""
    if not token or len(token) > 100:
        return None
    return session.scalar(
        sa.select(SignOn).where(
            SignOn.token_hash == hash_token(token), SignOn.letter_id == letter.id
        )
    )


def token_expired(signon: SignOn, now: datetime | None = None) -> bool:
    """True when the emailed link is past its 7 days."""
    return signon.token_expires_at is None or (now or utcnow()) >= signon.token_expires_at


def needs_reconfirm(session: Session, signon: SignOn, letter: Letter) -> bool:
    """A counted sign-on whose version predates the newest material edit."""
    if signon.status not in COUNTED:
        return False
    version = session.get(LetterVersion, signon.version_id)
    return version is not None and version.number < latest_material_number(session, letter)


def confirm_signon(
    session: Session,
    signon: SignOn,
    letter: Letter,
    *,
    version_id: int | None = None,
    now: datetime | None = None,
) -> SignOn:
    """Confirm a pending sign-on, or re-confirm one on the version now shown.

    The version is updated when the signer was shown a newer text than the one
    recorded (a re-confirmation after a material edit).
    """
    now = now or utcnow()
    if letter.status not in (LetterStatus.OPEN, LetterStatus.CLOSED):
        raise DomainError("This letter can no longer be confirmed.")
    reconfirm = needs_reconfirm(session, signon, letter)
    if signon.status != SignOnStatus.PENDING and not reconfirm:
        raise DomainError("This sign-on cannot be confirmed.")
    if token_expired(signon, now):
        raise DomainError("This link has expired.")
    shown = shown_version(session, letter, version_id)
    recorded = session.get(LetterVersion, signon.version_id)
    if recorded is None or shown.number > recorded.number:
        signon.version_id = shown.id
    if signon.status == SignOnStatus.PENDING:
        signon.status = SignOnStatus.APPROVED if letter.auto_approve else SignOnStatus.CONFIRMED
    signon.confirmed_at = now
    signon.updated_at = now
    session.flush()
    record(
        session,
        None,
        "signon.reconfirm" if reconfirm else "signon.confirm",
        "sign_on",
        signon.id,
        letter_id=letter.id,
        version_id=signon.version_id,
    )
    return signon


def resend_link(
    session: Session, signon: SignOn, letter: Letter, *, link_for: LinkFor, now=None
) -> None:
    """Send a fresh link (7 more days) to the address that signed; the old link stops working."""
    now = now or utcnow()
    if letter.status not in (LetterStatus.OPEN, LetterStatus.CLOSED):
        raise DomainError("This letter can no longer be confirmed.")
    reconfirm = needs_reconfirm(session, signon, letter)
    if signon.status != SignOnStatus.PENDING and not reconfirm:
        raise DomainError("This sign-on needs no confirmation.")
    token = _issue_token(signon, now)
    template = "signon_reconfirm" if reconfirm else "signon_pending_again"
    _mail(session, signon, letter, template, "confirm", link_for(signon, token))
    session.flush()


def signed_count(session: Session, letter: Letter) -> int:
    """Confirmed and approved sign-ons (unconfirmed ones do not count)."""
    return int(
        session.scalar(
            sa.select(sa.func.count(SignOn.id)).where(
                SignOn.letter_id == letter.id, SignOn.status.in_(COUNTED)
            )
        )
        or 0
    )


def counts_by_letter(session: Session, letter_ids: list[int]) -> dict[int, int]:
    """Counted sign-ons per letter, in one query."""
    if not letter_ids:
        return {}
    rows = session.execute(
        sa.select(SignOn.letter_id, sa.func.count(SignOn.id))
        .where(SignOn.letter_id.in_(letter_ids), SignOn.status.in_(COUNTED))
        .group_by(SignOn.letter_id)
    )
    return {letter_id: n for letter_id, n in rows}


def version_counts(session: Session, letter: Letter) -> dict[int, int]:
    """Counted sign-ons per version id."""
    rows = session.execute(
        sa.select(SignOn.version_id, sa.func.count(SignOn.id))
        .where(SignOn.letter_id == letter.id, SignOn.status.in_(COUNTED))
        .group_by(SignOn.version_id)
    )
    return {version_id: n for version_id, n in rows}


def signatories(session: Session, letter: Letter) -> dict[Level, list[SignOn]]:
    """Approved sign-ons listed by name, grouped by level, A–Z (state, then name)."""
    rows = session.scalars(
        sa.select(SignOn).where(
            SignOn.letter_id == letter.id,
            SignOn.status == SignOnStatus.APPROVED,
            SignOn.listed.is_(True),
        )
    ).all()
    grouped: dict[Level, list[SignOn]] = {level: [] for level in Level}
    for row in sorted(rows, key=lambda s: (s.state, sort_key(s.org_name))):
        grouped[row.level].append(row)
    return grouped


def needing_reconfirm(session: Session, letter: Letter) -> list[SignOn]:
    """Counted sign-ons made on a version older than the newest material edit."""
    latest = latest_material_number(session, letter)
    if not latest:
        return []
    return list(
        session.scalars(
            sa.select(SignOn)
            .join(LetterVersion, LetterVersion.id == SignOn.version_id)
            .where(
                SignOn.letter_id == letter.id,
                SignOn.status.in_(COUNTED),
                LetterVersion.number < latest,
            )
            .options(joinedload(SignOn.version))
            .order_by(SignOn.org_name)
        ).unique()
    )


def request_reconfirm(
    session: Session, letter: Letter, *, link_for: LinkFor, actor: User, now=None
) -> int:
    """Email a re-confirm link to every signer who needs one; returns how many."""
    now = now or utcnow()
    if letter.status not in (LetterStatus.OPEN, LetterStatus.CLOSED):
        raise DomainError("Re-confirmation is possible only while the letter is open or closed.")
    rows = needing_reconfirm(session, letter)
    for signon in rows:
        token = _issue_token(signon, now)
        _mail(session, signon, letter, "signon_reconfirm", "confirm", link_for(signon, token))
    session.flush()
    record(session, actor, "letter.reconfirm_request", "letter", letter.id, count=len(rows))
    return len(rows)


def status_counts(session: Session, letter: Letter) -> dict[SignOnStatus, int]:
    """Every sign-on of the letter by status (all statuses present, zero or not), one query."""
    out = {status: 0 for status in SignOnStatus}
    for status, n in session.execute(
        sa.select(SignOn.status, sa.func.count())
        .where(SignOn.letter_id == letter.id)
        .group_by(SignOn.status)
    ):
        out[SignOnStatus(status)] = n
    return out
