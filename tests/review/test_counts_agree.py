"""Counts that agree (issue 14, item 4): every per-day figure by the day the organization
signed in the coalition's zone, whatever the route; the public page grouped and ordered
as the PDF; one public count, "organizations on the letter", the same everywhere."""

import re
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from campaign.dashboard.services import signon_figures
from campaign.db import utcnow
from campaign.delivery.snapshot import prepare_snapshot
from campaign.letters.models import LetterVersion
from campaign.printing.grouping import printed_list
from campaign.review import queries
from campaign.signons import services
from campaign.signons.models import Level, SignOn, SignOnStatus
from tests.factories import reload
from tests.fixtures import google_forms
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base
from tests.review.test_import import upload
from tests.signons.helpers import sign_and_confirm

A, C = SignOnStatus.APPROVED, SignOnStatus.CONFIRMED


def _utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_every_route_counts_on_the_day_the_organization_signed(session, login_as):
    letter = make_letter(session)
    campaign = session.get(Campaign, letter.campaign_id)
    c = login_as("coordinator")
    # public: confirmed at 21:47 in New York on June 5, 01:47 on June 6 in UTC
    pending = make_signon(session, letter, org_name="Evening Signers", status=SignOnStatus.PENDING,
                          token_expires_at=utcnow() + timedelta(days=7))  # fmt: skip
    services.confirm_signon(session, pending, letter, now=_utc(2023, 6, 6, 1, 47), similar=None)
    session.commit()
    # ...and a material edit it re-confirms a week later does not move its day
    session.add(LetterVersion(letter_id=letter.id, number=2, body="New text", sha256="0" * 64,
                              material=True))  # fmt: skip
    session.commit()
    services.confirm_signon(session, reload(session, pending), reload(session, letter),
                            now=_utc(2023, 6, 12, 15), similar=None)  # fmt: skip
    session.commit()
    # imported today from a Google Form answered in June 2023
    map_url = upload(c, base(session, letter), google_forms.read()).headers["Location"]
    assert c.post(map_url, data={**google_forms.DHS_MAPPING, "action": "import"}).status_code == 302
    # on paper, dated June 1
    page = c.post(base(session, letter) + "/new", data={
        "org_name": "Paper Signers", "level": "national", "signer_name": "Pat",
        "signed_on": "2023-06-01", "listed": "y",
    })  # fmt: skip
    assert page.status_code == 302, page.get_data(as_text=True)

    expected = {
        date(2023, 6, 1): 1,  # the paper one
        date(2023, 6, 5): 3,  # Asociación (9:14), Illinois (21:47), the evening public one
        date(2023, 6, 6): 4,  # NIP, Tucson, Texas Civil Rights Project (first sent), Comunidades
        date(2023, 6, 7): 3,  # Georgia Latino Alliance, Éxito (19:03), the Arabic name (20:15)
        date(2023, 6, 8): 2,  # the Chinese name, Iowa JFON
    }
    assert queries.per_day(session, letter) == expected
    assert signon_figures(session, campaign).per_day == expected
    # the review page draws that chart (the day each bar stands for, and its count)
    html = c.get(base(session, letter)).get_data(as_text=True)
    bars = dict(re.findall(r'data-date="([\d-]+)" data-value="(\d+)"', html))
    assert {d: n for d, n in bars.items() if n != "0"} == {
        d.isoformat(): str(n) for d, n in expected.items()
    }


def test_a_paper_sign_on_cannot_be_dated_in_the_future(session, login_as):
    letter = make_letter(session)
    page = login_as("coordinator").post(base(session, letter) + "/new", data={
        "org_name": "Paper Signers", "level": "national", "signer_name": "Pat",
        "signed_on": (date.today() + timedelta(days=3)).isoformat(),
    })  # fmt: skip
    assert page.status_code == 400
    assert "The date signed cannot be in the future." in page.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(SignOn.id))) == 0


def _public_groups(html: str) -> list[tuple[str, list[str]]]:
    section = html[html.index('id="signatories"') :]
    groups = []
    for heading, body in re.findall(r"<h3[^>]*>(.*?)</h3>\s*<ul[^>]*>(.*?)</ul>", section, re.S):
        names = [
            re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", body, re.S)
        ]
        groups.append((heading.strip(), names))
    return groups


def test_the_public_page_groups_and_orders_as_the_pdf(client, session):
    letter = make_letter(session, show_signatories=True)
    for name, level, state, city in [
        ("Iowa Immigrant Voices", Level.STATE, "IA", ""),
        ("Illinois Welcome Network", Level.LOCAL, "IL", "Chicago"),
        ("the Abogados Unidos", Level.STATE, "IL", ""),
        ("Éxito Legal", Level.STATE, "IA", ""),
        ("National Justice Project", Level.NATIONAL, "", ""),
        ("Hidden Helpers", Level.STATE, "IA", ""),
    ]:
        make_signon(session, letter, org_name=name, level=level, state=state, city=city,
                    status=A, listed=name != "Hidden Helpers")  # fmt: skip
    make_signon(session, letter, org_name="Aardvark Test", state="AL", status=C)  # not yet
    html = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    pdf = printed_list(prepare_snapshot(session, letter).snapshot)
    printed = [
        (g.heading, [e.name + (f", {e.place}" if e.place else "") for e in g.entries])
        for g in pdf.groups
    ]
    assert _public_groups(html) == printed
    assert [heading for heading, _ in printed] == ["National", "Illinois", "Iowa"]
    assert printed[1][1] == ["the Abogados Unidos", "Illinois Welcome Network, Chicago"]
    assert printed[2][1] == ["Éxito Legal", "Iowa Immigrant Voices"]
    assert "1 further organization signed and asked not to be listed." in html
    assert "Aardvark Test" not in html


def test_organizations_on_the_letter_is_one_count_everywhere(client, session, login_as):
    letter = make_letter(session, show_signatories=False)
    slug = session.get(Campaign, letter.campaign_id).slug
    # approved on a text a material edit then changed, and not re-confirmed: not printed
    make_signon(session, letter, org_name="Old Text Org", status=A)
    session.add(LetterVersion(letter_id=letter.id, number=2, body="Changed", sha256="2" * 64,
                              material=True))  # fmt: skip
    session.commit()
    make_signon(session, letter, org_name="Listed Org", status=A)
    make_signon(session, letter, org_name="Count Only Org", status=A, listed=False)
    make_signon(session, letter, org_name="test", status=C)  # junk, not reviewed yet
    make_signon(session, letter, org_name="Pending Org", status=SignOnStatus.PENDING)
    make_signon(session, letter, org_name="Rejected Org", status=SignOnStatus.REJECTED)
    sign_and_confirm(client, session, letter, org_name="Fresh Public Org")  # confirmed

    public = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert re.search(r'id="on-letter-count">2</span> organizations on the letter', public)
    assert printed_list(prepare_snapshot(session, letter).snapshot).organizations == 2

    c = login_as("member")
    campaign_page = c.get(f"/campaigns/{slug}").get_data(as_text=True)
    assert "On the letter" in campaign_page
    assert re.search(rf'id="on-letter-{letter.id}">\s*2\s*<', campaign_page)
    letter_page = c.get(f"/campaigns/{slug}/letters/{letter.id}").get_data(as_text=True)
    assert re.search(r'id="on-letter-count">2</span> organizations on the letter', letter_page)
    dashboard = c.get(f"/campaigns/{slug}/dashboard").get_data(as_text=True)
    assert re.search(r'id="signons-on-letter">\s*2\s*<', dashboard)
    assert re.search(r'id="signons-awaiting-review">\s*2\s*<', dashboard)
    review = login_as("coordinator").get(base(session, letter)).get_data(as_text=True)
    assert re.search(r'id="on-letter-count">2</span> organizations on the letter', review)
    assert re.search(r'id="awaiting-review-count">\s*2\s*<', review)
