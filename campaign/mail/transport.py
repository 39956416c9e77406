"""Ways to deliver a message: SMTP, or .eml files for a local run."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol

from campaign.core.files import private_dir, write_private
from campaign.mail.models import OutboxMessage

log = logging.getLogger("campaign.mail")
_URL = re.compile(r"https?://\S+")


class Transport(Protocol):
    """Something that delivers one message and returns the server's reply, or raises
    (``Refused`` when the server answered no)."""

    def send(self, message: EmailMessage) -> str | None: ...


class Refused(Exception):
    """The SMTP server refused the message: 4xx for now (try again), 5xx for good."""

    def __init__(self, code: int, reply: bytes | str, *, sender: bool = False) -> None:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        self.code, self.reply = code, f"{code} {' '.join(text.split())}"
        # refused at MAIL FROM: our sender or relay is at fault, not the recipient's address
        self.sender = sender
        super().__init__(self.reply)

    @property
    def permanent(self) -> bool:
        """Refused for good, because of the recipient (a 5xx after MAIL FROM)."""
        return self.code >= 500 and not self.sender


def attachment_part(data: bytes, filename: str | None) -> EmailMessage:
    """A PDF attachment as a MIME part, base64-encoded once: the worker attaches the same
    part to every recipient's message of one packet."""
    part = EmailMessage()
    part.set_content(data, maintype="application", subtype="pdf", disposition="attachment",
                     filename=filename or "attachment.pdf")  # fmt: skip
    return part


def build_message(
    row: OutboxMessage, sender: str, attachment: bytes | EmailMessage | None = None
) -> EmailMessage:
    """The RFC 5322 message for an outbox row (same Message-ID on every attempt), with
    its attachment when it has one (its bytes, or an ``attachment_part`` of them)."""
    msg = EmailMessage()
    msg["From"] = from_header(sender, row.from_name)
    if row.reply_to:
        msg["Reply-To"] = row.reply_to
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Message-ID"] = row.message_id
    msg["Date"] = format_datetime(row.created_at)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body_text)
    if row.body_html:
        msg.add_alternative(row.body_html, subtype="html")
    if isinstance(attachment, EmailMessage):
        msg.make_mixed()
        msg.attach(attachment)
    elif attachment is not None:
        msg.add_attachment(
            attachment,
            maintype="application",
            subtype="pdf",
            filename=row.attachment_name or "attachment.pdf",
        )
    return msg


def from_header(sender: str, name: str | None) -> Address | str:
    """ "Coalition Name <address>": CAMPAIGN_MAIL_FROM's address (the one the relay lets
    us send from) under the coalition's name; MAIL_FROM as it is without a name."""
    default_name, address = parseaddr(sender)
    if not address or not (name or default_name):
        return sender
    try:
        return Address(display_name=name or default_name, addr_spec=address)
    except (HeaderParseError, ValueError, IndexError):  # an address Address cannot split
        return sender


class SMTPTransport:
    """Deliver through an SMTP server (plain, STARTTLS or implicit TLS)."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        user: str | None = None,
        password: str | None = None,
        tls: str = "none",
        timeout: float = 30,
    ) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.tls, self.timeout = tls.lower(), timeout
        self._context: ssl.SSLContext | None = None
        self._smtp: smtplib.SMTP | None = None

    @property
    def context(self) -> ssl.SSLContext:
        """The TLS context, made once: loading the system's certificates costs about
        25 ms of CPU, which the worker paid on every message (bench/cluster.py)."""
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.tls == "starttls":
                smtp.starttls(context=self.context)
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> str:
        """Deliver one message to its one recipient and return the server's final reply
        (``send_message`` hides it: MAIL, RCPT and DATA are spoken one by one).

        The connection stays open for the next message of the worker's round (``close``
        ends it): a new connection, greeting and login per message cost more than the
        message itself (bench/send_packets.py). One the server dropped meanwhile is
        opened again once."""
        if self._smtp is not None:
            try:
                return _transact(self._smtp, message)
            except (smtplib.SMTPServerDisconnected, OSError):
                self.close()
        self._smtp = self._connect()
        try:
            return _transact(self._smtp, message)
        except Refused:
            raise
        except Exception:
            self.close()  # a broken connection is not reused
            raise

    def close(self) -> None:
        """End the open connection, if any (QUIT, or just drop it if that fails)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _transact(smtp: smtplib.SMTP, message: EmailMessage) -> str:
    smtp.ehlo_or_helo_if_needed()
    envelope_from = parseaddr(str(message["From"]))[1]
    recipients = [parseaddr(a)[1] for a in str(message["To"]).split(",") if a.strip()]
    data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    code, reply = smtp.mail(envelope_from)
    if code != 250:
        smtp.rset()
        raise Refused(code, reply, sender=True)
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            smtp.rset()
            raise Refused(code, reply)
    try:
        code, reply = smtp.data(data)
    except smtplib.SMTPDataError as err:  # DATA itself refused (no 354)
        smtp.rset()
        raise Refused(err.smtp_code, err.smtp_error) from err
    if code != 250:
        raise Refused(code, reply)
    return Refused(code, reply).reply  # "250 2.0.0 Ok: queued as …", on one line


class FileTransport:
    """Write each message as an .eml file and log its links (a local run without SMTP)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> str:
        private_dir(self.directory)
        stem = re.sub(r"[^A-Za-z0-9]+", "-", str(message["Message-ID"])).strip("-")
        path = self.directory / f"{stem}.eml"
        write_private(path, bytes(message))
        body = message.get_body(preferencelist=("plain",))
        links = _URL.findall(body.get_content() if body else "")
        log.warning("Mail to %s: %s (saved to %s)", message["To"], message["Subject"], path)
        for link in links:
            log.warning("  link: %s", link)
        return f"saved to {path.name} (no SMTP server configured)"


def from_config(config: dict, mail_dir: Path) -> Transport:
    """SMTP when CAMPAIGN_SMTP_HOST is set, otherwise .eml files under ``mail_dir``."""
    if config.get("SMTP_HOST"):
        return SMTPTransport(
            config["SMTP_HOST"],
            int(config.get("SMTP_PORT") or 25),
            user=config.get("SMTP_USER"),
            password=config.get("SMTP_PASSWORD"),
            tls=config.get("SMTP_TLS") or "none",
        )
    return FileTransport(mail_dir)
