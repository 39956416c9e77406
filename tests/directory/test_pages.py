"""The directory list (search, filters, a fixed number of queries) and an organization page."""

from datetime import timedelta

import pytest

from campaign.db import utcnow
from campaign.signons.models import Level, SignOnStatus
from tests.directory.factories import linked_signon
from tests.letters.factories import make_letter


def test_list_search_and_filters(login_as, session):
    letter = make_letter(session)
    linked_signon(session, letter, org_name="Texas Civil Rights Project", signer_email="t@tcrp.org")
    linked_signon(
        session, letter, org_name="Arizona Justice", state="AZ", signer_email="a@az.example"
    )
    linked_signon(
        session,
        letter,
        org_name="National Network",
        level=Level.NATIONAL,
        signer_email="n@nn.example",
        status=SignOnStatus.PENDING,
    )
    old = linked_signon(session, letter, org_name="Old Friends", signer_email="o@old.example")
    old.signed_at = utcnow() - timedelta(days=800)
    session.commit()
    c = login_as("member")

    def names(query: str) -> set[str]:
        html = c.get("/directory" + query).get_data(as_text=True)
        candidates = ["Texas Civil Rights", "Arizona Justice", "National Network", "Old Friends"]
        return {n for n in candidates if n in html}

    assert names("") == {"Texas Civil Rights", "Arizona Justice", "National Network", "Old Friends"}
    assert names("?q=civil+rights") == {"Texas Civil Rights"}
    assert names("?q=a%40az.example") == {"Arizona Justice"}
    assert names("?state=AZ") == {"Arizona Justice"}
    assert names("?level=national") == {"National Network"}
    assert names("?activity=never") == {"National Network"}  # pending does not count
    assert names("?activity=recent&months=12") == {"Texas Civil Rights", "Arizona Justice"}
    assert names("?activity=recent&months=48") == {
        "Texas Civil Rights",
        "Arizona Justice",
        "Old Friends",
    }
    # odd values are ignored, never an error
    assert c.get("/directory?level=x&state=zz&activity=y&months=q&page=-3").status_code == 200


@pytest.mark.parametrize("n", [3, 60])
def test_list_runs_a_fixed_number_of_queries(login_as, session, count_queries, n):
    letter = make_letter(session)
    for i in range(n):
        linked_signon(session, letter, org_name=f"Org {i}", signer_email=f"p{i}@example.org")
    c = login_as("member")
    c.get("/directory")  # warm the login
    with count_queries() as q:
        assert c.get("/directory?q=org").status_code == 200
    # the user, the count and the page of rows
    assert q.count <= 3, q.statements


def test_organization_page_lists_contacts_and_letters(login_as, session):
    first, second = make_letter(session, title="First letter"), make_letter(session, title="Second")
    a = linked_signon(session, first, org_name="Asociación Latina", signer_email="x@al.example")
    linked_signon(
        session,
        second,
        org_name="Asociacion Latina",
        signer_email="y@al.example",
        signer_name="Yoli",
        status=SignOnStatus.APPROVED,
    )
    c = login_as("member")
    html = c.get(f"/directory/{a.organization_id}").get_data(as_text=True)
    assert "x@al.example" in html and "y@al.example" in html
    assert "First letter" in html and "Second" in html
    assert "Approved" in html and "Confirmed" in html
    assert "no link from an organization" in html
    assert "Forget this person" not in html  # a member cannot act
    assert c.get("/directory/999999").status_code == 404
