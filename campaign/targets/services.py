"""Creating targets, adding and verifying their channels, finding a channel by address."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from campaign.agencies.models import Agency
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import Conflict, DomainError
from campaign.db import utcnow
from campaign.targets.models import (
    DHS_BODIES,
    ChannelKind,
    ChannelStatus,
    Target,
    TargetBody,
    TargetChannel,
)

_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_FAX = re.compile(r"^[0-9+()\-. ]{7,30}$")


def normalise_email(address: str | None) -> str:
    """An email address as channels store it: trimmed and lower-cased."""
    return (address or "").strip().lower()


def save_target(
    session: Session,
    target: Target | None,
    *,
    name: str,
    title: str,
    body: TargetBody | str,
    organization: str,
    agency: Agency | None,
    note: str,
    actor: User,
) -> Target:
    """Create a target (``target`` None) or change one."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Give the target a name.", field="name")
    creating = target is None
    if target is None:
        target = Target(created_by_id=actor.id)
        session.add(target)
    else:
        target.updated_at = utcnow()
    target.name = name[:200]
    target.title = " ".join((title or "").split())[:200]
    target.body = TargetBody(body)
    target.organization = " ".join((organization or "").split())[:300]
    target.agency_id = agency.id if agency else None
    target.note = (note or "").strip()
    session.flush()
    record(session, actor, "target.create" if creating else "target.edit", "target", target.id)
    return target


def clean_address(kind: ChannelKind, address: str) -> str:
    """The address checked for its kind; a DomainError says what is wrong."""
    text = (address or "").strip()
    if not text:
        raise DomainError("Give the address.", field="address")
    if kind == ChannelKind.EMAIL:
        text = normalise_email(text)
        if len(text) > 254 or not _EMAIL.match(text):
            raise DomainError("This is not an email address.", field="address")
    elif kind == ChannelKind.PORTAL:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DomainError("A portal is a web address (https://…).", field="address")
    elif kind == ChannelKind.FAX and not _FAX.match(text):
        raise DomainError("A fax number has digits, spaces, + ( ) - only.", field="address")
    if len(text) > 1000:
        raise DomainError("The address is too long.", field="address")
    return text


def add_channel(
    session: Session,
    target: Target,
    *,
    kind: ChannelKind | str,
    address: str,
    label: str = "",
    actor: User | None,
) -> TargetChannel:
    """Add a channel (unverified until a person checks it)."""
    kind = ChannelKind(kind)
    text = clean_address(kind, address)
    exists = session.scalar(
        sa.select(TargetChannel.id).where(
            TargetChannel.target_id == target.id,
            TargetChannel.kind == kind,
            TargetChannel.address == text,
        )
    )
    if exists:
        raise Conflict("This target already has this channel.", field="address")
    channel = TargetChannel(
        target_id=target.id,
        kind=kind,
        address=text,
        email=text if kind == ChannelKind.EMAIL else None,
        label=(label or "").strip()[:120],
    )
    session.add(channel)
    session.flush()
    record(session, actor, "target.channel_add", "target", target.id, channel=channel.id,
           kind=kind.value)  # fmt: skip
    return channel


def verify_channel(
    session: Session, channel: TargetChannel, *, how: str, actor: User
) -> TargetChannel:
    """A person checked the channel (how: "called the office", "listed on dhs.gov/…");
    verifying a bouncing channel says it works again."""
    how = (how or "").strip()
    if not how:
        raise DomainError("Say how the channel was checked.", field="how")
    channel.status = ChannelStatus.VERIFIED
    channel.verified_at = utcnow()
    channel.verified_by_id = actor.id
    channel.verified_how = how[:2000]
    channel.bouncing_since = None
    session.flush()
    record(session, actor, "target.channel_verify", "target", channel.target_id,
           channel=channel.id, how=how[:200])  # fmt: skip
    return channel


def remove_channel(session: Session, channel: TargetChannel, *, actor: User) -> None:
    """Delete a channel (receipts that went to it keep their address)."""
    target_id, channel_id = channel.target_id, channel.id
    session.delete(channel)
    session.flush()
    record(session, actor, "target.channel_remove", "target", target_id, channel=channel_id)


def mark_channel_bouncing(
    session: Session, channel_id: int, diagnostic: str, when: datetime
) -> None:
    """A delivery to this channel failed for good (idempotent: the first time stays)."""
    channel = session.get(TargetChannel, channel_id)
    if channel is None:
        return
    if channel.status != ChannelStatus.BOUNCING:
        channel.status = ChannelStatus.BOUNCING
        channel.bouncing_since = when
    channel.bounce_diagnostic = (diagnostic or "")[:2000]


def on_message_bounced(
    session: Session, *, message, diagnostic: str, when: datetime, **_: object
) -> None:
    """``campaign.mail.signals.message_bounced``: the channel the message went to bounces."""
    if message.channel_id is not None:
        mark_channel_bouncing(session, message.channel_id, diagnostic, when)


def channel_for_address(session: Session, address: str | None) -> TargetChannel | None:
    """The email channel with this address (case-insensitive), its target loaded; a live
    target's channel before an archived one's."""
    email = normalise_email(address)
    if not email:
        return None
    return session.scalar(
        sa.select(TargetChannel)
        .join(Target, Target.id == TargetChannel.target_id)
        .where(TargetChannel.email == email)
        .options(selectinload(TargetChannel.target))
        .order_by(Target.archived, TargetChannel.id)
        .limit(1)
    )


def _with_channels(query: sa.Select, *, with_agency: bool = True) -> sa.Select:
    loads = [selectinload(Target.channels)]
    if with_agency:
        loads.append(selectinload(Target.agency))
    return query.options(*loads).order_by(Target.body, Target.name, Target.id)


def list_targets(
    session: Session, *, body: str | None = None, agency_id: int | None = None, q: str = ""
) -> list[Target]:
    """Live targets with their channels and agency (three queries)."""
    query = sa.select(Target).where(Target.archived.is_(False))
    if body:
        query = query.where(Target.body == TargetBody(body))
    if agency_id:
        query = query.where(Target.agency_id == agency_id)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(Target.name).like(like),
                   sa.func.lower(Target.organization).like(like))
        )  # fmt: skip
    return list(session.scalars(_with_channels(query)))


def targets_by_ids(session: Session, ids: Iterable[int | None]) -> list[Target]:
    """These live targets with their channels (None, an id a form could not read, is
    left out)."""
    wanted = list({int(i) for i in ids if i is not None})
    if not wanted:
        return []
    query = sa.select(Target).where(Target.id.in_(wanted), Target.archived.is_(False))
    return list(session.scalars(_with_channels(query)))


def dhs_targets(session: Session) -> list[Target]:
    """Every live DHS target (the Secretary, ICE, ERO, CRCL…)."""
    query = sa.select(Target).where(Target.body.in_(DHS_BODIES), Target.archived.is_(False))
    return list(session.scalars(_with_channels(query)))


def agency_targets(
    session: Session, agency_ids: Iterable[int], *, with_agency: bool = True
) -> dict[int, list[Target]]:
    """Each agency's live targets with their channels, in one go (and their agency, unless
    ``with_agency=False``: sending needs only the channels)."""
    ids = list(set(agency_ids))
    out: dict[int, list[Target]] = {i: [] for i in ids}
    if not ids:
        return out
    query = sa.select(Target).where(Target.agency_id.in_(ids), Target.archived.is_(False))
    for target in session.scalars(_with_channels(query, with_agency=with_agency)):
        out[target.agency_id].append(target)
    return out


def sendable_channels(target: Target) -> list[TargetChannel]:
    """The email channels mail can go to: bouncing ones are left out until re-verified."""
    return [c for c in target.channels
            if c.kind == ChannelKind.EMAIL and c.status != ChannelStatus.BOUNCING]  # fmt: skip
