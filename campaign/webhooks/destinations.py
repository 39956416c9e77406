"""Where a webhook may go: http(s) only, and in production never to a private, loopback,
link-local or otherwise internal address (resolved first, and the connection made to the
very address checked, so that a DNS answer cannot change between check and use)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from campaign.core.errors import DomainError

MAX_URL = 2000


@dataclass(frozen=True)
class Destination:
    """A checked URL: its parts, and the address to connect to."""

    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str


def check_url(url: str) -> str:
    """The URL, trimmed, if it is an http(s) address with a host and no login in it."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL:
        raise DomainError("Enter the web address to send events to.", field="url")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise DomainError("The port is not a number.", field="url")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError("The address must start with https:// or http://.", field="url")
    if parts.username or parts.password or parts.fragment:
        raise DomainError("The address may not hold a login or a #fragment.", field="url")
    return url


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(url: str, *, allow_private: bool) -> Destination:
    """Resolve the URL's host; refuse it (``DomainError``) if it is not http(s) or, unless
    ``allow_private``, if any address it resolves to is internal."""
    url = check_url(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        raise DomainError(f"The host {parts.hostname} cannot be found ({err}).", field="url")
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise DomainError(f"The host {parts.hostname} has no address.", field="url")
    if not allow_private and any(_internal(a) for a in addresses):
        raise DomainError(
            "The address points inside a private network (private, loopback or link-local "
            "addresses are refused).",
            field="url",
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, parts.hostname, port, path, addresses[0])
