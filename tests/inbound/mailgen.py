"""Building test mail: the fixtures of tests/mail/fixtures/, and hostile messages too
large to commit (generated here)."""

from __future__ import annotations

import hashlib
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "mail" / "fixtures"
# the Message-ID of "our" message in every fixture, replaced by a real receipt's
ORIGINAL_ID = "<177.20261130T2310.a1b2c3@campaign.local>"


def fixture(name: str, message_id: str | None = None, **replace: str) -> bytes:
    """A fixture's bytes, pointing at ``message_id`` instead of the placeholder."""
    raw = (FIXTURES / name).read_bytes()
    if message_id is not None:
        raw = raw.replace(ORIGINAL_ID.encode(), message_id.encode())
    for old, new in replace.items():
        raw = raw.replace(old.encode(), new.encode())
    return raw


def many_parts(n: int) -> bytes:
    """A multipart/mixed message of ``n`` tiny text parts."""
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(n))
    return (
        "From: a@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary=b\r\n\r\n{parts}--b--\r\n"
    ).encode()


def nested_messages(depth: int) -> bytes:
    """A message/rfc822 inside a message/rfc822… ``depth`` times."""
    text = "From: x@example.org\r\nSubject: innermost\r\n\r\nbody\r\n"
    for i in range(depth):
        text = (
            f"From: x@example.org\r\nSubject: level {i}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: message/rfc822\r\n\r\n{text}"
        )
    return text.encode()


def nested_multiparts(depth: int) -> bytes:
    """multipart/mixed inside multipart/mixed… ``depth`` times, with no message/*."""
    text = "Content-Type: text/plain\r\n\r\nhi\r\n"
    for i in range(depth):
        text = (
            f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n{text}\r\n--b{i}--\r\n"
        )
    return ("From: a@example.org\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + text).encode()


def with_attachment(size: int, *, reply_to: str = ORIGINAL_ID) -> bytes:
    """A reply carrying a ``size``-byte attachment (base64 makes the message larger)."""
    import base64

    blob = base64.encodebytes(hashlib.sha256(b"x").digest() * (size // 32 + 1))[: size * 4 // 3]
    return (
        b"From: Big <big@example.gov>\r\nSubject: Re: big\r\nMessage-ID: <big.1@example.gov>\r\n"
        b"In-Reply-To: " + reply_to.encode() + b"\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\n"
        b"See attached.\r\n--z\r\nContent-Type: application/pdf; name=big.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=big.pdf"
        b"\r\n\r\n" + blob + b"\r\n--z--\r\n"
    )
