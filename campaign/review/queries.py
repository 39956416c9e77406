"""The coordinator's sign-on list: filters, search, counts and sign-ons per day.

Each function is one query whatever the number of sign-ons, so a page of the list
runs the same number of queries for 10 sign-ons as for 10,000.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from campaign.core.days import hour_bucket, local_days
from campaign.core.states import STATES
from campaign.letters.models import Letter, LetterVersion
from campaign.search.match import capped_count, index_aside, matches, resolve
from campaign.search.text import Query, parse
from campaign.signons.consent import awaiting_reconsent
from campaign.signons.models import (
    COUNTED,
    SIGN_ON_SEARCH,
    Level,
    SignOn,
    SignOnSource,
    SignOnStatus,
)

# Past this many matches the list says "1,000+" rather than counting them all.
COUNT_CAP = 1_000


@dataclass
class SignOnFilters:
    """What the list is narrowed to; odd values from the query string are ignored."""

    status: str = ""
    level: str = ""
    state: str = ""
    version: int | None = None
    source: str = ""
    flagged: bool = False
    reconfirm: bool = False
    # "yes": verified (any way), "no": not verified
    verified: str = ""
    q: str = ""
    # "" newest first; "name" A–Z by organization (case, accents and "The" set aside)
    sort: str = ""
    # the number of the newest material version, for the "needs re-confirmation" filter
    material_number: int = 0
    # ``q`` as the search reads it, near spellings included (``with_search``)
    search: Query | None = field(default=None, compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, material_number: int = 0) -> SignOnFilters:
        """Filters from a query string (or a form), keeping only sensible values."""
        status = args.get("status", "")
        level = args.get("level", "")
        state = (args.get("state") or "").upper()
        source = args.get("source", "")
        version = args.get("version") or ""
        return cls(
            status=status if status in {s.value for s in SignOnStatus} else "",
            level=level if level in {lv.value for lv in Level} else "",
            state=state if state in STATES or state == "NATIONAL" else "",
            version=int(version) if version.isdigit() and len(version) < 7 else None,
            source=source if source in {s.value for s in SignOnSource} else "",
            flagged=args.get("flagged") in ("1", "y", "on"),
            reconfirm=args.get("reconfirm") in ("1", "y", "on"),
            verified=args.get("verified") if args.get("verified") in ("yes", "no") else "",
            q=(args.get("q") or "").strip()[:200],
            sort="name" if args.get("sort") == "name" else "",
            material_number=material_number,
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query-string values (for links and hidden fields)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("material_number", "search") or value in ("", None, False):
                continue
            out[f.name] = "1" if value is True else str(value)
        return out

    @property
    def active(self) -> bool:
        """True when anything narrows the list (the order narrows nothing)."""
        return any(k != "sort" for k in self.as_args())


def with_search(session: Session, filters: SignOnFilters) -> SignOnFilters:
    """``filters`` with its search resolved against the index (near spellings of words
    no indexed word starts with: "Mecklenberg" finds "Mecklenburg")."""
    if not filters.q:
        return filters
    return replace(filters, search=resolve(session, SIGN_ON_SEARCH, filters.q))


def where_filters(
    query: sa.Select, letter_id: int, filters: SignOnFilters, *, from_matches: bool = True
) -> sa.Select:
    """``query`` narrowed to the letter's sign-ons matching ``filters`` (a filter on the
    version needs ``LetterVersion`` joined).

    ``from_matches``: a search starts from the words' matches (a few rows for most
    searches) rather than from the letter's every sign-on; False for a page of a search
    known to match more than ``COUNT_CAP``, found sooner by walking the list's order."""
    letter = index_aside(SignOn.letter_id) if filters.q and from_matches else SignOn.letter_id
    query = query.where(letter == letter_id)
    if filters.status:
        query = query.where(SignOn.status == SignOnStatus(filters.status))
    if filters.level:
        query = query.where(SignOn.level == Level(filters.level))
    if filters.state:
        query = query.where(SignOn.state == ("" if filters.state == "NATIONAL" else filters.state))
    if filters.version is not None:
        query = query.where(LetterVersion.number == filters.version)
    if filters.source:
        query = query.where(SignOn.source == SignOnSource(filters.source))
    if filters.flagged:
        query = query.where(
            SignOn.probable_duplicate_of_id.is_not(None), SignOn.status != SignOnStatus.MERGED
        )
    if filters.reconfirm:
        # the same rule as printing: a coordinator's "include anyway" takes it off this list
        query = query.where(awaiting_reconsent(letter_id))
    if filters.verified:
        verified = SignOn.verification.is_not(None)
        query = query.where(verified if filters.verified == "yes" else ~verified)
    if filters.q:
        # the full-text index over organization, signer, email, city and comment
        search = filters.search if filters.search is not None else parse(filters.q)
        if search:
            query = query.where(matches(SIGN_ON_SEARCH, SignOn.id, search))
        else:  # only punctuation: nothing has those words
            query = query.where(sa.false())
    return query


def _needs_version(filters: SignOnFilters) -> bool:
    return filters.version is not None


def filtered_ids(letter: Letter, filters: SignOnFilters, *, from_matches: bool = True) -> sa.Select:
    """The ids of the sign-ons matching ``filters`` (joined to the version only when a
    filter reads it, so that a count can stay in the sign-ons' indexes)."""
    query = sa.select(SignOn.id)
    if _needs_version(filters):
        query = query.join(LetterVersion, LetterVersion.id == SignOn.version_id)
    return where_filters(query, letter.id, filters, from_matches=from_matches)


def ordered_ids(letter: Letter, filters: SignOnFilters, *, many: bool = False) -> sa.Select:
    """The list's order as ids: newest first (a page of it is found in the index on
    (letter, created_at, id) without reading the rows skipped over), or A–Z by the
    organization's key, so that "Éxito" sorts under E and "the Alliance" under A.

    ``many``: the search matches more than ``COUNT_CAP`` (``matching_count``): its page
    is then found by walking that order (matches are everywhere on the way) instead of
    sorting every match."""
    query = filtered_ids(letter, filters, from_matches=not many)
    if filters.sort == "name":
        return query.order_by(SignOn.org_key, SignOn.id)
    return query.order_by(SignOn.created_at.desc(), SignOn.id.desc())


def signons_for_list(session: Session, ids: list[int]) -> list[SignOn]:
    """The sign-ons with these ids, in this order, with their version and the flagged
    and merged-into sign-ons loaded in the same query (run even for no ids, so that a
    page costs the same number of queries whatever it holds)."""
    dup, into = aliased(SignOn), aliased(SignOn)
    query = (
        sa.select(SignOn)
        .join(LetterVersion, LetterVersion.id == SignOn.version_id)
        .outerjoin(dup, dup.id == SignOn.probable_duplicate_of_id)
        .outerjoin(into, into.id == SignOn.merged_into_id)
        .options(
            contains_eager(SignOn.version),
            contains_eager(SignOn.probable_duplicate_of.of_type(dup)),
            contains_eager(SignOn.merged_into.of_type(into)),
        )
        .where(SignOn.id.in_(ids))
    )
    by_id = {signon.id: signon for signon in session.scalars(query)}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class Counts:
    """Counted sign-ons by level and by state, and every sign-on by status."""

    by_level: dict[Level, int]
    by_state: list[tuple[str, int]]  # (state code, count), by state name
    by_status: dict[SignOnStatus, int]

    @property
    def counted(self) -> int:
        return sum(self.by_level.values())

    @property
    def total(self) -> int:
        """Every sign-on of the letter, whatever its status."""
        return sum(self.by_status.values())


def counts(session: Session, letter: Letter) -> Counts:
    """One GROUP BY (status, level, state), read from ``ix_sign_ons_tallies`` alone, folded
    into the three tallies; at most a few hundred rows whatever the number of sign-ons."""
    by_status = {status: 0 for status in SignOnStatus}
    by_level = {level: 0 for level in Level}
    states: dict[str, int] = {}
    for status, level, state, n in session.execute(
        sa.select(SignOn.status, SignOn.level, SignOn.state, sa.func.count())
        .where(SignOn.letter_id == letter.id)
        .group_by(SignOn.status, SignOn.level, SignOn.state)
    ):
        status = SignOnStatus(status)
        by_status[status] += n
        if status in COUNTED:
            by_level[Level(level)] += n
            if state:
                states[state] = states.get(state, 0) + n
    by_state = sorted(states.items(), key=lambda item: STATES.get(item[0], item[0]))
    return Counts(by_level=by_level, by_state=by_state, by_status=by_status)


def verified_count(session: Session, letter: Letter) -> int:
    """Counted (confirmed or approved) sign-ons that are verified, one COUNT (kept with the
    tallies, ``review.tallies``); the others are ``Counts.counted`` minus these."""
    return int(
        session.scalar(
            sa.select(sa.func.count()).where(
                SignOn.letter_id == letter.id,
                SignOn.status.in_(COUNTED),
                SignOn.verification.is_not(None),
            )
        )
        or 0
    )


def matching_count(
    session: Session, letter: Letter, filters: SignOnFilters, counts: Counts, *, page: int = 1
) -> tuple[int, bool]:
    """How many sign-ons the list shows, and whether there are more than that: known from
    ``counts`` when nothing narrows it, else one COUNT without the joins the rows need
    that stops past ``COUNT_CAP`` (or past the page asked for): a search that matches
    most of 100,000 sign-ons is not counted to the end."""
    if not filters.active:
        return counts.total, False
    return capped_count(session, filtered_ids(letter, filters), max(COUNT_CAP, page * 50))


def per_day(session: Session, letter: Letter) -> dict[date, int]:
    """Counted sign-ons per day the organizations signed, on the coalition's calendar
    (CAMPAIGN_TIMEZONE), in one GROUP BY hour: the dashboard's figures for one letter."""
    bucket = hour_bucket(session, SignOn.signed_at)
    rows = session.execute(
        sa.select(bucket, sa.func.count())
        .where(SignOn.letter_id == letter.id, SignOn.status.in_(COUNTED))
        .group_by(bucket)
    )
    return local_days(rows.all())


def versions(session: Session, letter: Letter) -> tuple[list[int], int]:
    """The letter's version numbers, newest first (for the version filter), and the
    number of the newest material one (0 when no edit was material), in one query."""
    rows = session.execute(
        sa.select(LetterVersion.number, LetterVersion.material)
        .where(LetterVersion.letter_id == letter.id)
        .order_by(LetterVersion.number.desc())
    ).all()
    material = next((number for number, is_material in rows if is_material), 0)
    return [number for number, _ in rows], material


def signon_for_page(session: Session, letter: Letter, signon_id: int) -> SignOn | None:
    """One sign-on of the letter with its version and the related sign-ons loaded."""
    return session.scalar(
        sa.select(SignOn)
        .where(SignOn.id == signon_id, SignOn.letter_id == letter.id)
        .options(
            joinedload(SignOn.version),
            joinedload(SignOn.probable_duplicate_of),
            joinedload(SignOn.merged_into),
        )
    )
