"""Sending one delivery: a POST to the checked address, signed, no redirect followed."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from campaign.core.errors import DomainError
from campaign.webhooks import signing
from campaign.webhooks.destinations import Destination, resolve

USER_AGENT = "campaign-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What the receiver answered (``status`` None: no answer at all) and how long it took."""

    status: int | None
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, dest: Destination, timeout: float) -> None:
        super().__init__(dest.host, dest.port, timeout=timeout)
        self._address = dest.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS, the certificate checked against the URL's host name."""

    def __init__(self, dest: Destination, timeout: float) -> None:
        super().__init__(
            dest.host, dest.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = dest.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    *,
    secret: str,
    event: str,
    delivery_id: int,
    idempotency_key: str,
    allow_private: bool,
    timeout: float,
    now: float | None = None,
) -> Outcome:
    """POST ``body`` to ``url`` with its signature; a 3xx is an answer like any non-2xx
    (redirects are never followed: they could lead anywhere)."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        dest = resolve(url, allow_private=allow_private)
    except DomainError as err:
        return Outcome(None, took(), err.message)
    stamp = int(now if now is not None else time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Campaign-Event": event,
        "X-Campaign-Delivery": str(delivery_id),
        "Idempotency-Key": idempotency_key,
        signing.HEADER: signing.sign(secret, stamp, body),
    }
    kind = _PinnedHTTPS if dest.scheme == "https" else _PinnedHTTP
    conn = kind(dest, timeout)
    try:
        conn.request("POST", dest.path, body=body, headers=headers)
        answer = conn.getresponse()
        answer.read(64 * 1024)  # enough to end the exchange; the body itself is not kept
        return Outcome(answer.status, took(), None)
    except (OSError, http.client.HTTPException) as err:
        return Outcome(None, took(), f"{type(err).__name__}: {err}"[:500])
    finally:
        conn.close()
