"""The review queue's search: kept in step with every write, rebuilt by ``flask reindex``,
never an error whatever is typed, counted no further than needed."""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaign.review import queries
from campaign.signons.models import SignOn
from tests.letters.factories import make_letter
from tests.review.factories import bulk_signons, make_signon
from tests.review.helpers import base
from tests.search.corpus import QUERIES


def found(session, letter, q: str) -> set[str]:
    filters = queries.with_search(session, queries.SignOnFilters(q=q))
    ids = queries.filtered_ids(letter, filters)
    return set(session.scalars(sa.select(SignOn.org_name).where(SignOn.id.in_(ids))))


def test_the_index_follows_inserts_updates_and_deletes(session):
    letter = make_letter(session)
    signon = make_signon(session, letter, org_name="Frontera Watch", city="Laredo")
    bulk_signons(session, letter, 3)  # Core executemany INSERT
    assert found(session, letter, "fronter") == {"Frontera Watch"}
    assert found(session, letter, "laredo") == {"Frontera Watch"}
    assert found(session, letter, "bulk organization 2") == {"Bulk Organization 2"}
    signon.org_name = "Border Rights Watch"
    session.commit()
    assert found(session, letter, "frontera") == set()
    assert found(session, letter, "border rights") == {"Border Rights Watch"}
    session.delete(signon)
    session.commit()
    assert found(session, letter, "border") == set()


def test_a_forgotten_person_is_no_longer_found_by_name_email_or_comment(session, make_user):
    from campaign.directory.linking import link_signons
    from campaign.privacy.services import forget_person

    letter = make_letter(session)
    signon = make_signon(
        session, letter, org_name="Casa Esperanza", signer_name="Rigoberta Quispe",
        signer_email="rigoberta@casa.example", comment="Signed by Rigoberta",
    )  # fmt: skip
    link_signons(session, [signon])
    session.commit()
    assert found(session, letter, "rigoberta") == {"Casa Esperanza"}
    from campaign.directory.models import Contact

    contact = session.scalar(sa.select(Contact).where(Contact.email == "rigoberta@casa.example"))
    forget_person(session, contact, actor=make_user())
    session.commit()
    assert found(session, letter, "rigoberta") == set()
    assert found(session, letter, "quispe") == set()
    assert found(session, letter, "casa esperanza") == {"Casa Esperanza"}


def test_reindex_rebuilds_a_stale_index(session, runner):
    letter = make_letter(session)
    make_signon(session, letter, org_name="Frontera Watch")
    # written behind the triggers' back: the stored text no longer says the name
    session.execute(sa.text("UPDATE sign_ons SET search_text = 'stale'"))
    assert found(session, letter, "frontera") == set()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "sign_ons: reindexed" in result.output
    assert found(session, letter, "frontera") == {"Frontera Watch"}
    assert found(session, letter, "stale") == set()


def test_typed_syntax_is_never_an_error(login_as, session):
    letter = make_letter(session)
    make_signon(session, letter, org_name="ACLU of Texas")
    c = login_as("coordinator")
    url = base(session, letter)
    for q in QUERIES:
        for path in ("", "/export.csv"):
            response = c.get(url + path, query_string={"q": q})
            assert response.status_code == 200, (q, path)
    html = c.get(url, query_string={"q": "aclu tex"}).get_data(as_text=True)
    assert "ACLU of Texas" in html.split("<tbody>")[-1]


def test_near_spellings_are_said(login_as, session):
    letter = make_letter(session)
    make_signon(session, letter, org_name="Mecklenburg County Immigrant Coalition")
    html = (
        login_as("coordinator").get(base(session, letter) + "?q=Mecklenberg").get_data(as_text=True)
    )
    assert "Mecklenburg County Immigrant Coalition" in html.split("<tbody>")[-1]
    assert re.search(r"No word starts with “mecklenberg”: also searched “mecklenburg”", html)


def test_counting_stops_past_the_cap(login_as, session):
    from campaign.core.pagination import Page
    from campaign.search.match import capped_count

    letter = make_letter(session)
    bulk_signons(session, letter, 8)
    ids = queries.filtered_ids(letter, queries.SignOnFilters(q="bulk"))
    assert capped_count(session, ids, 5) == (5, True)
    assert capped_count(session, ids, 8) == (8, False)
    assert Page([], 1, 50, 1000, more=True).total_label == "1,000+"
    assert Page([], 1, 50, 1000, more=True).has_next
    html = login_as("coordinator").get(base(session, letter) + "?q=bulk+organization+3")
    assert "1 in all" in html.get_data(as_text=True)


def test_directory_search_follows_linking_backfill_and_edits(login_as, session):
    from campaign.directory.backfill import backfill
    from campaign.directory.models import Contact, Organization
    from tests.directory.factories import linked_signon

    letter = make_letter(session)
    linked_signon(session, letter, org_name="Frontera Watch", signer_email="lu@frontera.example")
    make_signon(session, letter, org_name="Casa Libre", signer_name="Rigoberta Quispe",
                signer_email="rq@casalibre.example")  # fmt: skip
    backfill(session.connection())  # plain Core inserts, outside the models
    session.commit()
    c = login_as("member")

    def names(q: str) -> set[str]:
        html = c.get("/directory", query_string={"q": q}).get_data(as_text=True)
        return {n for n in ("Frontera Watch", "Casa Libre", "Border Watch") if n in html}

    assert names("fronter") == {"Frontera Watch"}
    assert names("lu@frontera") == {"Frontera Watch"}  # the contact's address
    assert names("casa libre") == {"Casa Libre"}
    assert names("quispe") == {"Casa Libre"}  # the contact backfill brought in
    org = session.scalar(sa.select(Organization).where(Organization.name == "Frontera Watch"))
    org.name = "Border Watch"
    contact = session.scalar(sa.select(Contact).where(Contact.email == "rq@casalibre.example"))
    contact.name = "R. Q."
    session.commit()
    assert names("frontera watch") == set()  # the address still says frontera
    assert names("border") == {"Border Watch"}
    assert names("quispe") == set()
