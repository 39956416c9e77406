"""English and Spanish: which language a request is in, and the switch between them.

Public pages (sign-on, confirmation, unsubscribe, ...) are multilingual: their language
comes from ``?lang=``, then the cookie the language switch sets, then ``Accept-Language``.
Staff pages are English: their strings are marked for translation, but a coordinator who
once chose Spanish on a public page still gets a consistent English staff page. Mail and
PDFs are rendered inside ``force_locale(language)`` with the sign-on's or letter's
language, whatever the request's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import flask_babel
from babel.support import NullTranslations, Translations
from flask import (
    Blueprint,
    Flask,
    current_app,
    has_app_context,
    has_request_context,
    request,
    url_for,
)
from flask_babel import Babel, get_locale
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from campaign.i18n.catalogs import ensure_compiled

DEFAULT = "en"
# the languages public pages, signer mail and letters exist in, as their switch names them
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
COOKIE = "campaign_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

_PUBLIC_BLUEPRINTS: set[str] = set()
F = TypeVar("F", bound=Callable)
# a language forced for a piece of work (an email, a PDF), with or without an app: the
# PDF renderer runs in workers that have no Flask app
_forced: ContextVar[str | None] = ContextVar("campaign_language", default=None)

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "force_locale",
    "gettext",
    "init_app",
    "language",
    "lazy_gettext",
    "multilingual",
    "ngettext",
    "normalize",
]


class LazyText(LazyString):
    """A lazily translated string that a template escapes like any other text (Flask-Babel's
    own marks itself safe: an apostrophe in a form's message would reach the page raw)."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyText:
    """``gettext`` when the value is used: for labels and messages defined at import."""
    return LazyText(gettext, string, **variables)


def multilingual(target: F | Blueprint) -> F | Blueprint:
    """Mark a public blueprint or view function: its pages follow the visitor's language."""
    if isinstance(target, Blueprint):
        _PUBLIC_BLUEPRINTS.add(target.name)
    else:
        target._multilingual = True  # type: ignore[attr-defined]
    return target


def normalize(value: str | None) -> str | None:
    """A supported language code from ``es``, ``es-MX``, ``ES_us``...; None otherwise."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def language() -> str:
    """The current language's code (``en`` or ``es``): the forced one, else the request's."""
    forced = _forced.get()
    if forced:
        return forced
    if not has_app_context():
        return DEFAULT
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


@contextmanager
def force_locale(code: str) -> Iterator[None]:
    """Everything inside speaks ``code``: gettext, dates, the Jinja ``_``, with or without
    a Flask app (a worker rendering a PDF)."""
    code = normalize(code) or DEFAULT
    token = _forced.set(code)
    try:
        if has_app_context():
            with flask_babel.force_locale(code):
                yield
        else:
            yield
    finally:
        _forced.reset(token)


@lru_cache(maxsize=8)
def catalogue(code: str) -> NullTranslations:
    """The compiled catalogue of ``code`` read without an app (English: none)."""
    if code == DEFAULT:
        return NullTranslations()
    from campaign.config import instance_path

    return Translations.load(str(ensure_compiled(instance_path())), [code])


def _translations() -> NullTranslations:
    forced = _forced.get()
    if forced is None and has_app_context():
        return flask_babel.get_translations()
    return catalogue(forced or DEFAULT)


def gettext(string: str, **variables) -> str:
    """``string`` in the current language, ``%(name)s`` filled from ``variables``."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural form for ``num`` in the current language."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def install_gettext(env) -> None:
    """The ``_``, ``gettext`` and ``ngettext`` of a Jinja environment of our own (the PDF's),
    following ``force_locale`` like the app's."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
    )


def _is_public() -> bool:
    if not has_request_context():
        return False  # mail and PDFs: force_locale() says which
    endpoint = request.endpoint
    if not endpoint:
        return False
    if request.blueprint in _PUBLIC_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "_multilingual", False))


def select_locale() -> str:
    """``?lang=``, the switch's cookie, then Accept-Language, on public pages; else English."""
    if not _is_public():
        return DEFAULT
    chosen = normalize(request.args.get("lang")) or normalize(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def switch_url(code: str) -> str:
    """This page in ``code``: the same address with ``?lang=``, or, after a POST to an
    address that only takes POSTs, the page the form was on."""
    rule = request.url_rule
    if request.method == "GET" or (rule is not None and "GET" in (rule.methods or ())):
        # the query as it was (a query argument named like a path one cannot replace it)
        values: dict[str, object] = request.args.to_dict(flat=False)
        values.update(request.view_args or {})
        values["lang"] = [code]
        return url_for(request.endpoint, **values)
    referrer = urlsplit(request.referrer or "")
    path = referrer.path if referrer.netloc == request.host and referrer.path else "/"
    return f"{path}?lang={code}"


def _remember_choice(response):
    """A public page opened with ``?lang=`` (the switch's links) keeps that language."""
    chosen = normalize(request.args.get("lang"))
    if chosen and _is_public() and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.session_interface.get_cookie_secure(current_app),
        )
    if _is_public():
        # the same address answers in several languages
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        response.headers.setdefault("Content-Language", language())
    return response


def init_app(app: Flask) -> None:
    """Flask-Babel with the compiled catalogues, the locale selector and the switch."""
    directory = ensure_compiled(Path(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(directory)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)
    app.after_request(_remember_choice)

    @app.context_processor
    def _languages() -> dict:
        return {"lang": language(), "LANGUAGES": LANGUAGES, "switch_url": switch_url}
