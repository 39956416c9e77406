"""A real SMTP server (aiosmtpd) that answers what a test scripts: 4xx, 5xx, a queue id."""

from __future__ import annotations

import socket

import pytest

from campaign.mail.transport import SMTPTransport


class Scripted:
    """An SMTP handler answering DATA with each reply in turn (the last one repeats)."""

    def __init__(self, *replies: str, rcpt: str | None = None) -> None:
        self.replies, self.rcpt, self.messages, self.calls = list(replies), rcpt, [], 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt:
            return self.rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        if reply.startswith("250"):
            self.messages.append(message_from_bytes(envelope.content, policy=default))
        return reply


@pytest.fixture
def scripted_smtp():
    """``scripted_smtp(handler)`` → an SMTPTransport to a real aiosmtpd server using it."""
    from aiosmtpd.controller import Controller

    started = []

    def start(handler):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return SMTPTransport("127.0.0.1", port)

    yield start
    for controller in started:
        controller.stop()
