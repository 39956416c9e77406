"""Markdown to safe HTML: markdown-it-py with footnotes, sanitised by nh3."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "blockquote", "ul", "ol", "li", "a", "code", "pre", "sup", "sub", "section", "table",
    "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "li": {"id"},
    "sup": {"class"},
    "section": {"class"},
    "ol": {"class", "start"},
    "hr": {"class"},
    "th": {"align"},
    "td": {"align"},
}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "commonmark" keeps raw HTML off; tables and strikethrough are handy in letters.
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
    )
    md.add_render_rule("footnote_caption", _footnote_caption)
    return md


def _footnote_caption(self, tokens, idx: int, options, env) -> str:
    # The plugin numbers a second reference to a note "[1:1]"; readers know it as note 1.
    return f"[{tokens[idx].meta['id'] + 1}]"


def render_markdown(text: str) -> Markup:
    """Render Markdown (with footnotes) to HTML that is safe to put in a page."""
    html = _parser().render(text or "")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 (sanitised by nh3 just above)


# Where a link in a letter may point: a full web address or an email address. Anything
# else is relative, and in the PDF (laid out from the server's static folder) a relative
# link became file:///…/static/…, showing officials the install path (issue 16.9).
LINK_SCHEMES = ("http://", "https://", "mailto:")


def relative_links(text: str) -> list[str]:
    """The links in ``text`` that are not full addresses (``LINK_SCHEMES``), in order."""
    out: list[str] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                if not href.lower().startswith(LINK_SCHEMES):
                    out.append(href)
            if token.children:
                walk(token.children)

    walk(_parser().parse(text or ""))
    return out
