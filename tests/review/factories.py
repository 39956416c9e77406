"""Sign-ons for review tests: made directly (fast), or by the thousand in one INSERT."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.names import org_key
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.letters.services import current_version
from campaign.signons.models import Level, SignOn, SignOnStatus

_seq = itertools.count(1)


def make_signon(
    session: Session,
    letter: Letter,
    *,
    org_name: str | None = None,
    status: SignOnStatus = SignOnStatus.CONFIRMED,
    level: Level = Level.STATE,
    state: str = "TX",
    **kw,
) -> SignOn:
    """One sign-on (confirmed by default), committed like the other factories."""
    name = org_name or f"Organization {next(_seq)}"
    now = utcnow()
    signon = SignOn(
        letter_id=letter.id,
        version_id=kw.pop("version_id", None) or current_version(session, letter).id,
        org_name=name,
        org_key=org_key(name),
        level=level,
        state="" if level == Level.NATIONAL else state,
        signer_name=kw.pop("signer_name", "Ana Pérez"),
        signer_email=kw.pop("signer_email", "ana@example.org"),
        authorized=True,
        status=status,
        confirmed_at=None if status == SignOnStatus.PENDING else now,
        signed_at=kw.pop("signed_at", None if status == SignOnStatus.PENDING else now),
        **kw,
    )
    session.add(signon)
    session.commit()
    return signon


def bulk_signons(session: Session, letter: Letter, n: int, *, start: int = 0) -> None:
    """``n`` sign-ons in one executemany INSERT, spread over days, states and statuses."""
    version_id = current_version(session, letter).id
    states = ["TX", "CA", "NY", "FL", "AZ"]
    statuses = [SignOnStatus.CONFIRMED, SignOnStatus.APPROVED, SignOnStatus.PENDING]
    now = utcnow()
    rows = []
    for i in range(start, start + n):
        name = f"Bulk Organization {i}"
        status = statuses[i % len(statuses)]
        created_at = now - timedelta(days=i % 9)
        rows.append(
            {
                "letter_id": letter.id,
                "version_id": version_id,
                "org_name": name,
                "org_key": org_key(name),
                "level": Level.LOCAL,
                "state": states[i % len(states)],
                "city": "",
                "website": "",
                "signer_name": f"Signer {i}",
                "signer_title": "",
                "signer_email": f"s{i}@example.org",
                "authorized": True,
                "listed": True,
                "comment": "",
                "keep_informed": False,
                "status": status,
                "confirmed_at": now,
                "signed_at": None if status == SignOnStatus.PENDING else created_at,
                "created_at": created_at,
            }
        )
    session.execute(sa.insert(SignOn), rows)
    session.commit()
