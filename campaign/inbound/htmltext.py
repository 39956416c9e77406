"""HTML mail bodies as plain text, with the standard library's HTMLParser.

Only text is kept: no tag, attribute, script or style survives, and nothing is ever
fetched or run. Links keep their address in brackets so that a reader can still see
where "click here" pointed. Blocks (paragraphs, rows, list items, line breaks) become
line breaks; runs of blank lines collapse to one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Content that is never text a person wrote for the reader.
_SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "svg", "math"}
# Void elements have no end tag: counting them as skipped would never end the skip.
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table",
    "tr", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "address",
    "form", "fieldset", "center",
}  # fmt: skip
_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_BLANKS = re.compile(r"\n{3,}")


class _TextParser(HTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.size = 0
        self.limit = limit
        self.skipping = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def _emit(self, text: str) -> None:
        if self.size < self.limit:
            self.out.append(text)
            self.size += len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br":
            self._emit("\n")
        elif tag == "li":
            self._emit("\n- ")
        elif tag in ("td", "th"):
            self._emit(" ")
        elif tag in _BLOCK:
            self._emit("\n\n" if tag in ("p", "blockquote", "table", "hr") else "\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            # mailto: and web links are worth keeping; javascript: and the like are not
            self.href = href if re.match(r"(?i)^(https?:|mailto:)", href) else None
            self.link_text = []
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt and not self.skipping:
                self._emit(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK or tag == "li":
            self._emit("\n")
        elif tag == "a" and self.href:
            shown = "".join(self.link_text).strip()
            target = self.href.removeprefix("mailto:")
            if shown and target not in shown:
                self._emit(f" ({target})")
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.href is not None:
            self.link_text.append(data)
        self._emit(data)


def html_to_text(html: str, *, limit: int = 500_000) -> str:
    """The readable text of an HTML document (at most about ``limit`` characters)."""
    parser = _TextParser(limit)
    try:
        parser.feed(html[: limit * 4])
        parser.close()
    except Exception:  # noqa: S110 (HTMLParser is lenient; whatever it read is kept)
        pass
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.out).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()[:limit]
