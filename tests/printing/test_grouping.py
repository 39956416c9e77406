"""Groups, their order, the order within them, and the counts N and M."""

import pytest

from campaign.printing.grouping import (
    build_list,
    count_phrase,
    count_states,
    group_signatories,
    signed_by_heading,
)
from campaign.printing.snapshot import Signatory
from tests.printing.conftest import signatories


def headings(groups):
    return [g.heading for g in groups]


def names(group):
    return [e.name for e in group.entries]


def test_state_grouping_national_first_then_states_by_name():
    groups = group_signatories(signatories(), "state")
    order = headings(groups)
    assert order[0] == "National"
    # by name, not by code: Georgia < Guam < Idaho < Illinois < Iowa (codes: GA GU ID IL IA)
    assert order[1:] == [
        "California", "Georgia", "Guam", "Idaho", "Illinois", "Iowa", "Michigan", "Nebraska",
        "New York", "Texas",
    ]  # fmt: skip


def test_state_and_local_share_their_state_group():
    groups = {g.heading: g for g in group_signatories(signatories(), "state")}
    assert names(groups["Idaho"]) == ["Idaho Dignity Project", "Idaho Falls Workers"]
    assert names(groups["New York"]) == [
        "Brooklyn Défense Committee",
        "The New York Immigration Table",
    ]
    # a national organization stays national whatever its headquarters' state
    assert "The Zeta National Fund" in names(groups["National"])


def test_within_a_group_the_and_case_and_accents_are_ignored():
    people = [
        Signatory("The Zeta Group", "national"),
        Signatory("alpha group", "national"),
        Signatory("Éclair Group", "national"),
        Signatory("Beta Group", "national"),
        Signatory("the Delta Group", "national"),
    ]
    (group,) = group_signatories(people, "state")
    assert names(group) == [
        "alpha group", "Beta Group", "the Delta Group", "Éclair Group", "The Zeta Group",
    ]  # fmt: skip


def test_places_follow_the_grouping():
    people = [
        Signatory("Local One", "local", "NY", "Buffalo"),
        Signatory("State One", "state", "NY"),
        Signatory("Nat One", "national", "NY", "New York"),
    ]
    by_state = {e.name: e.place for g in group_signatories(people, "state") for e in g.entries}
    assert by_state == {"Local One": "Buffalo", "State One": "", "Nat One": ""}
    by_level = {e.name: e.place for g in group_signatories(people, "level") for e in g.entries}
    assert by_level == {"Local One": "Buffalo, NY", "State One": "NY", "Nat One": ""}
    bare = group_signatories(people, "alpha", show_places=False)
    assert all(e.place == "" for g in bare for e in g.entries)


def test_unknown_state_goes_last_under_other():
    people = [Signatory("Nowhere", "local", ""), Signatory("Somewhere", "local", "ZZ"),
              Signatory("Ohio Org", "state", "OH")]  # fmt: skip
    groups = group_signatories(people, "state")
    assert headings(groups) == ["Ohio", "Other"]
    assert names(groups[-1]) == ["Nowhere", "Somewhere"]


def test_level_grouping():
    groups = group_signatories(signatories(), "level")
    assert headings(groups) == ["National", "State", "Local"]
    assert names(groups[0]) == ["Alpha National Network", "Écoute National Alliance",
                                "The Zeta National Fund"]  # fmt: skip
    assert "Iowa Justice Center" in names(groups[1])
    assert "Brooklyn Défense Committee" in names(groups[2])


def test_alpha_grouping_is_one_list_without_heading():
    (group,) = group_signatories(signatories(), "alpha")
    assert group.heading == ""
    listed = [s for s in signatories() if s.listed]
    assert len(group.entries) == len(listed)
    assert names(group)[:3] == ["Alpha National Network", "Brooklyn Défense Committee",
                                "California Rapid Response"]  # fmt: skip


def test_unlisted_are_counted_but_not_printed():
    result = build_list(signatories(), "state")
    printed = [e.name for g in result.groups for e in g.entries]
    assert "Hidden Donor Network" not in printed and "Quiet Local Group" not in printed
    assert result.organizations == 22  # 20 listed + 2 unlisted
    # NY DC IA ID NE GU GA CA TX MI IL + WA VT (from the unlisted) = 13
    assert result.states == 13
    assert result.heading == "Signed by 22 organizations from 13 states and territories"
    assert result.unlisted == 2
    assert result.unlisted_note == "2 further organizations signed and asked not to be listed."


def test_states_count_ignores_missing_and_unknown_codes():
    assert count_states([Signatory("A", state=""), Signatory("B", state="ZZ"),
                         Signatory("C", state="pr"), Signatory("D", state="PR")]) == 1  # fmt: skip


@pytest.mark.parametrize(
    ("n", "m", "expected"),
    [
        (1, 1, "Signed by 1 organization from 1 state or territory"),
        (2, 1, "Signed by 2 organizations from 1 state or territory"),
        (1, 0, "Signed by 1 organization"),
        (1234, 56, "Signed by 1,234 organizations from 56 states and territories"),
        (0, 0, "No organizations have signed yet"),
    ],
)
def test_heading_wording(n, m, expected):
    assert signed_by_heading(n, m) == expected


def test_heading_override_keeps_the_counts_line():
    result = build_list(
        [Signatory("Late", "local", "OR")], heading="Additional signatories since May 18, 2026"
    )
    assert result.heading == "Additional signatories since May 18, 2026"
    assert result.counts_line == count_phrase(1, 1) == "1 organization from 1 state or territory"
    assert result.unlisted_note == ""


def test_leading_quotes_and_punctuation_are_skipped():
    people = [Signatory("“Unidos” Fund", "national"), Signatory("Teatro", "national"),
              Signatory("(Vida) Center", "national")]  # fmt: skip
    (group,) = group_signatories(people, "alpha")
    assert names(group) == ["Teatro", "“Unidos” Fund", "(Vida) Center"]
