"""The part of a reply its author wrote, above the quoted message it answers."""

from __future__ import annotations

import re

# Where quoted history starts in the common clients (English and Spanish): Gmail's
# "On … wrote:", Outlook's "From: … Sent:" block or "-----Original Message-----",
# Apple Mail's "Begin forwarded message", and "> " quoting.
_QUOTE_START = re.compile(
    # Gmail wraps a long "On … <address> wrote:" over two lines: no blank line inside
    r"^(\s*On\s(?:(?!\n\n)[\s\S]){0,300}?wrote:\s*$"
    r"|\s*El\s(?:(?!\n\n)[\s\S]){0,300}?escribi[oó]:\s*$"
    r"|\s*-{2,}\s*(Original Message|Mensaje original|Forwarded message)\s*-{2,}"
    r"|\s*(From|De):\s.+\n\s*(Sent|Enviado|Date|Fecha):\s"
    r"|\s*Begin forwarded message:"
    r"|>)",
    re.I | re.M,
)


def authored_part(text: str) -> str:
    """``text`` without the quoted message below it (all of it when nothing is quoted
    or when the quote starts the text, as in a bottom-posted reply)."""
    found = _QUOTE_START.search(text)
    if found is None or not text[: found.start()].strip():
        return text.strip()
    return text[: found.start()].strip()


def summary_of(subject: str, text: str, limit: int = 600) -> str:
    """A response summary: the authored part of the text, cut at ``limit`` characters
    on a word (the subject when the text is empty)."""
    body = " ".join(authored_part(text).split())
    if not body:
        body = subject.strip() or "(an email with no text)"
    if len(body) > limit:
        body = body[: limit - 1].rsplit(" ", 1)[0] + "…"
    return body
