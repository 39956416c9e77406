"""What a bulk send of packets costs the database: the same statements for each demand,
and the things every demand shares (targets, the coalition's identity) read once
(issue 17's bench: 500 packets)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from campaign.auth.models import User
from campaign.demands.models import Demand
from campaign.sending.bulk import bulk_send_packets
from campaign.uploads.store import store_for
from tests import factories
from tests.sending.factories import ready_demand


def _demands(session, n: int, prefix: str = "County"):
    campaign = factories.create_campaign(session)
    ids = [
        ready_demand(
            session,
            campaign=campaign,
            name=f"{prefix} {i} Sheriff's Office",
            email=f"sheriff{i}@{prefix.lower()}{i}.example.org",
        ).id
        for i in range(n)
    ]
    return list(session.scalars(sa.select(Demand).where(Demand.id.in_(ids)).order_by(Demand.id)))


def _send(app, session, count_queries, demands) -> list[str]:
    actor = session.scalars(sa.select(User)).first()
    with count_queries() as q:
        outcomes = bulk_send_packets(
            session, demands, include_dhs=False, sent_on=date(2026, 12, 1),
            today=date(2026, 12, 1), static_dir=app.static_folder, store=store_for(app),
            actor=actor,
        )  # fmt: skip
    assert [o.error for o in outcomes] == [""] * len(demands)
    return q.statements


def _reading(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if re.match(rf"\s*SELECT\b.*\bFROM {table}\b", s, re.S)]


def test_each_demand_costs_the_same_statements(app, session, count_queries):
    one = _send(app, session, count_queries, _demands(session, 1))
    three = _send(app, session, count_queries, _demands(session, 3, "Parish"))
    # a fixed cost per bulk send, and the same per demand: no query grows with the batch
    per_demand = (len(three) - len(one)) // 2
    assert len(three) - len(one) == 2 * per_demand
    assert len(one) - per_demand == len(three) - 3 * per_demand
    # and that per-demand cost stays small (the packet's snapshot, the move to "sent" and
    # its event, the receipt, the audit): a statement more is a choice, not an accident
    assert per_demand <= 18, (per_demand, three)


def test_targets_and_the_coalition_are_read_once(app, session, count_queries):
    statements = _send(app, session, count_queries, _demands(session, 4))
    # the agencies' targets and their channels: once for the batch, not per demand
    assert len(_reading(statements, "targets")) == 1
    assert len(_reading(statements, "target_channels")) == 1
    # the coalition's name and address: printed on each packet (its own snapshot, as the
    # download prints it), and for the From and Reply-To of every receipt read once
    coalition = [s for s in statements if "coalition_name" in s]
    assert len(coalition) == 4 + 1, coalition
