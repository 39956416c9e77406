"""The delivery-ready letter as PDF: Jinja (templates/pdf/) to HTML, WeasyPrint to bytes.

The signatory list is cut into pages of columns beforehand (campaign.printing.columns):
a quick layout of the letter with a probe shows where the list starts, Pango measures
the names, and WeasyPrint then lays each page out once. If the printed pages do not come
out as planned, the letter is laid out again with CSS columns (slower, always right).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import dates as babel_dates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from campaign.config import ROOT
from campaign.i18n import force_locale, gettext, install_gettext, language, ngettext
from campaign.printing.columns import PlanError, layout_matches, plan_pages, read_frame
from campaign.printing.fetcher import RestrictedURLFetcher, upload_url
from campaign.printing.grouping import Entry, Group, group_signatories, name_key
from campaign.printing.languages import list_in_languages, words_language
from campaign.printing.markup import body_html
from campaign.printing.snapshot import LetterSnapshot
from campaign.uploads.store import UploadStore

logger = logging.getLogger(__name__)

# English month names whatever the process locale (strftime's %B follows the locale).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def long_date(value: date) -> str:
    """The date as printed in a letter, e.g. May 18, 2026 (18 de mayo de 2026 in Spanish)."""
    if language() != "en":
        return babel_dates.format_date(value, format="long", locale=language())
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def _css_string(text: str) -> str:
    # a CSS string that cannot end the <style> element it sits in
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def page_numbers() -> Markup:
    """The CSS ``content`` of the footer's "Page 1 of 2" in the current language."""
    label = gettext("Page %(page)s of %(pages)s", page="\x00", pages="\x01")
    before, rest = label.split("\x00", 1)
    middle, after = rest.split("\x01", 1)
    return Markup(  # noqa: S704 (CSS inside <style>: escaped by _css_string, not as HTML)
        f"{_css_string(before)} counter(page) {_css_string(middle)} counter(pages) "
        f"{_css_string(after)}"
    )


@lru_cache(maxsize=1)
def _jinja() -> Environment:
    # Its own environment (not the Flask app's) so a worker can render without an app;
    # autoescape makes every name, title and address plain text.
    env = Environment(
        loader=FileSystemLoader(str(ROOT / "templates")),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    # the page's own words follow force_locale (render_pdf: the letter's language)
    install_gettext(env)
    # Markdown written in the app (a demand's rationale) prints as a letter body does.
    env.filters["body_html"] = body_html
    return env


# The fallback layout. WeasyPrint copies every remaining child of a multi-column box on
# each new page, so one box of 10,000 names costs O(n²); boxes of about ten pages each
# keep the list linear.
CHUNK = 1000


@dataclass(frozen=True)
class Block:
    """Part of a group inside one multi-column box; ``continued``: its heading was
    already printed in an earlier box."""

    heading: str
    entries: tuple[Entry, ...]
    continued: bool = False


def chunk_groups(groups: tuple[Group, ...], size: int = CHUNK) -> list[list[Block]]:
    """Groups packed into multi-column boxes of about ``size`` names: a box closes at the
    end of a group once it holds ``size`` names, or inside a group at ``2 * size``."""
    boxes: list[list[Block]] = [[]]
    count = 0
    for group in groups:
        entries, continued = group.entries, False
        while True:
            if count >= size:
                boxes.append([])
                count = 0
            room = 2 * size - count
            part, entries = entries[:room], entries[room:]
            boxes[-1].append(Block(group.heading, part, continued))
            count += len(part)
            if not entries:
                break
            continued = True
            count = size  # full: the rest of the group starts a new box
    return [box for box in boxes if box]


def _logo(sha256: str | None, store: UploadStore | None) -> str | None:
    # A logo that is gone from the store is left out rather than failing the letter.
    if sha256 and store is not None and store.exists(sha256):
        return upload_url(sha256)
    return None


def _context(snapshot: LetterSnapshot, upload_store: UploadStore | None, lang: str) -> dict:
    """What the template needs besides the list's layout."""
    signatories = list_in_languages(snapshot)
    logos = []
    if snapshot.include_logo_page:
        for s in sorted(
            (s for s in snapshot.signatories if s.listed and s.logo_sha256),
            key=lambda s: name_key(s.name),
        ):
            url = _logo(s.logo_sha256, upload_store)
            if url:
                logos.append((s.name, url))
    return {
        "lang": lang,
        "letter": snapshot,
        "page_numbers": page_numbers(),
        "body": body_html(snapshot.body_markdown) if not snapshot.list_only else "",
        "second": snapshot.second_text if not snapshot.list_only else None,
        "second_body": body_html(snapshot.second_text.body_markdown)
        if snapshot.second_text and not snapshot.list_only
        else "",
        "withdrawals": withdrawal_lines(snapshot),
        "letterhead_logo": _logo(snapshot.logo_sha256, upload_store),
        "signatories": signatories,
        "logos": logos,
        "boxes": [],
        "pages": None,
        "probe": False,
    }


@dataclass(frozen=True)
class WithdrawalLines:
    """An addendum's withdrawals as printed: listed ones by name, the others by number."""

    heading: str
    named: tuple[str, ...]
    unlisted_note: str


def withdrawal_lines(snapshot: LetterSnapshot) -> WithdrawalLines | None:
    """The withdrawals section of an addendum (None without withdrawals)."""
    if not snapshot.withdrawals:
        return None
    named = []
    for w in sorted(
        snapshot.withdrawals, key=lambda w: (name_key(w.signatory.name), w.signatory.name)
    ):
        if not w.signatory.listed:
            continue
        entry = group_signatories([w.signatory], "alpha")[0].entries[0]
        where = f", {entry.place}" if entry.place else ""
        withdrew = gettext("(withdrew %(date)s)", date=long_date(w.withdrawn_on))
        named.append(f"{entry.name}{where} {withdrew}")
    unlisted = len(snapshot.withdrawals) - len(named)
    note = ""
    if unlisted and named:
        note = ngettext(
            "%(count)s organization that had asked not to be listed has also withdrawn.",
            "%(count)s organizations that had asked not to be listed have also withdrawn.",
            unlisted,
            count=format(unlisted, ","),
        )
    elif unlisted:
        note = ngettext(
            "%(count)s organization that had asked not to be listed has withdrawn.",
            "%(count)s organizations that had asked not to be listed have withdrawn.",
            unlisted,
            count=format(unlisted, ","),
        )
    heading = snapshot.withdrawals_heading or gettext("Withdrawn")
    return WithdrawalLines(heading, tuple(named), note)


def print_html(template: str, **context: object) -> str:
    """Any print template of ``templates/pdf/`` (a demand packet…) as HTML, with the letter's
    Jinja environment (autoescaped, dates as printed in letters)."""
    return _jinja().get_template(template).render(**context)


def _template_html(context: dict, **layout) -> str:
    return _jinja().get_template("pdf/letter.html").render(**{**context, **layout})


def render_html(
    snapshot: LetterSnapshot, *, upload_store: UploadStore | None = None, lang: str | None = None
) -> str:
    """The letter as print HTML with the list in CSS columns (the fallback layout)."""
    lang = lang or words_language(snapshot)
    with force_locale(words_language(snapshot)):
        context = _context(snapshot, upload_store, lang)
        return _template_html(context, boxes=chunk_groups(context["signatories"].groups))


_local = threading.local()


def _font_config():
    # One per thread, reused: a fresh one per render starts Pango's font caches cold.
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def _document(html: str, fetcher: RestrictedURLFetcher, static_root: Path):
    from weasyprint import HTML

    document = HTML(string=html, base_url=static_root.as_uri() + "/", url_fetcher=fetcher)
    return document.render(font_config=_font_config())


# PDF/UA-1: a tagged PDF (headings, lists, figures with their alt text), its language
# from <html lang>, its title from <title> shown as the window title. Screen readers
# read the structure tree; without it a 10,000-name list is one stream of text.
PDF_VARIANT = "pdf/ua-1"


def _write(document) -> bytes:
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def html_to_pdf(html: str, *, static_dir: Path | str, upload_store: UploadStore | None) -> bytes:
    """Lay out print HTML with the restricted fetcher (static/ and the upload store only)."""
    static_root = Path(static_dir).resolve()
    fetcher = RestrictedURLFetcher(static_root, upload_store)
    return _write(_document(html, fetcher, static_root))


def _planned_pdf(context: dict, columns: int, fetcher, static_root: Path) -> bytes:
    """The letter with its list cut into pages by campaign.printing.columns, or PlanError."""
    probe = _document(_template_html(context, probe=True), fetcher, static_root)
    try:
        frame = read_frame(probe)
    except (AttributeError, ImportError, KeyError, TypeError) as err:
        # read_frame uses WeasyPrint internals (boxes, its Pango layout): a WeasyPrint
        # upgrade that changes them costs speed, never the letter.
        raise PlanError(f"Cannot measure the list: {err!r}") from err
    pages = plan_pages(context["signatories"].groups, frame, columns)
    document = _document(_template_html(context, pages=pages), fetcher, static_root)
    if not layout_matches(document, len(pages), frame.page_index):
        raise PlanError("The planned list pages did not come out as planned.")
    return _write(document)


def render_pdf(
    snapshot: LetterSnapshot,
    *,
    static_dir: Path | str,
    upload_store: UploadStore | None,
    lang: str | None = None,
) -> bytes:
    """The letter and its signatory list as a tagged PDF, in the snapshot's language(s);
    ``lang`` is the language it declares (default: the snapshot's, ``en`` for both)."""
    lang = lang or words_language(snapshot)
    with force_locale(words_language(snapshot)):
        return _render_pdf(snapshot, static_dir=static_dir, upload_store=upload_store, lang=lang)


def _render_pdf(
    snapshot: LetterSnapshot, *, static_dir: Path | str, upload_store: UploadStore | None, lang: str
) -> bytes:
    context = _context(snapshot, upload_store, lang)
    static_root = Path(static_dir).resolve()
    fetcher = RestrictedURLFetcher(static_root, upload_store)
    with _collector_paused():
        if context["signatories"].groups:
            try:
                return _planned_pdf(context, snapshot.columns, fetcher, static_root)
            except PlanError as err:
                logger.warning("Signatory list laid out with CSS columns instead: %s", err)
        html = _template_html(context, boxes=chunk_groups(context["signatories"].groups))
        return _write(_document(html, fetcher, static_root))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of a render.

    A layout makes millions of small objects that all live until it ends; the collector
    walks them again and again as they pile up (about a tenth of the time at 10,000
    names, more the longer the list). Reference counting still frees what it can, and
    the cycles are collected as usual once the render is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
