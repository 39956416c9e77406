"""An Action Network export of a letter's signers imports with a preset mapping: their
columns known (email, first and last name, the can2_ address columns, the timestamp), the
form's own questions guessed; bad rows reported, a second import adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.review import actionnetwork
from campaign.review import mapping as csv_mapping
from campaign.review.csvio import read_csv
from campaign.signons.models import Level, SignOn, SignOnStatus
from tests.fixtures import action_network
from tests.letters.factories import make_letter
from tests.review.helpers import base
from tests.review.test_import import upload
from tests.review.test_import_google_forms import selected_options

EXPECTED = {
    "signer_email": "email",
    "signer_name": "full_name",
    "state": "can2_state_abbreviated",
    "city": "can2_user_city",
    "signed_at": "timestamp",
    "org_name": "Organization",
    "signer_title": "Title",
    "level": "Is your organization national or local?",
    "comment": "Comments",
}


def test_the_preset_maps_an_action_network_export():
    prepared = read_csv(actionnetwork.prepare(action_network.export_csv()))
    assert prepared.headers[-1] == "full_name"
    assert prepared.rows[0][-1] == "María González"
    assert csv_mapping.initial_mapping(prepared.headers, {}) == EXPECTED
    # a file that is not one is left as it is
    other = b"Organization,Email\nA,a@example.org\n"
    assert actionnetwork.prepare(other) == other
    assert actionnetwork.preset_mapping(["Organization", "Email"]) == {}


def test_an_action_network_export_imports_through_the_usual_steps(login_as, session):
    letter = make_letter(session)
    letter_id = letter.id
    c = login_as("coordinator")
    map_url = upload(c, base(session, letter), action_network.export_csv(), "export.csv")
    map_url = map_url.headers["Location"]
    html = c.get(map_url).get_data(as_text=True)
    assert selected_options(html) == EXPECTED
    assert "3 to add · 0 already on the letter · 1 with errors" in html
    assert "“not-an-email” is not an email address." in html
    response = c.post(map_url, data={**EXPECTED, "action": "import"})
    assert response.status_code == 302
    session.expire_all()
    rows = {
        s.org_name: s
        for s in session.scalars(sa.select(SignOn).where(SignOn.letter_id == letter_id))
    }
    assert set(rows) == {"La Unión del Pueblo Entero", "Northern Coalition for Immigrant Rights",
                         "National Immigrant Advocates"}  # fmt: skip
    lupe = rows["La Unión del Pueblo Entero"]
    assert (lupe.signer_name, lupe.signer_email, lupe.signer_title) == (
        "María González", "mgonzalez@lupe.example", "Executive Director",
    )  # fmt: skip
    assert (lupe.level, lupe.state, lupe.city, lupe.comment) == (
        Level.LOCAL, "TX", "San Juan", "Proud to sign",
    )  # fmt: skip
    assert lupe.status == SignOnStatus.CONFIRMED and lupe.signed_at is not None
    assert rows["National Immigrant Advocates"].level == Level.NATIONAL
    # the same export again adds nothing
    again = upload(c, base(session, letter), action_network.export_csv(), "export.csv")
    html = c.get(again.headers["Location"]).get_data(as_text=True)
    assert "0 to add · 3 already on the letter · 1 with errors" in html
