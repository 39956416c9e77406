"""What waits for a coordinator, counted: member responses awaiting approval, sign-ons
awaiting review, re-confirmations due. Each figure is one query whatever the numbers.

Sign-ons are counted on letters whose sign-ons a coordinator can still act on (open,
closed, or sent and still collecting for an addendum: ``Letter.signons_frozen`` is the
rest), the same rule as the review actions; re-confirmations due are those
``signons.consent.awaiting_reconsent`` leaves out of the letter (no coordinator included
them with a reason).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.letters.models import Letter, LetterStatus, LetterVersion
from campaign.responses.models import Response, ResponseStatus
from campaign.signons.claims import undecided
from campaign.signons.models import COUNTED, ConsentOverride, SignOn, SignOnClaim, SignOnStatus


def _actionable() -> sa.ColumnElement[bool]:
    """The letter's sign-ons can still be reviewed (the SQL of ``not signons_frozen``)."""
    return sa.or_(
        Letter.status.in_((LetterStatus.OPEN, LetterStatus.CLOSED)),
        sa.and_(Letter.status == LetterStatus.SENT, Letter.keeps_collecting.is_(True)),
    )


@dataclass(frozen=True)
class Pending:
    """Counts of work waiting for a coordinator."""

    responses: int = 0  # logged by members, awaiting a coordinator's approval
    signons: int = 0  # confirmed, awaiting review
    reconfirm: int = 0  # signed a text older than the last material edit
    second_signers: int = 0  # confirmed second signers of an organization, to decide on

    @property
    def total(self) -> int:
        return self.responses + self.signons + self.reconfirm + self.second_signers


def _latest_material() -> sa.Subquery:
    return (
        sa.select(LetterVersion.letter_id, sa.func.max(LetterVersion.number).label("number"))
        .where(LetterVersion.material.is_(True))
        .group_by(LetterVersion.letter_id)
        .subquery("latest_material")
    )


def _awaiting_review() -> sa.Select:
    return (
        sa.select(SignOn.letter_id)
        .join(Letter, Letter.id == SignOn.letter_id)
        .where(SignOn.status == SignOnStatus.CONFIRMED, _actionable())
    )


def _reconfirm_due() -> sa.Select:
    latest = _latest_material()
    return (
        sa.select(SignOn.letter_id)
        .join(Letter, Letter.id == SignOn.letter_id)
        .join(LetterVersion, LetterVersion.id == SignOn.version_id)
        .join(latest, latest.c.letter_id == SignOn.letter_id)
        .where(
            SignOn.status.in_(COUNTED),
            _actionable(),
            LetterVersion.number < latest.c.number,
            ~sa.exists().where(
                ConsentOverride.sign_on_id == SignOn.id,
                ConsentOverride.material_number >= latest.c.number,
            ),
        )
    )


def _second_signers() -> sa.Select:
    return (
        sa.select(SignOn.letter_id)
        .join(SignOnClaim, SignOnClaim.sign_on_id == SignOn.id)
        .join(Letter, Letter.id == SignOn.letter_id)
        .where(undecided(), _actionable())
    )


def _count(query: sa.Select) -> sa.ScalarSelect:
    return sa.select(sa.func.count()).select_from(query.subquery()).scalar_subquery()


def pending(session: Session, campaign_id: int | None = None) -> Pending:
    """Everything waiting, in all campaigns or in one: a single SELECT."""
    responses = sa.select(Response.id).where(Response.status == ResponseStatus.PENDING)
    signons, reconfirm, second = _awaiting_review(), _reconfirm_due(), _second_signers()
    if campaign_id is not None:
        responses = responses.where(Response.campaign_id == campaign_id)
        signons = signons.where(Letter.campaign_id == campaign_id)
        reconfirm = reconfirm.where(Letter.campaign_id == campaign_id)
        second = second.where(Letter.campaign_id == campaign_id)
    row = session.execute(
        sa.select(_count(responses), _count(signons), _count(reconfirm), _count(second))
    ).one()
    return Pending(*(int(n or 0) for n in row))


@dataclass(frozen=True)
class LetterPending:
    """One letter's sign-ons waiting for a coordinator."""

    letter: Letter
    signons: int
    reconfirm: int
    second_signers: int = 0


def pending_by_letter(session: Session, campaign_id: int) -> list[LetterPending]:
    """The campaign's letters with sign-ons waiting, in four queries (the counts, then
    the letters)."""
    counts: dict[int, list[int]] = {}
    for i, query in enumerate((_awaiting_review(), _reconfirm_due(), _second_signers())):
        rows = session.execute(
            query.with_only_columns(SignOn.letter_id, sa.func.count())
            .where(Letter.campaign_id == campaign_id)
            .group_by(SignOn.letter_id)
        )
        for letter_id, n in rows:
            counts.setdefault(letter_id, [0, 0, 0])[i] = n
    letters = session.scalars(
        sa.select(Letter).where(Letter.id.in_(list(counts))).order_by(Letter.created_at, Letter.id)
    )
    return [LetterPending(letter, *counts[letter.id]) for letter in letters]


def pending_by_campaign(session: Session) -> dict[int, Pending]:
    """Campaign id → what waits there (campaigns with nothing waiting left out), in
    four grouped queries."""
    responses = dict(
        session.execute(
            sa.select(Response.campaign_id, sa.func.count())
            .where(Response.status == ResponseStatus.PENDING)
            .group_by(Response.campaign_id)
        ).all()
    )
    per_kind = []
    for query in (_awaiting_review(), _reconfirm_due(), _second_signers()):
        per_kind.append(
            dict(
                session.execute(
                    query.with_only_columns(Letter.campaign_id, sa.func.count()).group_by(
                        Letter.campaign_id
                    )
                ).all()
            )
        )
    signons, reconfirm, second = per_kind
    ids = set(responses) | set(signons) | set(reconfirm) | set(second)
    return {
        cid: Pending(
            responses.get(cid, 0), signons.get(cid, 0), reconfirm.get(cid, 0), second.get(cid, 0)
        )
        for cid in ids
    }
