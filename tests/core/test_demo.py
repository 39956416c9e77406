"""The demo command."""

import sqlalchemy as sa

from campaign import models


def _table_counts(session):
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in models.Base.metadata.sorted_tables
        if table.name != "audit_events"
    }


def test_demo_twice_changes_nothing_the_second_time(runner, session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo admin login: admin@example.org / " in first.output
    after_first = _table_counts(session)
    audit_first = session.scalar(sa.select(sa.func.count()).select_from(models.AuditEvent))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _table_counts(session) == after_first
    assert session.scalar(sa.select(sa.func.count()).select_from(models.AuditEvent)) == audit_first
    assert first.output.splitlines()[-1] == second.output.splitlines()[-1]


def test_demo_admin_can_log_in(runner, client):
    output = runner.invoke(args=["demo"]).output
    password = output.strip().splitlines()[-1].split(" / ")[1]
    response = client.post("/login", data={"email": "admin@example.org", "password": password})
    assert response.status_code == 302


def test_demo_names_a_realistic_coalition_with_contact_and_logo(runner, client, session):
    from campaign.campaigns.coalition import instance_coalition
    from campaign.letters.models import Letter, LetterStatus

    assert runner.invoke(args=["demo"]).exit_code == 0
    coalition = instance_coalition(session)
    assert coalition.name == "Coalition to End 287(g)"
    assert coalition.contact_email == "info@end287g.example.org"
    assert client.get(f"/coalition/logo/{coalition.logo_sha256}").mimetype == "image/png"
    letter = session.scalar(sa.select(Letter).where(Letter.status != LetterStatus.DRAFT))
    page = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "Coalition to End 287(g)" in page and "info@end287g.example.org" in page
