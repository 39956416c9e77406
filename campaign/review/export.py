"""The two CSV exports: every sign-on with every field, and what will be printed.

Both are generators of rows read with Core SELECTs of just the columns they write, in
batches (``yield_per``: a server-side cursor on PostgreSQL), so that a letter with
100,000 sign-ons is written out without holding its rows, ORM objects or the file in
memory. They take plain values (ids, filters), never ORM objects: a streamed response
runs them after the view has returned.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session

from campaign.core.names import sort_key
from campaign.core.states import STATES, state_name
from campaign.letters.models import LetterVersion
from campaign.review.queries import SignOnFilters, where_filters
from campaign.signons.consent import awaiting_reconsent, printed
from campaign.signons.models import Level, SignOn

ALL_HEADER = [
    "id", "organization", "level", "state", "state name", "city", "website",
    "signer name", "signer title", "signer email", "listed", "status", "source",
    "version", "needs re-confirmation", "probable duplicate of", "merged into",
    "rejection reason", "withdrawn on", "comment", "keep informed", "authorized",
    "signed at (UTC)", "created at (UTC)", "confirmed at (UTC)", "reviewed at (UTC)",
    "authority", "authority (other)", "verification", "verified at (UTC)",
]  # fmt: skip
PRINTED_HEADER = ["group", "organization", "level", "state", "city"]
# Rows fetched from the database at a time.
BATCH = 2000
_YES_NO = {True: "yes", False: "no"}


class _utc_text(sa.sql.functions.FunctionElement):
    """A UTC timestamp column as "YYYY-MM-DD HH:MM:SS" text, formatted by the database
    (parsing and formatting 300,000 datetimes in Python was a third of an export)."""

    type = sa.String()
    inherit_cache = True


@compiles(_utc_text, "sqlite")
def _utc_text_sqlite(element, compiler, **kw) -> str:
    return f"strftime('%Y-%m-%d %H:%M:%S', {compiler.process(element.clauses, **kw)})"


@compiles(_utc_text, "postgresql")
def _utc_text_postgresql(element, compiler, **kw) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD HH24:MI:SS')"


def _text(column) -> sa.ColumnElement:
    # an enum column's stored value as is, without making an enum member per cell
    return sa.type_coerce(column, sa.String())


def all_rows(session: Session, letter_id: int, filters: SignOnFilters) -> Iterator[list[object]]:
    """Every sign-on (matching ``filters``) with all its fields, oldest first (or A–Z by
    organization, ignoring case and accents, when the list is sorted so)."""
    query = sa.select(
        SignOn.id, SignOn.org_name, _text(SignOn.level), SignOn.state, SignOn.city,
        SignOn.website, SignOn.signer_name, SignOn.signer_title, SignOn.signer_email,
        SignOn.listed, _text(SignOn.status), _text(SignOn.source), LetterVersion.number,
        SignOn.probable_duplicate_of_id, SignOn.merged_into_id, SignOn.rejection_reason,
        SignOn.withdrawn_on, SignOn.comment, SignOn.keep_informed, SignOn.authorized,
        _utc_text(SignOn.signed_at), _utc_text(SignOn.created_at),
        _utc_text(SignOn.confirmed_at), _utc_text(SignOn.reviewed_at),
        awaiting_reconsent(letter_id), _text(SignOn.authority), SignOn.authority_other,
        _text(SignOn.verification), _utc_text(SignOn.verified_at),
    ).join(LetterVersion, LetterVersion.id == SignOn.version_id)  # fmt: skip
    order = (SignOn.org_key, SignOn.id) if filters.sort == "name" else (SignOn.id,)
    query = where_filters(query, letter_id, filters).order_by(*order)
    # Core rows through the session's connection: no ORM layer on 100,000 rows. The
    # cursor is closed on leaving the block, also when the client stops the download.
    with session.connection().execute(query.execution_options(yield_per=BATCH)) as result:
        for batch in result.partitions():
            for (
                id_, org_name, level, state, city, website, signer_name, signer_title,
                signer_email, listed, status, source, number, duplicate_of, merged_into,
                rejection_reason, withdrawn_on, comment, keep_informed, authorized,
                signed_at, created_at, confirmed_at, reviewed_at, awaiting,
                authority, authority_other, verification, verified_at,
            ) in batch:  # fmt: skip
                yield [
                    id_, org_name, level, state, state_name(state), city, website,
                    signer_name, signer_title, signer_email, _YES_NO[listed], status, source,
                    number, "yes" if awaiting else "",
                    duplicate_of or "", merged_into or "", rejection_reason,
                    withdrawn_on.isoformat() if withdrawn_on else "", comment,
                    _YES_NO[keep_informed], _YES_NO[authorized],
                    signed_at or "", created_at or "", confirmed_at or "", reviewed_at or "",
                    authority or "", authority_other, verification or "", verified_at or "",
                ]  # fmt: skip


def _state_order() -> sa.Case:
    """A state's place when states are sorted by name (0 for none or an unknown code)."""
    names = sorted(STATES, key=STATES.__getitem__)
    return sa.case({code: rank for rank, code in enumerate(names, 1)}, value=SignOn.state, else_=0)


def printed_rows(session: Session, letter_id: int) -> Iterator[list[object]]:
    """Approved, listed sign-ons in the letter's order: national first, then by state
    name, A–Z within each ignoring a leading "The".

    The database orders the groups; each group (one state, or the national ones) is
    sorted here by ``sort_key``, which folds accents the same way on every database.
    """
    national = SignOn.level == Level.NATIONAL
    group = sa.case((national, 0), else_=_state_order() + 1)
    query = (
        sa.select(group, SignOn.level, SignOn.state, SignOn.org_name, SignOn.city)
        .where(printed(letter_id), SignOn.listed.is_(True))
        .order_by(group, SignOn.id)
    )
    with session.connection().execute(query.execution_options(yield_per=BATCH)) as result:
        rows = itertools.chain.from_iterable(result.partitions())
        for _, members in itertools.groupby(rows, key=lambda row: row[0]):
            for _, level, state, name, city in sorted(members, key=lambda r: sort_key(r[3])):
                group_name = "National" if level == Level.NATIONAL else state_name(state)
                yield [group_name, name, level.label, state, city]
