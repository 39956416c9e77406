"""Reading the directory: the filtered list (fixed number of queries) and an organization."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from campaign.campaigns.models import Campaign
from campaign.core.states import STATES
from campaign.db import utcnow
from campaign.directory.models import (
    CONTACT_SEARCH,
    ORGANIZATION_SEARCH,
    Organization,
    organization_contacts,
)
from campaign.letters.models import Letter, LetterVersion
from campaign.search.match import capped_count, matches, resolve
from campaign.search.text import Query, parse
from campaign.signons.fuzzy import similarity
from campaign.signons.models import COUNTED, Level, SignOn

ACTIVITY = {"": "any", "recent": "signed in the last N months", "never": "never signed"}
SUGGEST_THRESHOLD = 80.0


@dataclass
class DirectoryFilters:
    """The list's search and filters, parsed leniently from the query string."""

    q: str = ""
    level: str = ""
    state: str = ""
    activity: str = ""
    months: int = 12
    # ``q`` as each index reads it, near spellings included (``with_search``)
    search: tuple[Query, Query] | None = field(default=None, compare=False)

    @classmethod
    def from_args(cls, args: MultiDict) -> DirectoryFilters:
        """Unknown values are ignored rather than refused (a filter is never an error)."""
        level = args.get("level", "")
        state = args.get("state", "").upper()
        activity = args.get("activity", "")
        try:
            months = max(1, min(int(args.get("months", "12") or 12), 600))
        except ValueError:
            months = 12
        return cls(
            q=args.get("q", "").strip()[:200],
            level=level if level in {lv.value for lv in Level} else "",
            state=state if state in STATES or state == "NATIONAL" else "",
            activity=activity if activity in ACTIVITY else "",
            months=months,
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.level or self.state or self.activity)

    def with_search(self, session: Session) -> DirectoryFilters:
        """These filters with ``q`` resolved against the organizations' and the contacts'
        indexes (near spellings of words that start no indexed word)."""
        if not self.q:
            return self
        orgs, people = (
            resolve(session, index, self.q) for index in (ORGANIZATION_SEARCH, CONTACT_SEARCH)
        )
        return replace(self, search=(orgs, people))

    def as_args(self) -> dict[str, str]:
        """Non-empty filters, for links (paging keeps them)."""
        out = {"q": self.q, "level": self.level, "state": self.state, "activity": self.activity}
        if self.activity == "recent":
            out["months"] = str(self.months)
        return {k: v for k, v in out.items() if v}


# A–Z as people read it: by the name's key (case, accents, punctuation and a leading
# "The" set aside, campaign.core.names.org_key), so "Éxito" sorts under E, not after Z.
A_TO_Z = (Organization.key, Organization.name, Organization.id)


def _last_signed():
    return (
        sa.select(sa.func.max(SignOn.signed_at))
        .where(SignOn.organization_id == Organization.id, SignOn.status.in_(COUNTED))
        .correlate(Organization)
        .scalar_subquery()
    )


def filtered_query(filters: DirectoryFilters, now: datetime | None = None) -> sa.Select:
    """Organizations (not merged away) with their letter count, contacts and last sign-on.

    One SELECT with correlated sub-queries, whatever the page size.
    """
    letters = (
        sa.select(sa.func.count(sa.distinct(SignOn.letter_id)))
        .where(SignOn.organization_id == Organization.id, SignOn.status.in_(COUNTED))
        .correlate(Organization)
        .scalar_subquery()
    )
    contacts = (
        sa.select(sa.func.count())
        .select_from(organization_contacts)
        .where(organization_contacts.c.organization_id == Organization.id)
        .correlate(Organization)
        .scalar_subquery()
    )
    last = _last_signed()
    query = sa.select(
        Organization,
        letters.label("letters"),
        contacts.label("contacts"),
        last.label("last_signed_at"),
    )
    return where_filters(query, filters, now).order_by(*A_TO_Z)


def where_filters(
    query: sa.Select, filters: DirectoryFilters, now: datetime | None = None
) -> sa.Select:
    """``query`` narrowed to the organizations (not merged away) matching ``filters``."""
    query = query.where(Organization.merged_into_id.is_(None))
    if filters.q:
        query = query.where(_matching(filters))
    if filters.level:
        query = query.where(Organization.level == Level(filters.level))
    if filters.state == "NATIONAL":
        query = query.where(Organization.state == "")
    elif filters.state:
        query = query.where(Organization.state == filters.state)
    if filters.activity == "recent":
        since = (now or utcnow()) - timedelta(days=30 * filters.months)
        query = query.where(
            sa.exists(
                sa.select(1).where(
                    SignOn.organization_id == Organization.id,
                    SignOn.status.in_(COUNTED),
                    SignOn.signed_at >= since,
                )
            )
        )
    elif filters.activity == "never":
        query = query.where(
            ~sa.exists(
                sa.select(1).where(
                    SignOn.organization_id == Organization.id, SignOn.status.in_(COUNTED)
                )
            )
        )
    return query


def _matching(filters: DirectoryFilters) -> sa.ColumnElement:
    """Organizations whose name or city hold every word searched, or one of whose
    contacts' name or email does (each read from its own full-text index)."""
    orgs, people = filters.search or (parse(filters.q), parse(filters.q))
    if not orgs:  # only punctuation: nothing has those words
        return sa.false()
    by_contact = sa.select(organization_contacts.c.organization_id).where(
        matches(CONTACT_SEARCH, organization_contacts.c.contact_id, people)
    )
    by_name = sa.select(Organization.id).where(matches(ORGANIZATION_SEARCH, Organization.id, orgs))
    return Organization.id.in_(sa.union(by_name, by_contact))


def matching_count(
    session: Session, filters: DirectoryFilters, *, exact: bool = False
) -> tuple[int, bool]:
    """How many organizations the list shows (and whether more): a search is counted
    no further than 1,000 ("1,000+") unless ``exact`` (inviting them all), the rest in full."""
    ids = where_filters(sa.select(Organization.id), filters)
    if filters.q and not exact:
        return capped_count(session, ids, COUNT_CAP)
    return int(session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0), False


COUNT_CAP = 1_000


def organization_for_page(session: Session, org_id: int) -> Organization | None:
    """The organization with its contacts loaded."""
    return session.scalar(
        sa.select(Organization)
        .where(Organization.id == org_id)
        .options(selectinload(Organization.contacts))
    )


@dataclass
class SignedRow:
    """One letter an organization signed, as the page lists it."""

    signon: SignOn
    letter: Letter
    campaign: Campaign
    version_number: int


def signed_letters(session: Session, org: Organization) -> list[SignedRow]:
    """Every sign-on of the organization, newest first, with its letter and version."""
    rows = session.execute(
        sa.select(SignOn, Letter, Campaign, LetterVersion.number)
        .join(Letter, Letter.id == SignOn.letter_id)
        .join(Campaign, Campaign.id == Letter.campaign_id)
        .join(LetterVersion, LetterVersion.id == SignOn.version_id)
        .where(SignOn.organization_id == org.id)
        .order_by(SignOn.created_at.desc(), SignOn.id.desc())
    )
    return [SignedRow(s, letter, campaign, number) for s, letter, campaign, number in rows]


def probable_duplicates(session: Session, org: Organization, limit: int = 5) -> list:
    """Other organizations of the same state whose names look alike (fuzzy), best first."""
    candidates = session.execute(
        sa.select(Organization.id, Organization.name, Organization.key).where(
            Organization.state == org.state,
            Organization.id != org.id,
            Organization.merged_into_id.is_(None),
        )
    ).all()
    scored = [
        (similarity(org.key, key), cid, name)
        for cid, name, key in candidates
        if similarity(org.key, key) >= SUGGEST_THRESHOLD
    ]
    scored.sort(key=lambda t: (-t[0], t[2]))
    return [(cid, name, round(score)) for score, cid, name in scored[:limit]]


def merged_from(session: Session, org: Organization) -> list[Organization]:
    """Organizations merged into this one (each can be un-merged)."""
    return list(
        session.scalars(
            sa.select(Organization).where(Organization.merged_into_id == org.id).order_by(*A_TO_Z)
        )
    )


def merge_events(session: Session, org: Organization) -> list:
    """The audit records of merges into this organization still in effect (to undo them)."""
    from campaign.audit.models import AuditEvent

    sources = {o.id for o in merged_from(session, org)}
    if not sources:
        return []
    events = session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.action == "organization.merge",
            AuditEvent.entity == "organization",
            AuditEvent.entity_id.in_(sources),
        )
        .order_by(AuditEvent.id.desc())
    )
    latest = {}
    for event in events:
        if (event.details or {}).get("target_id") == org.id:
            latest.setdefault(event.entity_id, event)
    return list(latest.values())
