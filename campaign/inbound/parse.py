"""Reading one email (bytes) into plain values, safely: pure functions, no database.

Mail from outside is hostile input. Every message gets an outcome, never an exception:
what breaks a limit (size, parts, nesting) is ``refused`` with the reason; what the
standard library cannot decode (unknown charsets, broken encoded words, missing
headers) is read as far as it goes. The limits are checked on the raw bytes before
parsing where that is possible, because parsing itself is the costly part (10,000
parts take more than a second; deep nesting exhausts the parser's recursion).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from campaign.inbound.htmltext import html_to_text


@dataclass(frozen=True)
class Limits:
    """What one message may hold (``CAMPAIGN_INBOUND_*`` settings; README "Inbound mail")."""

    max_bytes: int = 25 * 1024 * 1024
    max_parts: int = 500
    # message/rfc822 inside message/rfc822…: a forwarded forward is depth 2
    max_depth: int = 5
    max_attachments: int = 20
    max_text_chars: int = 200_000

    @classmethod
    def from_config(cls, config: dict) -> Limits:
        """The limits an app is configured with."""
        return cls(
            max_bytes=int(config.get("INBOUND_MAX_BYTES") or cls.max_bytes),
            max_parts=int(config.get("INBOUND_MAX_PARTS") or cls.max_parts),
            max_depth=int(config.get("INBOUND_MAX_DEPTH") or cls.max_depth),
        )


class Refused(Exception):
    """The message breaks a limit or cannot be read at all; the text says which."""


@dataclass(frozen=True)
class Attachment:
    """A file carried by the message."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Mail:
    """A parsed message: its headers as text, its readable body and its files."""

    message: EmailMessage = field(repr=False)
    message_id: str | None
    # In-Reply-To first, then References from the newest back: the order to try them in
    references: tuple[str, ...]
    from_name: str
    from_addr: str
    to_addrs: tuple[str, ...]
    subject: str
    date: datetime | None
    text: str
    attachments: tuple[Attachment, ...]
    notes: tuple[str, ...] = ()


_MSGID = re.compile(r"<[^<>\s@]{1,250}@[^<>\s@]{1,250}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_raw(raw: bytes, limits: Limits) -> None:
    """Refuse what is too large, empty or too branchy before the parser sees it."""
    if len(raw) > limits.max_bytes:
        raise Refused(f"The message is larger than {limits.max_bytes / 1048576:g} MB.")
    if not raw.strip():
        raise Refused("The file is empty.")
    # Each part starts at a boundary line ("--…") and usually has a Content-Type: twice
    # the limit in either is a message past it, whatever the parser would make of it.
    lowered = raw.lower()
    boundaries = raw.count(b"\n--")
    containers = lowered.count(b"multipart/") + lowered.count(b"message/")
    if boundaries > 2 * limits.max_parts + 2 or containers > limits.max_parts:
        raise Refused(f"The message has more than {limits.max_parts} parts.")


def parse(raw: bytes, limits: Limits | None = None) -> Mail:
    """Parse and check ``raw``; ``Refused`` when it breaks a limit or is not a message."""
    limits = limits or Limits()
    check_raw(raw, limits)
    try:
        msg = message_from_bytes(raw, policy=policy.default)
    except RecursionError:
        raise Refused(f"The message is nested deeper than {limits.max_depth} levels.")
    except Exception as exc:  # the parser is lenient; whatever still escapes is bad input
        raise Refused(f"The message cannot be read ({type(exc).__name__}).")
    for _ in walk(msg, limits):  # counts parts and depth; Refused past either
        pass
    if not any(header(msg, name) for name in ("From", "Subject", "Message-ID", "Date")):
        raise Refused("This is not an email: it has none of From, Subject, Date, Message-ID.")
    name, address = sender(msg)
    text, attachments, notes = _body_and_files(msg, limits)
    return Mail(
        message=msg,
        message_id=first_id(header(msg, "Message-ID", raw=True)),
        references=references(msg),
        from_name=name,
        from_addr=address,
        to_addrs=tuple(a for _, a in _addresses(msg, "To") + _addresses(msg, "Cc") if a),
        subject=header(msg, "Subject")[:300],
        date=date_of(msg),
        text=text,
        attachments=attachments,
        notes=notes,
    )


def walk(msg: Message, limits: Limits) -> Iterator[tuple[Message, int]]:
    """Every part with its message/rfc822 depth, without recursion; ``Refused`` past the
    part or depth limits."""
    stack: list[tuple[Message, int, int]] = [(msg, 0, 0)]
    count = 0
    while stack:
        part, depth, nesting = stack.pop()
        count += 1
        if count > limits.max_parts:
            raise Refused(f"The message has more than {limits.max_parts} parts.")
        yield part, depth
        if not part.is_multipart():
            continue
        inner = depth + (1 if content_type(part).startswith("message/") else 0)
        # multiparts in multiparts count too: ten times the depth is plenty for real mail
        if inner > limits.max_depth or nesting + 1 > limits.max_depth * 10:
            raise Refused(f"The message is nested deeper than {limits.max_depth} levels.")
        children = part.get_payload()
        if isinstance(children, list):
            stack.extend((c, inner, nesting + 1) for c in reversed(children))


def content_type(part: Message) -> str:
    """``maintype/subtype`` in lower case, or the part's default (text/plain; message/rfc822
    in a multipart/digest) when the header is missing or invalid: what
    ``get_content_type`` answers, without building the structured header each time
    (more than half of the time reading the fixtures went there: bench/ingest_mail.py)."""
    value = header(part, "Content-Type", raw=True).split(";", 1)[0].strip().lower()
    return value if value.count("/") == 1 else part.get_default_type()


def header(msg: Message, name: str, *, raw: bool = False) -> str:
    """One header as a single line of text; "" when absent. Encoded words the library
    cannot decode are read as they are instead of raising (``raw``: never decoded)."""
    value = None
    if not raw:
        try:
            found = msg.get(name)
            value = None if found is None else str(found)
        except Exception:  # broken encoded words, bad parameters: fall back to the raw text
            value = None
    if value is None:
        for key, raw_value in msg.raw_items() if hasattr(msg, "raw_items") else msg.items():
            if key.lower() == name.lower():
                value = str(raw_value)
                break
    return " ".join(_CONTROL.sub(" ", value or "").split())


def first_id(value: str) -> str | None:
    """The first ``<local@domain>`` in a header value."""
    found = _MSGID.search(value or "")
    return found.group(0) if found else None


def all_ids(value: str) -> list[str]:
    """Every ``<local@domain>`` in a text, in order, without repeats."""
    return list(dict.fromkeys(_MSGID.findall(value or "")))


def references(msg: Message) -> tuple[str, ...]:
    """The messages this one answers: In-Reply-To, then References newest first."""
    in_reply_to = all_ids(header(msg, "In-Reply-To", raw=True))
    refs = all_ids(header(msg, "References", raw=True))
    return tuple(dict.fromkeys([*in_reply_to, *reversed(refs)]))[:50]


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    value = header(msg, name)
    try:
        pairs = getaddresses([value])
    except Exception:
        return []
    return [(n.strip(), a.strip().lower()) for n, a in pairs if "@" in a][:100]


def sender(msg: Message) -> tuple[str, str]:
    """(display name, lower-case address) of From; ("", "") when it has none."""
    pairs = _addresses(msg, "From")
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return name.strip("\"' ")[:200], address[:254]


def date_of(msg: Message) -> datetime | None:
    """The Date header as an aware datetime, or None when absent or unreadable."""
    value = header(msg, "Date", raw=True)
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is not None and when.tzinfo is None:
        return None  # "-0000": the sender did not know its zone; the day may be wrong
    return when


def decode_text(part: Message, limit: int) -> str:
    """A text part's content as str whatever its declared charset (unknown or wrong
    charsets fall back to UTF-8, then Latin-1, never raising)."""
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = str(part.get_payload()).encode("utf-8", "replace")
    data = data[: limit * 4]
    charset = (part.get_content_charset() or "utf-8").strip().lower()
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    try:
        text = data.decode(charset)
    except (UnicodeDecodeError, ValueError):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))[:limit]


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return " ".join(_CONTROL.sub(" ", name or "").split())[:200]


def _is_attachment(part: Message) -> bool:
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    return disposition == "attachment" or bool(_filename(part))


def _is_inline_image(part: Message) -> bool:
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    return (
        content_type(part).startswith("image/")
        and disposition != "attachment"
        and bool(header(part, "Content-ID"))
    )


def _body_and_files(
    msg: Message, limits: Limits
) -> tuple[str, tuple[Attachment, ...], tuple[str, ...]]:
    """The best text of the message itself (plain, else HTML as text) and its files.

    Parts of a message/rfc822 inside (a forwarded mail, the original in a bounce) are
    not this message's text: they are skipped, with a note.
    """
    plain: str | None = None
    html: str | None = None
    files: list[Attachment] = []
    notes: list[str] = []
    for part, depth in walk(msg, limits):
        if depth > 0:  # inside a message/*: not this message's own text or files
            continue
        ctype = content_type(part)
        if ctype in ("message/rfc822", "message/global"):
            notes.append("An attached email was not opened.")
            continue
        if part.is_multipart():
            continue
        if _is_inline_image(part):
            continue  # a logo or signature image drawn inside an HTML body, not a file sent
        if _is_attachment(part):
            if len(files) >= limits.max_attachments:
                notes.append(f"More than {limits.max_attachments} attachments: the rest skipped.")
                break
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                files.append(Attachment(_filename(part) or "attachment", ctype, data))
        elif ctype == "text/plain" and plain is None:
            plain = decode_text(part, limits.max_text_chars)
        elif ctype == "text/html" and html is None:
            html = decode_text(part, limits.max_text_chars * 4)
    if plain is not None and plain.strip():
        text = plain
    elif html is not None:
        text = html_to_text(html, limit=limits.max_text_chars)
    else:
        text = plain or ""
    return text.strip()[: limits.max_text_chars], tuple(files), tuple(notes)
