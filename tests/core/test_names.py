"""Name normalisation used for de-duplication and sorting."""

import pytest

from campaign.core.names import fold, org_key, sort_key
from campaign.core.states import code_for_name, state_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Immigrant Rights Coalition, Inc.", "immigrant rights coalition"),
        ("Café Solidaridad", "CAFE SOLIDARIDAD"),
        ("Women’s Refugee Commission", "Women's Refugee Commission"),
        ("Al Otro Lado", "  Al   Otro  Lado "),
        ("Faith & Justice", "Faith and Justice"),
        ("Acme LLC", "Acme"),
    ],
)
def test_same_organization_same_key(a, b):
    assert org_key(a) == org_key(b)


def test_different_organizations_differ():
    assert org_key("ACLU of Texas") != org_key("ACLU of Florida")
    assert org_key("Theatre Collective") == "theatre collective"


def test_fold_and_sort_key():
    assert fold("  Ñandú   Élan ") == "nandu elan"
    assert sort_key("The Zebra Fund") > sort_key("Ángel Network")
    assert sorted(["The Zebra Fund", "Ángel Network", "bravo"], key=sort_key) == [
        "Ángel Network",
        "bravo",
        "The Zebra Fund",
    ]


def test_states():
    assert code_for_name("  new   york ") == "NY"
    assert code_for_name("GUAM") == "GU"
    assert code_for_name("tx") == "TX"
    assert code_for_name("MCHIGAN") is None
    assert state_name("pr") == "Puerto Rico"
