"""Bounces: delivery status notifications (RFC 3464) and the common shapes that are not.

A DSN is ``multipart/report; report-type=delivery-status``: a human part, a
``message/delivery-status`` part (one block about the message, one block per recipient:
Final-Recipient, Action, Status, Diagnostic-Code) and the original message or its
headers (``message/rfc822`` or ``text/rfc822-headers``). Postfix, Exchange/Office 365
and Gmail all send that shape today, each with their own human part. Older or simpler
servers (qmail, Gmail before 2015, some appliances) send plain text from
MAILER-DAEMON with the original headers pasted below: for those the status code, the
failing address and the original Message-ID are read from the text.

Permanent failures (Action: failed, or a 5.x.x status) are bounces; Action: delayed or a
4.x.x status is only a delay (the server still retries): recorded, never a bounce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

from campaign.inbound.parse import (
    Limits,
    Mail,
    all_ids,
    content_type,
    decode_text,
    first_id,
    header,
    walk,
)

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SMTP_CODE = re.compile(r"\b([45]\d\d)[ -]")
_DAEMONS = re.compile(
    r"^(mailer-daemon|postmaster|mail-daemon|mdaemon|microsoftexchange\w*)@", re.I
)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|undelivered mail|delivery status notification|mail delivery fail|"
    r"returned mail|failure notice|delivery failure|could not be delivered|"
    r"non[- ]?remis|no se pudo entregar|entrega fallida|delivery has failed|"
    r"delivery (notification|incomplete|delayed)|warning: message .* delayed)",
    re.I,
)
_ADDRESS = re.compile(r"<?([A-Za-z0-9._%+'=-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})>?")
# where the pasted original begins in a plain-text bounce
_ORIGINAL_MARK = re.compile(
    r"(-{2,}\s*(original message|below this line is a copy|undelivered message|"
    r"the header of the original)|original message headers|^received: )",
    re.I | re.M,
)
# bounces are walked after parse() has checked the configured limits: these only bound work
_LIMITS = Limits(max_parts=10_000, max_depth=50)


@dataclass(frozen=True)
class Bounce:
    """What a delivery report says about one recipient of one of our messages."""

    action: str  # failed | delayed | delivered | relayed | expanded
    recipient: str
    status: str  # e.g. "5.1.1"; "" when the report gives none
    diagnostic: str
    # the original's Message-ID candidates, most trustworthy first
    original_ids: tuple[str, ...]
    shape: str  # "rfc3464" or "text"

    @property
    def permanent(self) -> bool:
        """A failure the sending server has given up on."""
        return self.action == "failed"


def detect(mail: Mail) -> Bounce | None:
    """The bounce (or delay, or success report) ``mail`` is, or None when it is none."""
    msg = mail.message
    report = _report_part(msg)
    if report is not None:
        return _from_report(mail, report)
    if _looks_like_bounce(mail):
        return _from_text(mail)
    return None


def _report_part(msg: Message) -> Message | None:
    for part, _ in walk(msg, _LIMITS):
        if content_type(part) in ("message/delivery-status", "message/global-delivery-status"):
            return part
    return None


def _blocks(part: Message) -> list[dict[str, str]]:
    """The delivery-status field blocks as dicts of lower-case names."""
    payload = part.get_payload()
    blocks: list[dict[str, str]] = []
    if isinstance(payload, list):
        for block in payload:
            blocks.append({k.lower(): header(block, k) for k in block})
    else:  # a transfer-encoded report arrives as text: read its "Name: value" lines
        text = decode_text(part, 100_000) if not part.is_multipart() else str(payload)
        for chunk in re.split(r"\n\s*\n", text):
            fields = dict(
                (m.group(1).lower(), " ".join(m.group(2).split()))
                for m in re.finditer(r"^([A-Za-z-]+):[ \t]*(.*(?:\n[ \t].*)*)", chunk, re.M)
            )
            if fields:
                blocks.append(fields)
    return blocks


def _value(field: str) -> str:
    """``rfc822; someone@example.org`` → ``someone@example.org``."""
    return field.split(";", 1)[-1].strip().strip("<>")


def _from_report(mail: Mail, report: Message) -> Bounce:
    blocks = _blocks(report)
    recipients = [b for b in blocks if "action" in b or "final-recipient" in b]
    per_message = next((b for b in blocks if "reporting-mta" in b), {})
    # the report may list several recipients: a failure matters most, then a delay
    recipients.sort(key=_rank)
    block = recipients[0] if recipients else {}
    status_match = _STATUS.search(block.get("status", ""))
    status = status_match.group(0) if status_match else ""
    action = (block.get("action") or "").lower().split(" ")[0]
    if action not in ("failed", "delayed", "delivered", "relayed", "expanded"):
        action = _action_for(status)
    recipient = _value(block.get("final-recipient") or block.get("original-recipient") or "")
    if not recipient:
        recipient = _failed_header(mail)
    diagnostic = _value(block.get("diagnostic-code", "")) if block.get("diagnostic-code") else ""
    # the envelope id and X- ids of the report's blocks may name the original too
    extra = [per_message.get("original-envelope-id", "")] + [
        value for b in blocks for key, value in b.items() if key.startswith("x-") and "id" in key
    ]
    ids = _original_ids(mail, extra=extra)
    return Bounce(
        action=action,
        recipient=recipient.lower()[:254],
        status=status,
        diagnostic=(diagnostic or _diagnostic_line(mail.text, status))[:2000],
        original_ids=tuple(ids),
        shape="rfc3464",
    )


def _rank(block: dict[str, str]) -> int:
    words = (block.get("action") or "").lower().split()
    return {"failed": 0, "delayed": 1}.get(words[0] if words else "", 2)


def _action_for(status: str) -> str:
    if status.startswith("5"):
        return "failed"
    if status.startswith("4"):
        return "delayed"
    if status.startswith("2"):
        return "delivered"
    return "failed"


def _failed_header(mail: Mail) -> str:
    found = _ADDRESS.search(header(mail.message, "X-Failed-Recipients"))
    return found.group(1) if found else ""


def _looks_like_bounce(mail: Mail) -> bool:
    from_daemon = bool(_DAEMONS.match(mail.from_addr)) or "mail delivery" in mail.from_name.lower()
    null_sender = header(mail.message, "Return-Path", raw=True).strip() == "<>"
    subject = bool(_BOUNCE_SUBJECT.search(mail.subject))
    failed_header = bool(header(mail.message, "X-Failed-Recipients"))
    return failed_header or ((from_daemon or null_sender) and subject)


def _from_text(mail: Mail) -> Bounce:
    text = mail.text
    head = _ORIGINAL_MARK.split(text, maxsplit=1)[0]
    status_match = _STATUS.search(head) or _STATUS.search(text)
    status = status_match.group(0) if status_match else ""
    if not status:
        code = _SMTP_CODE.search(head)
        status = f"{code.group(1)[0]}.0.0" if code else ""
    recipient = _failed_header(mail)
    if not recipient:
        ours = set(mail.to_addrs)
        recipient = next((a for a in _ADDRESS.findall(head) if a.lower() not in ours), "")
    action = (
        "delayed"
        if re.search(r"(?i)delay|will (retry|keep trying)", mail.subject)
        else (_action_for(status))
    )
    return Bounce(
        action=action,
        recipient=recipient.lower()[:254],
        status=status,
        diagnostic=_diagnostic_line(head, status)[:2000],
        original_ids=tuple(_original_ids(mail)),
        shape="text",
    )


def _diagnostic_line(text: str, status: str) -> str:
    """The line of the human part that carries the status (or an SMTP code)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if (status and status in line) or _SMTP_CODE.match(line):
            return line
    return ""


def _original_ids(mail: Mail, extra: list[str] | None = None) -> list[str]:
    """Message-IDs of the bounced message: from the returned message or its headers,
    then X- headers naming it, the report's In-Reply-To and References, then any
    ``Message-ID:`` line of the text, then any id at all."""
    ids: list[str] = []
    own = mail.message_id
    for part, depth in walk(mail.message, _LIMITS):
        ctype = content_type(part)
        if ctype in ("message/rfc822", "message/global") and depth == 0:
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                ids += _ids_in_headers(inner[0])
        elif ctype in ("text/rfc822-headers", "text/global-headers"):
            parsed = HeaderParser().parsestr(decode_text(part, 200_000))
            ids += _ids_in_headers(parsed)
    for name in ("X-Original-Message-ID", "Original-Message-ID", "X-Campaign-Message-ID"):
        ids += all_ids(header(mail.message, name, raw=True))
    for value in extra or []:
        found = first_id(value)
        if found:
            ids.append(found)
    # Gmail and Exchange thread their reports under the original
    ids += mail.references
    for line in re.findall(r"(?im)^\s*message-id:\s*(.+)$", mail.text):
        ids += all_ids(line)
    ids += all_ids(mail.text)
    return [i for i in dict.fromkeys(ids) if i != own][:20]


def _ids_in_headers(msg: Message) -> list[str]:
    ids = all_ids(header(msg, "Message-ID", raw=True))
    for key in msg:
        if key.lower().startswith("x-") and "id" in key.lower():
            ids += all_ids(header(msg, key, raw=True))
    return ids
