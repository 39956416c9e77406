"""Saved target sets: targets chosen by attributes (agencies of a state, with an agreement
of a model; every target of a body), resolved whenever the set is used, with warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency, Agreement, AgreementModel, AgreementStatus
from campaign.agencies.standing import standings
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import Conflict, DomainError
from campaign.core.states import STATES
from campaign.targets.models import ChannelKind, ChannelStatus, Target, TargetBody, TargetSet
from campaign.targets.services import agency_targets, list_targets


@dataclass(frozen=True)
class Criteria:
    """What a set selects. Agencies: with an agreement (of ``model``, in ``state``) that ICE
    lists, or once listed with ``include_delisted``; plus every target of ``bodies``."""

    state: str | None = None
    model: str | None = None
    include_delisted: bool = False
    bodies: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict) -> Criteria:
        return cls(
            state=data.get("state") or None,
            model=data.get("model") or None,
            include_delisted=bool(data.get("include_delisted")),
            bodies=tuple(data.get("bodies") or ()),
        )

    def to_dict(self) -> dict:
        return {"state": self.state, "model": self.model,
                "include_delisted": self.include_delisted, "bodies": list(self.bodies)}  # fmt: skip

    @property
    def selects_agencies(self) -> bool:
        return bool(self.state or self.model) or not self.bodies

    def describe(self) -> str:
        parts = []
        if self.selects_agencies:
            what = "agencies"
            if self.model:
                what += f" with a {self.model} agreement"
            if self.state:
                what += f" in {self.state}"
            what += " listed by ICE" + (" (or once listed)" if self.include_delisted else "")
            parts.append(what)
        parts += [TargetBody(b).label for b in self.bodies]
        return "; ".join(parts)


@dataclass
class Resolution:
    """A set's targets today, and what the coordinator should know before sending."""

    targets: list[Target] = field(default_factory=list)
    agencies: int = 0
    agencies_without_targets: list[Agency] = field(default_factory=list)
    delisted_agencies: list[Agency] = field(default_factory=list)
    unverified_channels: int = 0
    bouncing_channels: int = 0
    targets_without_email: int = 0

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.unverified_channels:
            out.append(f"{self.unverified_channels} email channel(s) not verified yet")
        if self.bouncing_channels:
            out.append(f"{self.bouncing_channels} email channel(s) bouncing: no mail goes to them")
        if self.targets_without_email:
            out.append(f"{self.targets_without_email} target(s) without a working email channel")
        if self.agencies_without_targets:
            out.append(f"{len(self.agencies_without_targets)} agency(ies) without any target")
        if self.delisted_agencies:
            out.append(
                f"{len(self.delisted_agencies)} agency(ies) whose agreement ICE no longer lists"
            )
        return out


def check_criteria(criteria: Criteria) -> Criteria:
    """A DomainError for values no form offers."""
    if criteria.state and criteria.state not in STATES:
        raise DomainError("Choose a state.", field="state")
    if criteria.model and criteria.model not in {m.value for m in AgreementModel}:
        raise DomainError("Choose a model.", field="model")
    bodies = {b.value for b in TargetBody}
    if any(b not in bodies for b in criteria.bodies):
        raise DomainError("Choose bodies from the list.", field="bodies")
    return criteria


def save_set(session: Session, *, name: str, criteria: Criteria, actor: User) -> TargetSet:
    """Save a target set under a unique name."""
    name = " ".join((name or "").split())[:200]
    if not name:
        raise DomainError("Name the set.", field="name")
    check_criteria(criteria)
    if session.scalar(sa.select(TargetSet.id).where(TargetSet.name == name)):
        raise Conflict("A set has this name already.", field="name")
    target_set = TargetSet(name=name, criteria=criteria.to_dict(), created_by_id=actor.id)
    session.add(target_set)
    session.flush()
    record(session, actor, "target_set.create", "target_set", target_set.id, **criteria.to_dict())
    return target_set


def matching_agencies(session: Session, criteria: Criteria) -> list[Agency]:
    """The agencies a set's criteria select (none when it names bodies only)."""
    if not criteria.selects_agencies:
        return []
    statuses = [AgreementStatus.PARTICIPATING]
    if criteria.include_delisted:
        statuses.append(AgreementStatus.NO_LONGER_LISTED)
    match = sa.select(Agreement.id).where(
        Agreement.agency_id == Agency.id, Agreement.status.in_(statuses)
    )
    if criteria.model:
        match = match.where(Agreement.model == AgreementModel(criteria.model))
    query = sa.select(Agency).where(Agency.merged_into_id.is_(None), match.exists())
    if criteria.state:
        query = query.where(Agency.state == criteria.state)
    return list(session.scalars(query.order_by(Agency.state, Agency.name)))


def resolve(session: Session, criteria: Criteria) -> Resolution:
    """The set's targets now (a handful of queries, whatever its size) and its warnings."""
    out = Resolution()
    agencies = matching_agencies(session, criteria)
    out.agencies = len(agencies)
    by_agency = agency_targets(session, [a.id for a in agencies])
    standing = standings(session, [a.id for a in agencies])
    seen: set[int] = set()
    for agency in agencies:
        if not by_agency[agency.id]:
            out.agencies_without_targets.append(agency)
        if standing.get(agency.id) and standing[agency.id].gone:
            out.delisted_agencies.append(agency)
        for target in by_agency[agency.id]:
            if target.id not in seen:
                seen.add(target.id)
                out.targets.append(target)
    for body in criteria.bodies:
        for target in list_targets(session, body=body):
            if target.id not in seen:
                seen.add(target.id)
                out.targets.append(target)
    for target in out.targets:
        emails = [c for c in target.channels if c.kind == ChannelKind.EMAIL]
        out.unverified_channels += sum(c.status == ChannelStatus.UNVERIFIED for c in emails)
        out.bouncing_channels += sum(c.status == ChannelStatus.BOUNCING for c in emails)
        if not any(c.status != ChannelStatus.BOUNCING for c in emails):
            out.targets_without_email += 1
    return out
