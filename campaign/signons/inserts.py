"""Writing a pending sign-on and its confirmation email: the busiest write of the app."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from campaign.db import insert_ignoring_conflicts, one_statement, utcnow
from campaign.mail.models import OutboxMessage
from campaign.search.index import document_of
from campaign.signons import notify
from campaign.signons.models import SIGN_ON_SEARCH, SignOn


def insert_pending(
    session: Session, signon: SignOn, confirm: notify.Message | None, *, alone: bool
) -> int | None:
    """Insert the pending sign-on, not yet in the session (its id; None if its
    organization is on the letter already) and, only if it went in, its confirmation
    email.

    PostgreSQL does both in one statement, one round trip fewer on the busiest write,
    and when that statement is ``alone`` in the request, in autocommit (no BEGIN or
    COMMIT round trip); SQLite, which runs in the process, in two INSERTs.
    """
    values = _column_values(signon)
    if confirm is not None and session.get_bind().dialect.name == "postgresql":
        now = utcnow()
        email = confirm.outbox_row() | {"created_at": now, "attempts": 0, "next_attempt_at": now}
        params = {f"s_{k}": v for k, v in values.items()} | {f"o_{k}": v for k, v in email.items()}
        statement = _signon_and_email(tuple(values), tuple(email))
        if not alone:
            return session.connection().execute(statement, params).scalar()
        with one_statement(session) as conn:  # whole by itself: no BEGIN or COMMIT needed
            return conn.execute(statement, params).scalar()
    table = SignOn.__table__
    insert = insert_ignoring_conflicts(session, table, returning=table.c.id)
    new_id = session.connection().execute(insert, values).scalar()
    if new_id is not None and confirm is not None:
        confirm.enqueue(session)
    return new_id


@functools.cache
def _signon_and_email(signon_columns: tuple[str, ...], email_columns: tuple[str, ...]) -> sa.Select:
    """``WITH signon AS (INSERT … ON CONFLICT DO NOTHING RETURNING id), email AS (INSERT
    INTO outbox_messages … SELECT … FROM signon) SELECT id FROM signon``, built once."""
    signons, outbox = SignOn.__table__, OutboxMessage.__table__
    signon = (
        postgresql.insert(signons)
        .values({c: sa.bindparam(f"s_{c}", type_=signons.c[c].type) for c in signon_columns})
        .on_conflict_do_nothing()
        .returning(signons.c.id)
        .cte("signon")
    )
    email_values = sa.select(
        *(sa.bindparam(f"o_{c}", type_=outbox.c[c].type) for c in email_columns)
    ).select_from(signon)
    email = (
        outbox.insert()
        .from_select(list(email_columns), email_values, include_defaults=False)
        .cte("email")
    )
    return sa.select(signon.c.id).add_cte(email)


def _column_values(signon: SignOn) -> dict:
    """The columns set on a sign-on not yet in the session, for a Core INSERT (the
    columns' own defaults fill the rest)."""
    state = signon.__dict__
    values = {column: state[attr] for attr, column in _columns() if attr in state}
    values["search_text"] = document_of(SIGN_ON_SEARCH, values)
    return values


@functools.cache
def _columns() -> tuple[tuple[str, str], ...]:
    """(attribute, column) of every mapped column of SignOn, looked up once."""
    return tuple((a.key, a.columns[0].key) for a in sa.inspect(SignOn).column_attrs)
