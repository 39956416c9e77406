"""The printable snapshot of a letter, built from the database in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.campaigns.coalition import coalition_of
from campaign.db import utcnow
from campaign.delivery.models import LetterDeliverySignOn, LetterPrintOptions
from campaign.letters.languages import text_in
from campaign.letters.models import Letter, LetterVersion
from campaign.printing import LetterSnapshot, Signatory, Withdrawal
from campaign.printing.snapshot import SecondText
from campaign.signons.consent import printed
from campaign.signons.models import SignOn, SignOnStatus

# Printed by name when listed, counted in N either way: approved, and agreed to the
# current text (``signons.consent``). Confirmed sign-ons still wait for a coordinator's
# approval (unless the letter approves automatically), so they are not printed yet: the
# letter carries exactly the list a coordinator approved, under text its signers agreed to.


@dataclass(frozen=True)
class PreparedSnapshot:
    """A snapshot with what it was made from: the version, the sign-ons in its list and,
    for an addendum, those reported as withdrawn since an earlier delivery."""

    snapshot: LetterSnapshot
    version: LetterVersion
    sign_on_ids: tuple[int, ...]
    withdrawn_ids: tuple[int, ...] = ()


def _delivered(*, withdrawn: bool) -> sa.Exists:
    """The sign-on is in a delivery of the letter: as a signatory, or reported withdrawn."""
    return sa.exists().where(
        LetterDeliverySignOn.sign_on_id == SignOn.id,
        LetterDeliverySignOn.withdrawn.is_(withdrawn),
    )


def late_signons(letter_id: int) -> sa.Select:
    """Approved sign-ons of the letter that no delivery held yet (the next addendum's)."""
    return sa.select(SignOn.id).where(printed(letter_id), ~_delivered(withdrawn=False))


def withdrawn_since(letter_id: int) -> sa.Select:
    """Sign-ons delivered earlier that withdrew since and no addendum reported yet."""
    return sa.select(SignOn.id).where(
        SignOn.letter_id == letter_id,
        SignOn.status == SignOnStatus.WITHDRAWN,
        _delivered(withdrawn=False),
        ~_delivered(withdrawn=True),
    )


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
            languages="en",
        )
    return options


def prepare_snapshot(
    session: Session,
    letter: Letter,
    *,
    on: date | None = None,
    late_only: bool = False,
    list_heading: str = "",
    withdrawals_heading: str = "",
) -> PreparedSnapshot:
    """The letter as it would print today (or dated ``on``), in four queries.

    ``late_only``: only approved sign-ons that no earlier delivery of this letter held,
    printed as a list-only addendum under ``list_heading``, and in a section of their own
    (under ``withdrawals_heading``, one more query) those delivered earlier that withdrew
    since.
    """
    options = print_options(session, letter)  # 1 query (or none when already loaded)
    version = session.scalars(  # 2
        sa.select(LetterVersion)
        .where(LetterVersion.letter_id == letter.id)
        .order_by(LetterVersion.number.desc())
        .limit(1)
    ).one()
    query = _ROW.where(printed(letter.id))
    if late_only:
        query = query.where(SignOn.id.in_(late_signons(letter.id)))
    rows = session.execute(query.order_by(SignOn.id)).all()  # 3
    # verification shows nowhere unless the letter marks verified organizations
    mark = bool(letter.marks_verified)
    signatories = tuple(_signatory(row, mark=mark) for row in rows)
    withdrawn = []
    if late_only:
        withdrawn = session.execute(  # 4
            _ROW.add_columns(SignOn.withdrawn_on)
            .where(SignOn.id.in_(withdrawn_since(letter.id)))
            .order_by(SignOn.id)
        ).all()
    coalition = coalition_of(session, letter.campaign_id)  # 4 (5 for an addendum)
    language, text, second = _texts(letter, version, options.languages or "en")
    snapshot = LetterSnapshot(
        title=text.title,
        # the sender line, or the coalition itself
        sender=text.sender or coalition.name,
        letterhead=coalition.name,
        contact=coalition.contact_email,
        # a delivery's own date, else the date chosen for the letter, else today
        date=on or options.dated_on or letter_today(letter),
        addressees=text.addressees,
        body_markdown=text.body,
        closing=text.closing,
        language=language,
        second_text=second,
        signatories=signatories,
        # the print options' letterhead logo, else the coalition's
        logo_sha256=options.logo_sha256 or coalition.logo_sha256,
        grouping=str(options.grouping),
        columns=int(options.columns),
        include_logo_page=bool(options.include_logo_page),
        show_places=bool(options.show_places),
    )
    if late_only:
        snapshot = replace(
            snapshot,
            list_only=True,
            list_heading=list_heading,
            withdrawals=tuple(
                Withdrawal(_signatory(row), row.withdrawn_on or snapshot.date) for row in withdrawn
            ),
            withdrawals_heading=withdrawals_heading if withdrawn else "",
        )
    return PreparedSnapshot(
        snapshot, version, tuple(row.id for row in rows), tuple(row.id for row in withdrawn)
    )


def _texts(letter: Letter, version: LetterVersion, chosen: str):
    """(language, main text, Spanish text after it) for the print options' ``chosen``
    language(s); a letter without a Spanish text prints in English whatever was chosen."""
    english = text_in(letter, version, "en")
    spanish = text_in(letter, version, "es")
    if spanish.language != "es" or chosen == "en":
        return "en", english, None
    if chosen == "es":
        return "es", spanish, None
    second = SecondText(
        title=spanish.title,
        addressees=spanish.addressees,
        body_markdown=spanish.body,
        closing=spanish.closing,
        sender=spanish.sender or english.sender,
    )
    return "both", english, second


_ROW = sa.select(
    SignOn.id,
    SignOn.org_name,
    SignOn.level,
    SignOn.state,
    SignOn.city,
    SignOn.listed,
    SignOn.logo_sha256,
    SignOn.verification,
)


def _signatory(row, *, mark: bool = False) -> Signatory:
    return Signatory(
        verified=mark and row.verification is not None,
        name=row.org_name,
        level=str(row.level),
        state=row.state or "",
        city=row.city or "",
        listed=bool(row.listed),
        logo_sha256=row.logo_sha256,
    )


def snapshot_for(session: Session, letter: Letter, **kwargs) -> LetterSnapshot:
    """The LetterSnapshot of ``letter`` (see :func:`prepare_snapshot` for the options)."""
    return prepare_snapshot(session, letter, **kwargs).snapshot
