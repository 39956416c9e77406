"""Sign-ons straight into the table (the sign-on flow is tested elsewhere), and helpers."""

from __future__ import annotations

import itertools
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.names import org_key
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.letters.services import current_version
from campaign.signons.models import SignOn, SignOnStatus

_seq = itertools.count(1)
APPROVED = SignOnStatus.APPROVED


def add_signon(
    session: Session,
    letter: Letter,
    name: str,
    *,
    status: SignOnStatus = APPROVED,
    listed: bool = True,
    level: str = "state",
    state: str = "TX",
    city: str = "",
    logo_sha256: str | None = None,
) -> SignOn:
    """One sign-on of ``letter`` with this status (committed, like the other factories)."""
    n = next(_seq)
    signon = SignOn(
        letter_id=letter.id,
        version_id=current_version(session, letter).id,
        org_name=name,
        org_key=org_key(name),
        level=level,
        state="" if level == "national" else state,
        city=city,
        signer_name=f"Signer {n}",
        signer_email=f"signer{n}@example.org",
        authorized=True,
        listed=listed,
        logo_sha256=logo_sha256,
        logo_kind="png" if logo_sha256 else None,
        status=status,
        signed_at=None if status == SignOnStatus.PENDING else utcnow(),
    )
    session.add(signon)
    session.commit()
    return signon


def add_many(session: Session, letter: Letter, count: int, *, prefix: str = "Org") -> None:
    """``count`` approved sign-ons in one INSERT."""
    version_id = current_version(session, letter).id
    rows = [
        {
            "letter_id": letter.id,
            "version_id": version_id,
            "org_name": f"{prefix} {i:05d}",
            "org_key": org_key(f"{prefix} {i:05d}"),
            "level": "local",
            "state": "CA",
            "city": "Oakland",
            "website": "",
            "signer_name": "Signer",
            "signer_title": "",
            "signer_email": f"bulk{i}@example.org",
            "authorized": True,
            "listed": True,
            "comment": "",
            "keep_informed": False,
            "status": "approved",
        }
        for i in range(count)
    ]
    session.execute(sa.insert(SignOn), rows)
    session.commit()


def delivery_form(**kw) -> dict:
    """A valid "Mark as sent" / addendum form."""
    data = {
        "sent_on": date.today().isoformat(),
        "recipients": "Office of the Secretary, DHS",
        "method": "email",
        "note": "Sent by the coalition chair.",
    }
    data.update(kw)
    return data


def send(client, send_url: str, data: dict):
    """Mark as sent through its confirmation step: the POST shows what it will do (a page
    with the counts it carries in hidden fields), and that page's POST marks it sent."""
    import re

    first = client.post(send_url, data=data)
    if first.status_code != 200:
        return first  # done at once, or refused with the form again
    shown = dict(
        re.findall(
            r'<input type="hidden" name="(expected[a-z_]*)" value="([^"]*)"',
            first.get_data(as_text=True),
        )
    )
    return client.post(send_url, data={**data, **shown, "confirmed": "1"})


def url(letter: Letter, tail: str = "") -> str:
    """The Print & send page of ``letter`` (or a path below it)."""
    from campaign.campaigns.models import Campaign
    from campaign.db import session as db_session

    campaign = db_session.get(Campaign, letter.campaign_id)
    return f"/campaigns/{campaign.slug}/letters/{letter.id}/delivery{tail}"
