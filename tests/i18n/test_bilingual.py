"""One letter in two languages: one history of versions, one list, one count; the PDF in
English, Spanish or both."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from campaign.delivery.models import LetterPrintOptions
from campaign.delivery.snapshot import snapshot_for
from campaign.i18n import COOKIE
from campaign.letters.models import Letter, LetterStatus, LetterVersion
from campaign.printing.pdf import render_pdf
from tests.delivery.factories import add_signon
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.printing.conftest import STATIC, needs_poppler, pdftotext, squash
from tests.signons.helpers import sign

SPANISH = {
    "bilingual": "y",
    "title_es": "Pongan fin al 287(g)",
    "addressees_es": "Al Secretario de Seguridad Nacional",
    "body_es": "Les pedimos poner fin al programa 287(g).",
    "closing_es": "Atentamente,",
    "sender_es": "Las organizaciones abajo firmantes",
}


def _form(letter=None, **kw):
    data = {
        "title": "End 287(g)",
        "addressees": "The Secretary of Homeland Security",
        "body": "We urge you to end the 287(g) program.",
        "closing": "Sincerely,",
        "sender": "The undersigned organizations",
        "deadline_on": "2030-07-01",
        "deadline_time": "17:00",
        "deadline_tz": "America/New_York",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def _base(session, letter) -> str:
    slug = session.get(Campaign, letter.campaign_id).slug
    return f"/campaigns/{slug}/letters/{letter.id}"


def _versions(session, letter) -> list[LetterVersion]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(LetterVersion)
            .where(LetterVersion.letter_id == letter.id)
            .order_by(LetterVersion.number)
        )
    )


def test_a_bilingual_letter_opens_only_with_both_texts(login_as, make_campaign, session):
    campaign = make_campaign()
    c = login_as("coordinator")
    assert (
        c.post(f"/campaigns/{campaign.slug}/letters/new", data=_form(bilingual="y")).status_code
        == 302
    )
    letter = session.scalar(sa.select(Letter).where(Letter.campaign_id == campaign.id))
    assert letter.bilingual and letter.body_es == ""  # a draft may wait for its translation
    refused = c.post(_base(session, letter) + "/publish", data={}, follow_redirects=True)
    assert "write its Spanish title before it opens" in refused.get_data(as_text=True)
    assert reload(session, letter).status == LetterStatus.DRAFT

    # the Spanish title alone is not enough: the form names the missing field
    half = c.post(_base(session, letter) + "/edit", data=_form(bilingual="y", title_es="Fin"))
    assert half.status_code == 302  # still a draft: saved
    refused = c.post(_base(session, letter) + "/publish", data={}, follow_redirects=True)
    assert "write its Spanish text before it opens" in refused.get_data(as_text=True)

    assert c.post(_base(session, letter) + "/edit", data=_form(**SPANISH)).status_code == 302
    c.post(_base(session, letter) + "/publish", data={})
    assert reload(session, letter).status == LetterStatus.OPEN

    # open: emptying the Spanish text is refused with a field error, nothing saved
    page = c.post(_base(session, letter) + "/edit", data=_form(**{**SPANISH, "body_es": ""}))
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'href="#body_es"' in html and "write its Spanish text before it opens" in html
    assert reload(session, letter).body_es == SPANISH["body_es"]


def test_an_edit_in_either_language_is_a_new_version_of_both(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    url = _base(session, letter) + "/edit"
    english = reload(session, letter).body
    assert c.post(url, data=_form(body=english, **SPANISH)).status_code == 302
    assert (
        c.post(
            url, data=_form(body=english, material="y", **{**SPANISH, "body_es": "Otro texto."})
        ).status_code
        == 302
    )
    assert (
        c.post(
            url, data=_form(body="A new English text.", **{**SPANISH, "body_es": "Otro texto."})
        ).status_code
        == 302
    )
    v1, v2, v3, v4 = _versions(session, letter)
    assert (v1.body_es, v2.body_es, v3.body_es, v4.body_es) == (
        "",
        SPANISH["body_es"],
        "Otro texto.",
        "Otro texto.",
    )
    assert v3.body == english and v3.material  # a Spanish-only material edit
    assert v4.body == "A new English text." and not v4.material
    assert len({v.sha256 for v in (v1, v2, v3, v4)}) == 4
    # a title-only change is no new version
    assert (
        c.post(
            url,
            data=_form(
                body="A new English text.",
                **{**SPANISH, "body_es": "Otro texto.", "title_es": "Otro título"},
            ),
        ).status_code
        == 302
    )
    assert len(_versions(session, letter)) == 4


def _bilingual_letter(session, **kw):
    letter = make_letter(session, title="End 287(g)", body="We urge you to end 287(g).", **kw)
    letter.bilingual = True
    letter.title_es, letter.body_es = SPANISH["title_es"], SPANISH["body_es"]
    letter.addressees_es, letter.closing_es = SPANISH["addressees_es"], "Atentamente,"
    letter.sender_es = SPANISH["sender_es"]
    session.commit()
    version = _versions(session, letter)[-1]
    version.body_es = SPANISH["body_es"]
    session.commit()
    return letter


def test_signers_read_their_language_and_sign_one_letter(client, session):
    letter = _bilingual_letter(session, show_signatories=True)
    add_signon(session, letter, "Unidos por la Justicia", state="NM")
    add_signon(session, letter, "Together for Justice", state="NC")
    english = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    client.set_cookie(COOKIE, "es", domain="campaign.test")
    spanish = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "We urge you to end 287(g)." in english and SPANISH["body_es"] not in english
    assert SPANISH["body_es"] in spanish and "We urge you" not in spanish
    assert f"<title>{SPANISH['title_es']}" in spanish
    assert '<article class="letter-body mb-4" lang="es">' in spanish
    # one count, one list, whatever the language
    for html in (english, spanish):
        assert re.search(r'id="on-letter-count">2<', html)
        assert html.count("Unidos por la Justicia") == 1 and html.count("Together for Justice") == 1
    assert "Nuevo México" in spanish and "Carolina del Norte" in spanish
    assert "New Mexico" in english

    assert (
        sign(client, letter, org_name="Comunidad Unida", signer_email="c@example.org").status_code
        == 302
    )
    client.set_cookie(COOKIE, "en", domain="campaign.test")
    assert (
        sign(client, letter, org_name="United Community", signer_email="u@example.org").status_code
        == 302
    )
    session.expire_all()
    from campaign.signons.models import SignOn

    rows = session.scalars(sa.select(SignOn).where(SignOn.letter_id == letter.id)).all()
    languages = {r.org_name: r.language for r in rows}
    assert languages["Comunidad Unida"] == "es" and languages["United Community"] == "en"
    assert len({r.version_id for r in rows}) == 1  # the same letter, the same version


def test_print_options_refuse_spanish_for_a_letter_without_it(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    page = c.post(
        _base(session, letter) + "/delivery",
        data={"grouping": "state", "columns": "3", "languages": "es"},
    )
    assert page.status_code == 400
    assert "no Spanish text yet" in page.get_data(as_text=True)


@pytest.fixture
def printed(session, tmp_path):
    """The PDF text of a bilingual letter with two signatories, in each print language."""
    letter = _bilingual_letter(session)
    add_signon(session, letter, "Unidos por la Justicia", state="NM")
    add_signon(session, letter, "Together for Justice", state="NC")
    add_signon(session, letter, "Callada Fund", listed=False, state="TX")

    def text(languages: str) -> str:
        options = session.get(LetterPrintOptions, letter.id) or LetterPrintOptions(
            letter_id=letter.id
        )
        options.languages = languages
        session.add(options)
        session.commit()
        snapshot = snapshot_for(session, reload(session, letter))
        return pdftotext(render_pdf(snapshot, static_dir=STATIC, upload_store=None), tmp_path)

    return text


@needs_poppler
def test_the_pdf_in_spanish_english_or_both(printed):
    spanish, english, both = printed("es"), printed("en"), printed("both")

    assert SPANISH["title_es"] in spanish and "End 287(g)" not in spanish
    assert "Firmada por 3 organizaciones de 3 estados y territorios" in spanish
    assert "NUEVO MÉXICO" in spanish and "CAROLINA DEL NORTE" in spanish  # (upper case: CSS)
    assert "1 organización más firmó y pidió no aparecer en la lista." in spanish
    assert "Página 1 de 1" in spanish and "Page 1" not in spanish
    assert re.search(r"\d{1,2} de \w+ de \d{4}", spanish)  # the date, in Spanish

    assert "End 287(g)" in english and SPANISH["body_es"] not in english
    assert "Signed by 3 organizations from 3 states and territories" in english
    assert "NEW MEXICO" in english and "Page 1 of 1" in english

    # both texts, then one list: every name once, headings in both languages
    assert squash("We urge you to end 287(g).") in squash(both)
    assert squash(SPANISH["body_es"]) in squash(both)
    assert (
        both.index("We urge you")
        < both.index(SPANISH["body_es"])
        < both.index("Unidos por la Justicia")
    )
    assert both.count("Unidos por la Justicia") == 1 and both.count("Together for Justice") == 1
    assert squash("NEW MEXICO / NUEVO MÉXICO") in squash(both)
    assert squash("listed. / 1 organización más firmó") in squash(both)
    assert squash(
        "Signed by 3 organizations from 3 states and territories / Firmada por 3"
    ) in squash(both)
