"""Targets with channels (committed, like the other factories)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.targets.models import ChannelStatus, Target, TargetBody
from campaign.targets.services import add_channel, save_target
from tests.demands.factories import create_actor


def create_target(
    session: Session,
    *,
    name: str = "Office of the Secretary",
    body: TargetBody = TargetBody.DHS_SECRETARY,
    agency: Agency | None = None,
    emails: tuple[str, ...] = (),
    status: ChannelStatus = ChannelStatus.UNVERIFIED,
) -> Target:
    """A target with these email channels, all in ``status``."""
    actor = create_actor(session)
    target = save_target(session, None, name=name, title="", body=body, organization="",
                         agency=agency, note="", actor=actor)  # fmt: skip
    for email in emails:
        channel = add_channel(session, target, kind="email", address=email, actor=actor)
        channel.status = status
    session.commit()
    return target
