"""Which language a page is in: ?lang=, then the switch's cookie, then Accept-Language."""

from __future__ import annotations

import os
import re

import pytest

from campaign.i18n import COOKIE, catalogs, normalize
from tests.letters.factories import make_letter


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def letter(session):
    return make_letter(session)


def test_accept_language_chooses_when_nothing_else_does(client, letter):
    url = f"/sign/{letter.slug}"
    assert _lang(client.get(url)) == "en"
    assert _lang(client.get(url, headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})) == "es"
    assert _lang(client.get(url, headers={"Accept-Language": "fr, en;q=0.1"})) == "en"
    assert _lang(client.get(url, headers={"Accept-Language": "de"})) == "en"


def test_the_cookie_beats_accept_language_and_the_query_beats_the_cookie(client, letter):
    url = f"/sign/{letter.slug}"
    spanish = {"Accept-Language": "es"}
    client.set_cookie(COOKIE, "en", domain="campaign.test")
    assert _lang(client.get(url, headers=spanish)) == "en"
    client.set_cookie(COOKIE, "es", domain="campaign.test")
    assert _lang(client.get(url)) == "es"
    assert _lang(client.get(url + "?lang=xx")) == "es"  # an unknown language is ignored
    assert _lang(client.get(url + "?lang=en")) == "en"
    assert _lang(client.get(url)) == "en"  # and remembered, as the switch's links are


def test_the_switch_sets_the_cookie_that_later_pages_follow(client, letter):
    page = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    switch = re.search(r'<nav class="language-switch[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert 'aria-current="true" class="fw-semibold">English</span>' in switch
    link = re.search(r'<a lang="es" hreflang="es" href="([^"]+)">Español</a>', switch).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert _lang(response) == "es"
    assert f"{COOKIE}=es" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    # the next page, without ?lang=, in an English browser
    later = client.get(f"/sign/{letter.slug}/thanks", headers={"Accept-Language": "en"})
    assert _lang(later) == "es"
    assert "Accept-Language" in later.headers["Vary"]
    assert later.headers["Content-Language"] == "es"


def test_staff_pages_stay_english(login_as, session, letter):
    from campaign.campaigns.models import Campaign

    slug = session.get(Campaign, letter.campaign_id).slug
    client = login_as("coordinator")
    client.set_cookie(COOKIE, "es", domain="campaign.test")
    page = client.get(
        f"/campaigns/{slug}/letters/{letter.id}?lang=es", headers={"Accept-Language": "es"}
    )
    assert page.status_code == 200 and _lang(page) == "en"
    assert "Set-Cookie" not in page.headers or COOKIE not in page.headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [("es", "es"), ("es-MX", "es"), ("ES_us", "es"), ("en-GB", "en"), ("fr", None), ("", None)],
)
def test_language_codes_are_normalized(raw, code):
    assert normalize(raw) == code


def test_a_missing_or_stale_mo_is_compiled(tmp_path):
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Sign on"\nmsgstr "Firmar"\n', encoding="utf-8")
    assert catalogs.compile_catalogs(tmp_path) == [po.with_suffix(".mo")]
    assert catalogs.stale(tmp_path) == []
    assert catalogs.compile_catalogs(tmp_path) == []  # up to date: nothing written
    later = po.with_suffix(".mo").stat().st_mtime + 10
    os.utime(po, (later, later))  # the .po edited (or merged) after the last compile
    assert catalogs.stale(tmp_path) == [po]
    catalogs.compile_catalogs(tmp_path)
    from babel.support import Translations

    assert Translations.load(str(tmp_path), ["es"]).gettext("Sign on") == "Firmar"


def test_an_unwritable_package_compiles_into_the_instance(tmp_path, monkeypatch):
    source = tmp_path / "src"
    po = source / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Sign on"\nmsgstr "Firmar"\n', encoding="utf-8")
    monkeypatch.setattr(catalogs, "SOURCE", source)
    real = catalogs.compile_catalogs

    def refuse_in_place(src, target=None):
        if target is None:
            raise PermissionError("read-only package")
        return real(src, target)

    monkeypatch.setattr(catalogs, "compile_catalogs", refuse_in_place)
    target = catalogs.ensure_compiled(tmp_path / "instance")
    assert target == tmp_path / "instance" / "translations"
    assert (target / "es" / "LC_MESSAGES" / "messages.mo").exists()


def test_the_switch_keeps_the_query_even_when_it_names_a_path_argument(client, letter):
    """?letter_id=… beside a route's own letter_id: the switch's link is built, not a 500."""
    page = client.get(f"/sign/{letter.slug}?slug=other&x=1")
    assert page.status_code == 200
    link = re.search(r'hreflang="es" href="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert f"/sign/{letter.slug}?" in link and "x=1" in link and "lang=es" in link
