"""Registrable domains from the bundled Public Suffix List, and the free-mail list."""

import pytest

from campaign.verification import domains
from campaign.verification.domains import DomainCheck


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.aclutx.org/about", "aclutx.org"),
        ("www.aclutx.org", "aclutx.org"),
        ("http://ACLUTX.ORG.", "aclutx.org"),
        ("https://news.bbc.co.uk", "bbc.co.uk"),  # a two-part public suffix
        ("https://example.github.io", "example.github.io"),  # a private suffix of the list
        ("http://127.0.0.1:8080", ""),
        ("http://localhost", ""),
        ("http://[::1", ""),  # malformed: no domain, no error
        ("", ""),
    ],
)
def test_registrable_domain(value, expected):
    assert domains.registrable_domain(value) == expected


def test_the_list_is_read_offline_from_the_bundled_snapshot(monkeypatch):
    # any attempt to fetch the list would go through the network: there is none
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    domains._extract.cache_clear()
    assert domains.registrable_domain("https://www.aclutx.org") == "aclutx.org"


def test_email_domain_and_subdomains():
    assert domains.email_domain("Ana@Mail.ACLUTX.org") == "aclutx.org"
    assert domains.email_domain("not an address") == ""


@pytest.mark.parametrize(
    "email",
    [
        "ed@gmail.com",
        "ed@googlemail.com",
        "ed@outlook.com",
        "ed@hotmail.com",
        "ed@yahoo.com",
        "ed@proton.me",
        "ed@protonmail.com",
        "ed@icloud.com",
        "ed@comcast.net",
        "ed@sbcglobal.net",
        "ed@mail.comcast.net",  # a provider's subdomain is the provider's
    ],
)
def test_free_mail_never_matches_even_when_the_website_is_on_it(email):
    domain = email.split("@")[1]
    assert domains.check(email, f"https://{domain}") == DomainCheck.FREE_MAIL
    assert domains.check(email, "https://www.aclutx.org") == DomainCheck.FREE_MAIL


def test_match_mismatch_and_no_website():
    assert domains.check("ed@aclutx.org", "https://www.aclutx.org") == DomainCheck.MATCH
    assert domains.check("ed@austin.aclutx.org", "aclutx.org") == DomainCheck.MATCH
    assert domains.check("ed@aclu-tx.net", "https://www.aclutx.org") == DomainCheck.MISMATCH
    assert domains.check("ed@aclutx.org", "") == DomainCheck.NO_WEBSITE
