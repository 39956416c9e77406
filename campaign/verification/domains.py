"""Email and website domains, as the Public Suffix List cuts them (offline).

``tldextract`` reads only the snapshot of the list bundled with it: no download
(``suffix_list_urls=()``) and no cache written anywhere (``cache_dir=None``), so a
sign-on is never held up, nor a result changed, by the network.
"""

from __future__ import annotations

import enum
import functools
from pathlib import Path
from urllib.parse import urlsplit

import tldextract

_FREE_MAIL_FILE = Path(__file__).with_name("free_mail_domains.txt")


@functools.cache
def _extract() -> tldextract.TLDExtract:
    # the list's private section too: two sites on ``*.github.io`` or ``*.wordpress.com``
    # are two organizations, not one at ``github.io``
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


@functools.cache
def free_mail_domains() -> frozenset[str]:
    """The maintained list of free-mail and provider domains (free_mail_domains.txt)."""
    lines = _FREE_MAIL_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def _host(value: str) -> str:
    value = (value or "").strip().lower()
    if not value:
        return ""
    if "://" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:  # a malformed address (e.g. a bad port): no domain
        return ""
    return host.rstrip(".")


def registrable_domain(value: str) -> str:
    """The registrable domain of a website or host: ``aclutx.org`` for
    ``https://www.aclutx.org/about``; "" when there is none (an IP, ``localhost``)."""
    host = _host(value)
    if not host:
        return ""
    parts = _extract()(host)
    if not parts.domain or not parts.suffix:
        return ""
    return f"{parts.domain}.{parts.suffix}"


def email_domain(email: str) -> str:
    """The registrable domain of an email address ("" if it has none)."""
    _, at, host = (email or "").strip().rpartition("@")
    return registrable_domain(host) if at else ""


def is_free_mail(domain: str) -> bool:
    """True for a free-mail or provider domain (never a proof of anything)."""
    return domain.lower() in free_mail_domains()


class DomainCheck(enum.StrEnum):
    """How the signer's address compares with the organization's website."""

    MATCH = "match"  # at the website's registrable domain (or a subdomain of it)
    MISMATCH = "mismatch"  # at another domain of its own
    FREE_MAIL = "free_mail"  # at a free-mail or provider domain
    NO_WEBSITE = "no_website"  # nothing to compare with

    @property
    def label(self) -> str:
        return {
            "match": "address at the organization's website domain",
            "mismatch": "address at another domain than the website's",
            "free_mail": "free-mail or provider address",
            "no_website": "no website to compare the address with",
        }[self.value]


def check(email: str, website: str) -> DomainCheck:
    """Compare a signer's address with the organization's website."""
    mail = email_domain(email)
    if not mail or is_free_mail(mail):
        return DomainCheck.FREE_MAIL
    site = registrable_domain(website)
    if not site:
        return DomainCheck.NO_WEBSITE
    return DomainCheck.MATCH if mail == site else DomainCheck.MISMATCH
