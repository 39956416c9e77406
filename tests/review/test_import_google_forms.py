"""The Google Forms import as a coalition meets it: the form's long questions mapped right
on the first try and remembered in every campaign, blank and "No – please count us"
answers, "keep me informed", a repeated submission, the form's timestamps."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from campaign.review import mapping as csv_mapping
from campaign.review import values
from campaign.review.guessing import guess_mapping
from campaign.review.models import CsvColumnChoice
from campaign.signons.models import Level, SignOn
from tests import factories
from tests.fixtures import google_forms
from tests.letters.factories import make_letter
from tests.review.helpers import base, events
from tests.review.test_import import upload

NEW_YORK = ZoneInfo("America/New_York")


def selected_options(html: str) -> dict[str, str]:
    """Field name → the column selected in the mapping form."""
    out = {}
    for name, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        m = re.search(r'<option (?:selected )?value="([^"]*)"(?: selected)?>', body)
        chosen = re.search(r'<option[^>]*\bselected\b[^>]*value="([^"]*)"|'
                           r'<option[^>]*value="([^"]*)"[^>]*\bselected\b', body)  # fmt: skip
        if chosen:
            out[name] = (chosen.group(1) or chosen.group(2) or "").replace("&#39;", "'")
        elif m:
            out[name] = ""
    return {k: v for k, v in out.items() if v}


def _signons(session, letter) -> dict[str, SignOn]:
    session.expire_all()
    rows = session.scalars(sa.select(SignOn).where(SignOn.letter_id == letter.id))
    return {s.org_name: s for s in rows}


def _local(text: str) -> datetime:
    return datetime.strptime(text, "%m/%d/%Y %H:%M:%S").replace(tzinfo=NEW_YORK)


def test_the_forms_questions_are_mapped_right_on_the_first_try():
    assert csv_mapping.initial_mapping(google_forms.DHS_HEADERS, {}) == google_forms.DHS_MAPPING


@pytest.mark.parametrize("state_first", [True, False])
def test_a_level_question_is_the_level_and_the_state_column_the_state(state_first):
    level = "Is your organization national, statewide, or local?"
    state = "State (if statewide or local)"
    headers = ["Organization", state, level] if state_first else ["Organization", level, state]
    fields = ["level", "state", "org_name"]
    assert guess_mapping(headers, fields) == {
        "level": level,
        "state": state,
        "org_name": "Organization",
    }
    # a field's own name beats a question that merely mentions it
    assert guess_mapping(["Where is your state office?", "State"], ["state"]) == {"state": "State"}


def test_google_forms_export_preview_and_import(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    map_url = upload(c, base(session, letter), google_forms.read()).headers["Location"]
    html = c.get(map_url).get_data(as_text=True)
    assert selected_options(html) == google_forms.DHS_MAPPING
    assert "11 to add · 1 already on the letter · 0 with errors" in html
    # a blank listing answer is its own warning, never a silent count-only
    assert re.search(r"2 organization\(s\) left “Can we list your organization&#39;s name\?” "
                     r"blank: they will be listed by name", html)  # fmt: skip
    assert html.count("No answer to the listing question: listed by name (the default).") == 2
    # the repeated submission: the later answer, with the first one's time
    assert "Submitted again on line 8: the later answer is imported." in html
    assert "Also submitted on line 6: this later answer is imported." in html
    assert "7 signer(s) to be added asked to be kept informed" in html

    response = c.post(map_url, data={**google_forms.DHS_MAPPING, "action": "import"})
    assert response.status_code == 302
    rows = _signons(session, letter)
    assert len(rows) == 11
    assert rows["The Tucson Sanctuary Network"].listed is True  # blank: the default
    assert rows["Iowa Justice for Our Neighbors"].listed is True
    assert rows["Illinois Coalition for Immigrant and Refugee Rights"].listed is False
    tcrp = rows["Texas Civil Rights Project"]
    assert (tcrp.listed, tcrp.signer_title, tcrp.keep_informed) == (False, "President", True)
    assert tcrp.signed_at == _local("6/6/2023 15:05:10")  # when it first signed
    assert rows["Illinois Coalition for Immigrant and Refugee Rights"].signed_at == _local(
        "6/5/2023 21:47:03"
    )
    iowa = rows["Asociación Latina de Iowa"]
    assert (iowa.level, iowa.state, iowa.city) == (Level.STATE, "IA", "Des Moines")
    assert rows["National Immigration Project"].level == Level.NATIONAL
    assert rows["مركز الحقوق العربية الأمريكية"].state == "MI"
    assert rows["華人權益促進會"].keep_informed is False  # left blank: not asked
    informed = sorted(name for name, s in rows.items() if s.keep_informed)
    assert len(informed) == 7 and "Éxito Immigrant Services" not in informed
    (summary,) = events(session, "signon.import")
    assert summary.details["blank_listing"] == 2 and summary.details["blank_listed"] is True


def test_blank_listing_answers_may_be_counted_only(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    map_url = upload(c, base(session, letter), google_forms.read()).headers["Location"]
    data = {**google_forms.DHS_MAPPING, "blank_listing": "count"}
    html = c.post(map_url, data={**data, "action": "preview"}).get_data(as_text=True)
    assert "blank: they will be counted without their name" in html
    c.post(map_url, data={**data, "action": "import"})
    rows = _signons(session, letter)
    assert rows["The Tucson Sanctuary Network"].listed is False
    assert rows["Asociación Latina de Iowa"].listed is True


def test_without_a_keep_informed_column_the_preview_says_signers_get_nothing(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    map_url = upload(c, base(session, letter), google_forms.read()).headers["Location"]
    data = {k: v for k, v in google_forms.DHS_MAPPING.items() if k != "keep_informed"}
    html = c.post(map_url, data={**data, "action": "preview"}).get_data(as_text=True)
    assert "No column is mapped to “Keep me informed”: imported signers are asked nothing " \
        "and get nothing" in html  # fmt: skip
    c.post(map_url, data={**data, "action": "import"})
    assert not any(s.keep_informed for s in _signons(session, letter).values())


def test_a_mapping_is_remembered_for_the_whole_coalition(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    map_url = upload(c, base(session, letter), google_forms.read()).headers["Location"]
    # the coordinator leaves the comments out
    chosen = {k: v for k, v in google_forms.DHS_MAPPING.items() if k != "comment"}
    c.post(map_url, data={**chosen, "action": "import"})
    stored = {row.header: row.field for row in session.scalars(sa.select(CsvColumnChoice))}
    assert stored["Anything else you would like us to know?"] == ""
    assert stored["Organization name"] == "org_name"
    # a letter of another campaign starts from that mapping, comments still left out
    other_campaign = factories.create_campaign(session)
    other = make_letter(session, campaign=other_campaign)
    html = c.get(upload(c, base(session, other), google_forms.read()).headers["Location"])
    assert selected_options(html.get_data(as_text=True)) == chosen
    # a file from another form is still guessed, and its known columns remembered
    assert csv_mapping.initial_mapping(
        ["Org name", "E-mail", "Organization name"],
        csv_mapping.remembered_choices(session, ["Organization name", "E-mail"]),
    ) == {"org_name": "Organization name", "signer_email": "E-mail"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("No – please count us", False), ("No—please count us", False),
     ("No, count us only", False), ("", None), ("  ", None)],
)  # fmt: skip
def test_google_forms_answers(raw, expected):
    assert values.parse_listed(raw) is expected


def test_google_forms_timestamps_without_zero_padding():
    stamp = values.parse_timestamp("6/5/2023 9:14:22", "America/New_York")
    assert stamp == datetime(2023, 6, 5, 9, 14, 22, tzinfo=NEW_YORK)


def test_the_coalition_letter_fixture_imports_as_documented(login_as, session):
    """tests/fixtures/google_forms/coalition_letter_2023.csv, for scenario tests: what
    importing it does is what its documentation says."""
    expected = google_forms.COALITION_EXPECTED
    letter = make_letter(session)
    c = login_as("coordinator")
    map_url = upload(
        c, base(session, letter), google_forms.read(google_forms.COALITION_LETTER_2023)
    )
    map_url = map_url.headers["Location"]
    html = c.get(map_url).get_data(as_text=True)
    assert selected_options(html) == google_forms.DHS_MAPPING
    assert (
        f"{expected['new']} to add · {expected['already']} already on the letter · "
        f"{expected['errors']} with errors"
    ) in html
    c.post(map_url, data={**google_forms.DHS_MAPPING, "action": "import"})
    rows = list(_signons(session, letter).values())
    assert len(rows) == expected["new"]
    assert sum(not s.listed for s in rows) == expected["count_only"]
    assert sum(s.keep_informed for s in rows) == expected["keep_informed"]
    assert {lv: sum(s.level == lv for s in rows) for lv in expected["by_level"]} == expected[
        "by_level"
    ]
    assert len({s.state for s in rows if s.state}) == expected["states"]
    utc_days = sum(s.signed_at.astimezone(NEW_YORK).date() != s.signed_at.date() for s in rows)
    assert utc_days == expected["signed_next_day_in_utc"]
    by_id = {s.id: s for s in rows}
    flagged = {
        s.org_name: by_id[s.probable_duplicate_of_id].org_name
        for s in rows
        if s.probable_duplicate_of_id
    }
    assert flagged == expected["probable_duplicates"]
    email, n = expected["one_person_several_organizations"]
    assert sum(s.signer_email == email for s in rows) == n
    assert any(s.org_name == expected["junk"] for s in rows)
    (summary,) = events(session, "signon.import")
    assert summary.details["blank_listing"] == expected["blank_listing"]
