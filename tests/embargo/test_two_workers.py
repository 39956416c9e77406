"""Two workers releasing the same embargo at the same moment on PostgreSQL: one releases,
the other's conditional UPDATE waits for it and then finds nothing to do."""

from __future__ import annotations

import os
import threading
from datetime import date, time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from campaign.db import make_engine
from campaign.embargo import jobs, services
from campaign.mail.models import OutboxMessage
from campaign.uploads.store import store_for
from tests.embargo.factories import BEFORE, LAUNCH, LAUNCH_UTC
from tests.servers import scratch_database

PG = os.environ.get("CAMPAIGN_TEST_DATABASE_URL", "")


def _seed(url: str) -> None:
    from campaign.auth.models import Role
    from campaign.auth.services import create_user
    from campaign.campaigns.services import create_campaign
    from campaign.letters.models import LetterStatus
    from campaign.letters.services import change_status, create_letter
    from campaign.migrate import upgrade
    from tests.review.factories import make_signon

    upgrade(url)
    with Session(make_engine(url)) as session:
        user = create_user(
            session,
            email="c@example.org",
            name="C",
            password="two workers password",
            role=Role.COORDINATOR,
        )
        campaign = create_campaign(session, name="Launch", description="", actor=user)
        letter = create_letter(
            session,
            campaign,
            title="Embargoed",
            addressees="DHS",
            body="End 287(g).",
            closing="",
            sender="",
            deadline_on=date(2027, 6, 1),
            deadline_time=time(17, 0),
            deadline_tz="America/New_York",
            actor=user,
        )
        change_status(session, letter, LetterStatus.OPEN, actor=user, now=BEFORE)
        services.set_embargo(session, letter, LAUNCH, actor=user, now=BEFORE)
        session.commit()
        for i in range(3):
            make_signon(session, letter, signer_email=f"s{i}@example.org", keep_informed=True)


@pytest.mark.skipif(not PG.startswith("postgresql"), reason="row locks: PostgreSQL only")
def test_two_workers_at_the_same_moment_release_once(app, tmp_path, monkeypatch):
    with scratch_database(tmp_path, PG, suffix="_embargo2") as url:
        _seed(url)
        engine = make_engine(url)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        first_holds = threading.Event()
        real = services.mail_keep_informed
        calls: list[str] = []

        def held(session, letter):
            # the first release keeps its row lock until the other worker waits on it
            calls.append(threading.current_thread().name)
            first_holds.set()
            with engine.connect() as probe:
                for _ in range(100_000):
                    waiting = probe.execute(sa.text(
                        "select count(*) from pg_stat_activity "
                        "where wait_event_type = 'Lock' and datname = current_database()"
                    )).scalar()  # fmt: skip
                    if waiting:
                        break
            return real(session, letter)

        monkeypatch.setattr(services, "mail_keep_informed", held)
        results: dict[str, jobs.Round] = {}

        def worker(name: str, wait: bool) -> None:
            if wait:
                first_holds.wait()
            with app.app_context():
                results[name] = jobs.run_due(
                    factory, static_dir=app.static_folder, store=store_for(app), now=LAUNCH_UTC
                )

        threads = [
            threading.Thread(target=worker, args=("a", False), name="a"),
            threading.Thread(target=worker, args=("b", True), name="b"),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r.released for r in results.values()) == [0, 1]
        assert calls == ["a"]
        with engine.connect() as conn:
            told = conn.execute(
                sa.select(OutboxMessage.to_addr).where(OutboxMessage.kind == "embargo.released")
            ).scalars().all()  # fmt: skip
            releases = conn.execute(
                sa.text("select count(*) from audit_events where action = 'embargo.release'")
            ).scalar()  # fmt: skip
        assert sorted(told) == ["s0@example.org", "s1@example.org", "s2@example.org"]
        assert releases == 1
        engine.dispose()
