"""The audit log page."""

from campaign.audit.services import record


def test_coordinator_filters_events(login_as, session):
    c = login_as("coordinator")
    record(session, c.user, "letter.open", "letter", 7, note="x")
    record(session, c.user, "demand.send", "demand", 9)
    session.commit()
    html = c.get("/audit?action=letter.").get_data(as_text=True)
    assert "letter.open" in html and "demand.send" not in html
    html = c.get("/audit?entity=demand&entity_id=9").get_data(as_text=True)
    assert "demand.send" in html and "letter.open" not in html


def test_bad_filter_values_do_not_break_the_page(login_as):
    c = login_as("coordinator")
    response = c.get("/audit?since=not-a-date&entity_id=abc&page=-4&user=zz")
    assert response.status_code == 200
    assert "Not a valid date" in response.get_data(as_text=True)


def test_members_cannot_read_the_audit_log(login_as):
    assert login_as("member").get("/audit").status_code == 403
