"""Linking sign-ons made before the directory existed (also copied into the migration).

Plain SQLAlchemy Core on a connection, so it runs the same on SQLite and PostgreSQL
and inside an Alembic migration, where the ORM models may have moved on.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from campaign.search.text import document

_signons = sa.table(
    "sign_ons",
    sa.column("id"),
    sa.column("org_name"),
    sa.column("org_key"),
    sa.column("level"),
    sa.column("state"),
    sa.column("city"),
    sa.column("website"),
    sa.column("logo_sha256"),
    sa.column("signer_name"),
    sa.column("signer_title"),
    sa.column("signer_email"),
    sa.column("created_at", sa.DateTime()),
    sa.column("organization_id"),
    sa.column("contact_id"),
    sa.column("status"),
    sa.column("confirmed_at", sa.DateTime()),
)
_orgs = sa.table(
    "organizations",
    sa.column("id"),
    sa.column("name"),
    sa.column("key"),
    sa.column("level"),
    sa.column("state"),
    sa.column("city"),
    sa.column("website"),
    sa.column("logo_sha256"),
    sa.column("notes"),
    sa.column("merged_into_id"),
    sa.column("from_sign_on"),
    sa.column("created_at", sa.DateTime()),
    sa.column("search_text"),
)
_contacts = sa.table(
    "contacts",
    sa.column("id"),
    sa.column("name"),
    sa.column("title"),
    sa.column("email"),
    sa.column("phone"),
    sa.column("from_sign_on"),
    sa.column("created_at", sa.DateTime()),
    sa.column("search_text"),
)
_links = sa.table("organization_contacts", sa.column("organization_id"), sa.column("contact_id"))


def backfill(conn: sa.Connection) -> int:
    """Link every unlinked sign-on that counts or once counted (oldest first) to an
    organization and a contact.

    Organizations are matched by (state, org key) and contacts by lower-cased email,
    as for new sign-ons; returns how many sign-ons were linked. Idempotent. Pending,
    rejected and merged sign-ons bring nothing into the directory
    (``directory.upkeep``).
    """
    now = datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC
    orgs = {
        (state, key): (merged or org_id)
        for org_id, state, key, merged in conn.execute(
            sa.select(_orgs.c.id, _orgs.c.state, _orgs.c.key, _orgs.c.merged_into_id)
        )
    }
    contacts = {
        email: cid for cid, email in conn.execute(sa.select(_contacts.c.id, _contacts.c.email))
    }
    links = {
        tuple(r) for r in conn.execute(sa.select(_links.c.organization_id, _links.c.contact_id))
    }
    rows = conn.execute(
        sa.select(_signons)
        .where(
            sa.or_(_signons.c.organization_id.is_(None), _signons.c.contact_id.is_(None)),
            sa.or_(
                _signons.c.status.in_(("confirmed", "approved")),
                sa.and_(_signons.c.status == "withdrawn", _signons.c.confirmed_at.is_not(None)),
            ),
        )
        .order_by(_signons.c.id)
    ).all()
    for row in rows:
        org_id = row.organization_id or orgs.get((row.state, row.org_key))
        if org_id is None:
            org_id = conn.execute(
                _orgs.insert()
                .values(
                    name=row.org_name,
                    key=row.org_key,
                    level=row.level,
                    state=row.state,
                    city=row.city or "",
                    website=row.website or "",
                    logo_sha256=row.logo_sha256,
                    notes="",
                    from_sign_on=True,
                    created_at=row.created_at or now,
                    # a plain table here: the model's default does not run
                    search_text=document(row.org_name, row.city),
                )
                .returning(_orgs.c.id)
            ).scalar_one()
            orgs[row.state, row.org_key] = org_id
        email = (row.signer_email or "").strip().lower()
        contact_id = row.contact_id or (contacts.get(email) if email else None)
        if contact_id is None and email:
            contact_id = conn.execute(
                _contacts.insert()
                .values(
                    name=row.signer_name or "",
                    title=row.signer_title or "",
                    email=email,
                    phone="",
                    from_sign_on=True,
                    created_at=row.created_at or now,
                    search_text=document(row.signer_name, email),
                )
                .returning(_contacts.c.id)
            ).scalar_one()
            contacts[email] = contact_id
        if contact_id is not None and (org_id, contact_id) not in links:
            conn.execute(_links.insert().values(organization_id=org_id, contact_id=contact_id))
            links.add((org_id, contact_id))
        conn.execute(
            _signons.update()
            .where(_signons.c.id == row.id)
            .values(organization_id=org_id, contact_id=contact_id)
        )
    return len(rows)
