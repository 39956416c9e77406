"""Every public page, in every state, has no English left once in Spanish.

Two runs over the same pages (tests/i18n/pages.py):
- a pseudo-locale: every translated string comes back wrapped in ⟦…⟧; whatever visible
  text is left outside the brackets, once the letter's own words are taken out, was never
  marked for translation;
- Spanish: every string the pages asked for has its Spanish text in the catalogue.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import flask_babel
import pytest
from babel.support import NullTranslations

from campaign.i18n import COOKIE
from tests.i18n.pages import data_strings, walk

# Not the app's words to translate: each language's name in itself (the switch), Spanish
# month names and the like that Babel's date formats bring, time-zone abbreviations.
ALLOWED = {
    "campaign", "English", "Español", "de", "enero", "febrero", "marzo", "abril", "mayo",
    "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    "EDT", "EST", "CDT", "CST", "MDT", "MST", "PDT", "PST", "UTC", "PNG", "JPEG", "MB",
}  # fmt: skip
# Spanish that Babel's locale data writes (not the app's catalogue)
BABEL_SPANISH = ["hora de Estados Unidos (Nueva York)"]
VISIBLE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


class Pseudo(NullTranslations):
    """Wraps every message in ⟦…⟧ (and remembers each one asked for)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def ugettext(self, message):
        self.asked.add(message)
        return f"⟦{message}⟧"

    def ungettext(self, singular, plural, n):
        self.asked.add(singular)
        return f"⟦{singular if n == 1 else plural}⟧"

    def upgettext(self, context, message):
        return self.ugettext(message)

    def unpgettext(self, context, singular, plural, n):
        return self.ungettext(singular, plural, n)

    gettext = ugettext
    ngettext = ungettext
    pgettext = upgettext
    npgettext = unpgettext


class _Text(HTMLParser):
    """The text a reader meets: text nodes (not scripts or styles) and the attributes
    screen readers and tooltips read out, plus the label of each submit button."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        self.parts.extend(values[a] for a in VISIBLE_ATTRIBUTES if values.get(a))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's visible text, one string."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def unmarked(html: str, data: list[str]) -> list[str]:
    """Words on the page that no translation call produced and that are not the data's."""
    text = visible_text(html)
    bracketed = re.compile(r"⟦[^⟦⟧]*⟧")
    while bracketed.search(text):  # a translated string may hold another one (a contact)
        text = bracketed.sub(" ", text)
    for value in sorted(filter(None, [*data, *BABEL_SPANISH]), key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)
    return [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in ALLOWED]


@pytest.fixture
def pseudo(monkeypatch):
    translations = Pseudo()
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: translations)
    return translations


def test_no_public_page_shows_an_unmarked_string(client, session, login_as, pseudo, capsys):
    client.set_cookie(COOKIE, "es", domain="campaign.test")
    checked, left = 0, {}
    pages = list(walk(client, session, login_as))
    for state, html in pages:
        checked += 1
        assert 'lang="es"' in html[:200], state
        words = unmarked(html, data_strings(session, pages and _letter_of(session)))
        if words:
            left[state] = words
    with capsys.disabled():
        print(f"\npseudo-locale: {checked} public page states checked, {len(left)} with English")
    assert checked >= 20
    assert not left, left


def _letter_of(session):
    import sqlalchemy as sa

    from campaign.letters.models import Letter
    from tests.i18n.pages import TITLE

    return session.scalars(sa.select(Letter).where(Letter.title == TITLE)).first()


def test_every_string_on_public_pages_is_in_spanish(client, session, login_as, monkeypatch):
    """The real Spanish catalogue: record every message the pages asked for that it lacks."""
    missing: dict[str, set[str]] = {}
    real = flask_babel.Domain.get_translations

    def recording(self):
        translations = real(self)
        if getattr(translations, "_recording", False):
            return translations
        gettext, ngettext = translations.ugettext, translations.ungettext

        def spanish() -> bool:
            return flask_babel.get_locale().language == "es"

        def ugettext(message):
            if translations._catalog.get(message) is None and spanish():
                missing.setdefault(message, set())
            return gettext(message)

        def ungettext(singular, plural, n):
            if (singular, 0) not in translations._catalog and spanish():
                missing.setdefault(singular, set())
            return ngettext(singular, plural, n)

        translations.ugettext, translations.ungettext = ugettext, ungettext
        translations._recording = True
        return translations

    monkeypatch.setattr(flask_babel.Domain, "get_translations", recording)
    client.set_cookie(COOKIE, "es", domain="campaign.test")
    states = [state for state, _html in walk(client, session, login_as)]
    assert len(states) >= 20
    assert not missing, sorted(missing)
