"""The letter body for print: Markdown with each footnote placed where it is referenced.

Paged media wants a footnote's text inline at its call (``<span class="footnote">``,
floated to the page bottom by CSS ``float: footnote``), not in a list at the end
as on the web, so the footnote plugin's render rules are replaced here.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from campaign.core.markdown import LINK_SCHEMES

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "blockquote", "ul", "ol", "li", "a", "code", "pre", "sup", "sub", "span", "table",
    "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "span": {"class"},
    "sup": {"class"},
    "th": {"align"},
    "td": {"align"},
}


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The Markdown parser letters are written for (the same options as the web view)."""
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
    )
    # The notes come through ``env`` so one cached parser serves every thread.
    md.add_render_rule("footnote_ref", _render_ref)
    return md


def _render_ref(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    meta = tokens[idx].meta
    number = meta["id"] + 1
    notes = env.get("print_notes")
    if notes is None or meta.get("subId", 0) > 0 or env.get("in_note"):
        return f'<sup class="footnote-again">{number}</sup>'
    env["in_note"] = True
    try:
        # A footnote floats inside a line: its paragraphs become one run of inline text.
        parts = [
            self.renderInline(tok.children or [], options, env)
            for tok in notes.get(meta["id"], [])
            if tok.type == "inline"
        ]
    finally:
        env["in_note"] = False
    return '<span class="footnote">' + " ".join(p for p in parts if p) + "</span>"


def split_footnotes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The body's tokens, and each footnote's paragraphs by footnote id (back-links dropped)."""
    body: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: int | None = None
    inside = False
    for tok in tokens:
        if tok.type == "footnote_block_open":
            inside = True
        elif tok.type == "footnote_block_close":
            inside = False
        elif tok.type == "footnote_open":
            current = tok.meta["id"]
            notes[current] = []
        elif tok.type == "footnote_close":
            current = None
        elif not inside:
            body.append(tok)
        elif current is not None and tok.type != "footnote_anchor":
            notes[current].append(tok)
    return body, notes


def body_html(markdown: str) -> Markup:
    """Safe HTML of a letter body; footnote ``i`` becomes ``<span class="footnote">`` at its
    first reference, and a repeated reference a plain superscript number."""
    md = parser()
    env: dict = {}
    tokens = md.parse(markdown or "", env)
    body, notes = split_footnotes(tokens)

    env["print_notes"] = notes
    html = md.renderer.render(body, md.options, env)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_full_links_only,
    )
    return Markup(clean)  # noqa: S704 (sanitised by nh3 just above)


def _full_links_only(tag: str, attribute: str, value: str) -> str | None:
    # A relative link would resolve against the static folder the PDF is laid out from
    # (file:///…/static/…). Letters refuse them when saved (issue 16.9); one saved before
    # keeps its words, unlinked.
    if tag == "a" and attribute == "href" and not value.lower().startswith(LINK_SCHEMES):
        return None
    return value
