"""The sign-on list: filters, search, counts, the chart, paging in constant queries, access."""

import re

import pytest

from campaign.signons.models import Level, SignOnSource, SignOnStatus
from tests.letters.factories import make_letter
from tests.review.factories import bulk_signons, make_signon
from tests.review.helpers import base

S = SignOnStatus


@pytest.fixture
def letter_with_signons(session):
    letter = make_letter(session)
    make_signon(session, letter, org_name="Texas Civil Rights Project", state="TX")
    make_signon(session, letter, org_name="Asociación Pro Derechos", state="CA",
                signer_name="María Gómez", status=S.APPROVED)  # fmt: skip
    make_signon(session, letter, org_name="National Immigration Law Center",
                level=Level.NATIONAL, status=S.PENDING)  # fmt: skip
    original = make_signon(session, letter, org_name="American Civil Liberties Union of Texas")
    make_signon(session, letter, org_name="ACLU of Texas", probable_duplicate_of_id=original.id)
    make_signon(session, letter, org_name="Hand Added Org", source=SignOnSource.MANUAL)
    return letter


def _rows(html: str) -> str:
    return html.split("<tbody>")[-1]


def test_filters_and_search(login_as, session, letter_with_signons):
    letter = letter_with_signons
    c = login_as("coordinator")
    url = base(session, letter)

    def page(query: str) -> str:
        response = c.get(url + query)
        assert response.status_code == 200
        return _rows(response.get_data(as_text=True))

    everything = page("")
    assert "Texas Civil Rights Project" in everything and "ACLU of Texas" in everything
    only_ca = page("?state=CA")
    assert "Asociación Pro Derechos" in only_ca and "Texas Civil" not in only_ca
    national = page("?state=NATIONAL")
    assert "National Immigration Law Center" in national and "Asociación" not in national
    assert "National Immigration" in page("?status=pending")
    assert "Texas Civil" not in page("?status=pending")
    assert "National Immigration" in page("?level=national")
    flagged = page("?flagged=1")
    assert "ACLU of Texas" in flagged and "Texas Civil Rights" not in flagged
    assert "Hand Added Org" in page("?source=manual") and "ACLU" not in page("?source=manual")
    # search by organization (accents ignored) and by signer
    assert "Asociación Pro Derechos" in page("?q=asociacion")
    assert "Asociación Pro Derechos" in page("?q=Mar%C3%ADa")
    assert "Texas Civil" not in page("?q=asociacion")
    # version 1 has them all; version 9 none; odd values are ignored, never a 500
    assert "Texas Civil" in page("?version=1") and "Texas Civil" not in page("?version=9")
    assert "Texas Civil" in page("?status=nonsense&level=%00&state=ZZ&version=-1&page=x")
    assert "Texas Civil" not in page("?q=%25_%5C")  # LIKE wildcards are taken literally


def test_needs_reconfirmation_filter(login_as, session):
    from campaign.letters.services import update_letter

    letter = make_letter(session)
    old = make_signon(session, letter, org_name="Signed The Old Text")
    local = letter.deadline_local
    update_letter(session, letter, title=letter.title, addressees=letter.addressees,
                  body="A materially different text", closing=letter.closing,
                  sender=letter.sender, deadline_on=local.date(), deadline_time=local.time(),
                  deadline_tz=letter.deadline_tz, show_signatories=False, auto_approve=False,
                  material=True, actor=old and None)  # fmt: skip
    session.commit()
    make_signon(session, letter, org_name="Signed The New Text")
    html = _rows(
        login_as("coordinator").get(base(session, letter) + "?reconfirm=1").get_data(as_text=True)
    )
    assert "Signed The Old Text" in html and "Signed The New Text" not in html


def test_counts_and_chart(login_as, session, letter_with_signons):
    html = login_as("coordinator").get(base(session, letter_with_signons)).get_data(as_text=True)
    assert "<svg" in html and "Sign-ons per day" in html
    # counted: 5 (the pending national one is not), by level and by state
    assert "Signed and confirmed (5), by level" in html
    assert "state=CA" in html and "state=TX" in html


def test_letter_page_links_to_the_list(login_as, session, letter_with_signons):
    letter = letter_with_signons
    url = base(session, letter)
    html = login_as("coordinator").get(url.rsplit("/signons", 1)[0]).get_data(as_text=True)
    assert f'href="{url}"' in html and "Confirmed: 4" in html
    assert "ACLU of Texas" not in html  # the rows themselves live on the review page


def _queries_for_page(c, url, count_queries) -> int:
    with count_queries() as q:
        response = c.get(url)
    assert response.status_code == 200
    return q.count


def test_queries_do_not_grow_with_the_number_of_sign_ons(login_as, session, count_queries):
    small, large = make_letter(session), make_letter(session)
    bulk_signons(session, small, 10)
    bulk_signons(session, large, 1000)
    # flag a few so that the joined rows are exercised too
    original = make_signon(session, large, org_name="Original")
    make_signon(session, large, org_name="Dup", probable_duplicate_of_id=original.id)
    c = login_as("coordinator")
    for query in ("", "?page=3", "?q=bulk&state=TX&flagged=1", "?status=approved&page=2",
                  "?version=1&reconfirm=1", "?page=999"):  # fmt: skip
        few = _queries_for_page(c, base(session, small) + query, count_queries)
        many = _queries_for_page(c, base(session, large) + query, count_queries)
        assert few == many, (query, few, many)
    html = c.get(base(session, large)).get_data(as_text=True)
    assert "Page 1 of 21" in html  # 1,002 sign-ons, 50 a page


def test_members_are_refused_and_anonymous_sent_to_login(client, login_as, session):
    letter = make_letter(session)
    signon = make_signon(session, letter)
    url = base(session, letter)
    gets = ["", "/new", "/import", f"/{signon.id}", "/export.csv", "/printed.csv"]
    posts = ["/bulk-approve", "/new", "/import", f"/{signon.id}/approve",
             f"/{signon.id}/reject", f"/{signon.id}/withdraw", f"/{signon.id}/merge",
             f"/{signon.id}/rename"]  # fmt: skip
    member = login_as("member")
    for suffix in gets:
        assert member.get(url + suffix).status_code == 403, suffix
        response = client.get(url + suffix)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for suffix in posts:
        assert member.post(url + suffix, data={"reason": "x"}).status_code == 403, suffix
        response = client.post(url + suffix)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    from tests.factories import reload

    assert reload(session, signon).status == S.CONFIRMED


def test_counts_come_from_one_grouping(session):
    from campaign.review import queries

    letter = make_letter(session)
    make_signon(session, letter, state="TX")
    make_signon(session, letter, state="TX", status=S.APPROVED, level=Level.LOCAL)
    make_signon(session, letter, state="CA", status=S.APPROVED)
    make_signon(session, letter, level=Level.NATIONAL)
    make_signon(session, letter, state="AZ", status=S.PENDING)
    make_signon(session, letter, state="NY", status=S.REJECTED)
    counts = queries.counts(session, letter)
    assert counts.by_status == {
        S.PENDING: 1, S.CONFIRMED: 2, S.APPROVED: 2, S.REJECTED: 1, S.WITHDRAWN: 0, S.MERGED: 0,
    }  # fmt: skip
    assert counts.by_level == {Level.NATIONAL: 1, Level.STATE: 2, Level.LOCAL: 1}
    assert counts.by_state == [("CA", 1), ("TX", 2)]  # counted only, by state name
    assert (counts.counted, counts.total) == (4, 6)


def test_pages_keep_the_order_newest_first(login_as, session):
    from campaign.review import queries

    letter = make_letter(session)
    bulk_signons(session, letter, 120)  # nine days, many sign-ons sharing a timestamp
    c = login_as("coordinator")
    expected = [
        s.org_name
        for s in queries.signons_for_list(
            session,
            list(session.scalars(queries.ordered_ids(letter, queries.SignOnFilters()))),
        )
    ]
    shown = []
    for n in (1, 2, 3):
        html = _rows(c.get(base(session, letter) + f"?page={n}").get_data(as_text=True))
        shown += re.findall(r">(Bulk Organization \d+)</a>", html)
    assert shown == expected and len(shown) == 120
    # a page past the end shows the last one; a filter's count is its own
    html = c.get(base(session, letter) + "?page=99").get_data(as_text=True)
    assert (
        "Page 3 of 3" in html
        and re.findall(r">(Bulk Organization \d+)</a>", html) == (expected[100:])
    )
    texas = sum(1 for i in range(120) if i % 5 == 0)  # as bulk_signons spreads them
    html = c.get(base(session, letter) + "?state=TX").get_data(as_text=True)
    assert f"{texas} in all" in html
