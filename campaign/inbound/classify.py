"""What kind of mail a parsed message is: bounce, delay, auto-reply or a person's mail.

Order matters: a bounce also says ``Auto-Submitted: auto-replied`` (RFC 3834), so
delivery reports are recognised first; then anything a program answered by itself
(out-of-office, vacation, ticket acknowledgements, mailing-list traffic) is an
auto-reply; what is left was written by a person.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from campaign.inbound.bounces import Bounce, detect
from campaign.inbound.parse import Mail, header


class MailKind(enum.StrEnum):
    """What one ingested message turned out to be."""

    BOUNCE = "bounce"
    DELAYED = "delayed"
    REPORT = "report"  # a delivery report that is no failure (delivered, relayed)
    AUTO_REPLY = "auto_reply"
    REPLY = "reply"
    UNMATCHED = "unmatched"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    MailKind.BOUNCE: "Bounce",
    MailKind.DELAYED: "Delayed (still retried)",
    MailKind.REPORT: "Delivery report",
    MailKind.AUTO_REPLY: "Auto-reply",
    MailKind.REPLY: "Reply",
    MailKind.UNMATCHED: "Not ours",
    MailKind.REFUSED: "Refused",
}

# Out-of-office and other automatic answers, by subject (English and Spanish).
_AUTO_SUBJECT = re.compile(
    r"^\s*(\[?(auto(matic)?[ -]?(reply|response|respond)|autoreply|out of (the )?office|"
    r"away from (the|my) office|on vacation|vacation reply|i am (currently )?(out|away)|"
    r"i'm (currently )?(out|away)|respuesta autom[aá]tica|fuera de (la )?oficina|"
    r"ausente|ausencia|estoy fuera|de vacaciones|mensaje autom[aá]tico|"
    r"acuse de recibo autom[aá]tico)\b)",
    re.I,
)
_AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}


@dataclass(frozen=True)
class Classified:
    """A message's kind before matching: ``bounce`` for reports, ``auto_reason`` for
    auto-replies; REPLY means only "a person wrote it" until it matches a receipt."""

    kind: MailKind
    bounce: Bounce | None = None
    auto_reason: str = ""


def auto_reply_reason(mail: Mail) -> str:
    """Why ``mail`` was sent by a program rather than a person ("" when it was not)."""
    msg = mail.message
    auto = header(msg, "Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"):
        if header(msg, name):
            return f"{name}: {header(msg, name)}"
    precedence = header(msg, "Precedence").lower()
    if precedence in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    if _AUTO_SUBJECT.search(mail.subject):
        return f"Subject: {mail.subject[:80]}"
    return ""


def classify(mail: Mail) -> Classified:
    """Bounce, delay, report, auto-reply, or REPLY (a person's mail)."""
    bounce = detect(mail)
    if bounce is not None:
        if bounce.action == "failed":
            return Classified(MailKind.BOUNCE, bounce=bounce)
        if bounce.action == "delayed":
            return Classified(MailKind.DELAYED, bounce=bounce)
        return Classified(MailKind.REPORT, bounce=bounce)
    reason = auto_reply_reason(mail)
    if reason:
        return Classified(MailKind.AUTO_REPLY, auto_reason=reason)
    return Classified(MailKind.REPLY)
