"""Who a message goes to: each target's email channels that work, and what is left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from campaign.campaigns.coalition import coalition_of
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.targets.models import ChannelKind, ChannelStatus, Target, TargetChannel


@dataclass
class Recipients:
    """The (target, channel) pairs mail goes to, and warnings for the coordinator."""

    pairs: list[tuple[Target, TargetChannel]] = field(default_factory=list)
    bouncing: list[TargetChannel] = field(default_factory=list)
    unverified: int = 0
    without_email: list[Target] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.unverified:
            out.append(f"{self.unverified} address(es) not verified yet")
        if self.bouncing:
            out.append(f"{len(self.bouncing)} bouncing address(es) left out until re-verified")
        if self.without_email:
            names = ", ".join(t.name for t in self.without_email[:10])
            out.append(f"{len(self.without_email)} target(s) without a working email: {names}")
        return out


def recipients_of(targets: list[Target]) -> Recipients:
    """Every working email channel of these targets (channels loaded with them)."""
    out = Recipients()
    seen: set[str] = set()
    for target in targets:
        emails = [c for c in target.channels if c.kind == ChannelKind.EMAIL]
        working = [c for c in emails if c.status != ChannelStatus.BOUNCING]
        out.bouncing += [c for c in emails if c.status == ChannelStatus.BOUNCING]
        if not working:
            out.without_email.append(target)
        for channel in working:
            if channel.email in seen:  # two targets sharing one office address: one mail
                continue
            seen.add(channel.email)
            out.pairs.append((target, channel))
            out.unverified += channel.status == ChannelStatus.UNVERIFIED
    return out


def enqueue_to(
    session: Session,
    recipients: Recipients,
    *,
    campaign_id: int,
    subject: str,
    body_text: str,
    kind: str,
    attachment_sha256: str | None,
    attachment_name: str | None,
    actor_id: int | None,
    identity: dict[str, str | None] | None = None,
    **links: int | None,
) -> list[OutboxMessage]:
    """One outbox row (one receipt) per recipient, from the coalition, linked to what it
    delivers (``letter_delivery_id=``, ``demand_id=``, ``agency_follow_up_id=``).
    ``identity``: the coalition's ``mail_identity()`` when the caller has it already."""
    if identity is None:
        identity = mail_identity(session, campaign_id)
    rows = []
    for target, channel in recipients.pairs:
        row = enqueue(
            session, to=channel.email or channel.address, subject=subject, body_text=body_text,
            kind=kind, attachment_sha256=attachment_sha256, attachment_name=attachment_name,
            **identity,
        )  # fmt: skip
        row.campaign_id, row.target_id, row.channel_id = campaign_id, target.id, channel.id
        row.sent_by_id = actor_id
        for column, value in links.items():
            setattr(row, column, value)
        rows.append(row)
    session.flush()
    return rows


def mail_identity(session: Session, campaign_id: int) -> dict[str, str | None]:
    """The From name and Reply-To of the campaign's mail (one query)."""
    return coalition_of(session, campaign_id).mail_identity()
