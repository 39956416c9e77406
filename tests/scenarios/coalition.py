"""The people of a coalition letter, as the scenario drives them through HTTP: the
coordinator, signers (each their own browser and address), their mailbox on a real SMTP
server, and readers of every count and of the printed PDF."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from flask import Flask

from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due
from tests.printing.conftest import has_cjk_font, pdftotext, reading_order, squash
from tests.scenarios.model import CODE, Model, Org
from tests.signons.helpers import form as public_form
from tests.signons.helpers import link_in, path_of

RTL = re.compile(r"[\u0590-\u08ff]")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass
class Mailbox:
    """The outbox worker delivering to a real SMTP server, and what each address got."""

    smtp: object
    sessions: object
    seen: int = 0

    def deliver(self) -> None:
        transport = SMTPTransport(self.smtp.host, self.smtp.port)
        while deliver_due(self.sessions, transport, "coalition@example.org") != (0, 0):
            pass

    def to(self, address: str) -> list:
        self.deliver()
        return [m for m in self.smtp.messages if m["To"] == address]

    def links(self, address: str) -> list[str]:
        """The confirmation links emailed to ``address``, oldest first."""
        return [path_of(link_in(m.get_body(("plain",)).get_content())) for m in self.to(address)]


@dataclass
class Signers:
    """Signers on the public page, each their own browser with its own address (the
    sign-on limits count per address, as they do for people signing from home)."""

    app: Flask
    clients: dict = field(default_factory=dict)

    def __call__(self, email: str):
        if email not in self.clients:
            client = self.app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"198.51.100.{len(self.clients) % 250 + 1}"
            client.environ_base["HTTP_X_SCENARIO_SIGNER"] = email
            self.clients[email] = client
        return self.clients[email]


@dataclass
class Letter:
    """Where the letter's pages are."""

    campaign_slug: str
    letter_id: int
    slug: str

    @property
    def page(self) -> str:
        return f"/campaigns/{self.campaign_slug}/letters/{self.letter_id}"

    @property
    def review(self) -> str:
        return f"{self.page}/signons"

    @property
    def delivery(self) -> str:
        return f"{self.page}/delivery"

    @property
    def public(self) -> str:
        return f"/sign/{self.slug}"


def number(pattern: str, html: str, default: int | None = None) -> int:
    m = re.search(pattern, html)
    if m is None:
        assert default is not None, pattern
        return default
    return int(m.group(1).replace(",", ""))


def text_of(html: str) -> str:
    """The page as read: tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def counts(coordinator, public, letter: Letter) -> dict:
    """Every count a coordinator or the public sees of the letter, page by page."""
    pub = public.get(letter.public).get_data(as_text=True)
    page = coordinator.get(letter.page).get_data(as_text=True)
    review = coordinator.get(letter.review).get_data(as_text=True)
    campaign = coordinator.get(f"/campaigns/{letter.campaign_slug}").get_data(as_text=True)
    dash = coordinator.get(f"/campaigns/{letter.campaign_slug}/dashboard").get_data(as_text=True)
    send = coordinator.get(letter.delivery).get_data(as_text=True)
    printed = coordinator.get(f"{letter.review}/printed.csv").get_data(as_text=True)
    directory = coordinator.get("/directory/export.csv").get_data(as_text=True)
    directory = {
        row["organization"] for row in csv.DictReader(io.StringIO(directory.lstrip("\ufeff")))
    }
    by_status = {
        status: int(n)
        for status, n in re.findall(
            r'<li class="list-inline-item"><a href="[^"]*status=(\w+)[^"]*">[^<]*</a> (\d+)</li>',
            review,
        )
    }
    on_letter = r'id="on-letter-count">([\d,]+)</span>'
    return {
        "public list": public_groups(pub),
        "public": number(on_letter, pub),
        "public unlisted": number(r"([\d,]+) further organizations? signed and asked", pub, 0),
        "letter page": number(on_letter, page),
        "review": number(on_letter, review),
        "campaign page": number(rf'id="on-letter-{letter.letter_id}">\s*([\d,]+)', campaign),
        "dashboard": number(r'id="signons-on-letter">\s*([\d,]+)', dash),
        "print & send": number(r"([\d,]+) approved sign-ons? would be printed today", send),
        "printed.csv": len(list(csv.reader(io.StringIO(printed.lstrip("\ufeff"))))) - 1,
        "awaiting review": number(r'id="awaiting-review-count">\s*([\d,]+)', review),
        "dashboard awaiting": number(r'id="signons-awaiting-review">\s*([\d,]+)', dash),
        "counted": number(r'id="signons-total">\s*([\d,]+)', dash),
        "counted by level": {
            level: number(rf'id="signons-{level}">\s*([\d,]+)', dash)
            for level in ("national", "state", "local")
        },
        "chart": sum(int(n) for n in re.findall(r'data-date="[\d-]+" data-value="(\d+)"', review)),
        "directory": sorted(directory),
        "left out": number(r"<strong>([\d,]+) organizations? signed an earlier text", send, 0),
        "by status": {k: v for k, v in by_status.items() if v},
    }


def expected_counts(model: Model) -> dict:
    """The same counts, worked out from the coordinator's own records."""
    on = model.on_letter
    counted = [o for o in model.orgs.values() if o.counted]
    unlisted = sum(1 for o in model.orgs.values() if o.printed and not o.listed)
    awaiting = len(model.with_status("confirmed"))
    printed = [o for o in model.orgs.values() if o.printed]
    return {
        # grouped and ordered as the PDF, each local or state one with its city
        "public list": [
            (heading, [_entry(model[name]) for name in names])
            for heading, names in model.groups(printed)
        ],
        "public": on,
        "public unlisted": unlisted if on else 0,
        "letter page": on,
        "review": on,
        "campaign page": on,
        "dashboard": on,
        "print & send": on,
        "printed.csv": on - unlisted,  # the names printed: count-only ones are not
        "awaiting review": awaiting,
        "dashboard awaiting": awaiting,
        "counted": len(counted),
        "counted by level": model.counted_by_level(),
        "chart": len(counted),  # each on the day it signed
        # organizations come from sign-ons that count or once counted, never from junk
        "directory": sorted(
            o.name for o in model.orgs.values() if o.counted or o.status == "withdrawn"
        ),
        "left out": len(model.left_out),
        "by status": model.by_status(),
    }


def public_groups(html: str) -> list[tuple[str, list[str]]]:
    """The public page's signatories: (heading, entries as shown), in page order."""
    if 'id="signatories"' not in html:
        return []
    section = html[html.index('id="signatories"') :]
    groups = []
    for heading, body in re.findall(r"<h3[^>]*>(.*?)</h3>\s*<ul[^>]*>(.*?)</ul>", section, re.S):
        entries = [unescape(re.sub(r"<[^>]+>", "", li).strip())
                   for li in re.findall(r"<li>(.*?)</li>", body, re.S)]  # fmt: skip
        groups.append((unescape(heading.strip()), entries))
    return groups


def _entry(org: Org) -> str:
    return f"{org.name}, {org.city}" if org.city and org.level != "national" else org.name


def differences(seen: dict, expected: dict) -> list[str]:
    """What differs, readably (lists as what is missing and what is extra)."""
    out = []
    for key in expected:
        got, want = seen.get(key), expected[key]
        if got == want:
            continue
        if isinstance(want, list):
            out.append(f"{key}: missing {sorted(set(want) - set(got))}, "
                       f"extra {sorted(set(got) - set(want))}")  # fmt: skip
        else:
            out.append(f"{key}: {got!r}, expected {want!r}")
    return out


def sign_publicly(signers: Signers, letter: Letter, org: Org, **extra):
    """The public form, as the signer fills it in."""
    data = public_form(
        org_name=org.name,
        level=org.level,
        state=_code(org.state),
        city=org.city,
        website="",
        signer_name=f"Signer for {org.name}",
        signer_title="Director",
        signer_email=org.email,
        listing="list" if org.listed else "count",
        **extra,
    )
    return signers(org.email).post(letter.public, data=data, content_type="multipart/form-data")


def confirm(
    signers: Signers, mailbox: Mailbox, email: str, link: str | None = None
) -> tuple[str, str]:
    """The signer opens the emailed link (a page with a button) and confirms; returns
    the page with the button and the page they end on, as text."""
    client = signers(email)
    link = link or mailbox.links(email)[-1]
    shown = client.get(link)
    assert shown.status_code == 200 and "Confirm" in shown.get_data(as_text=True)
    done = client.post(link)
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    return text_of(shown.get_data(as_text=True)), text_of(after)


def _code(state_name: str) -> str:
    return CODE.get(state_name, "") if state_name else ""


@dataclass
class Pdf:
    """A delivered or draft PDF: its bytes, and its text without whitespace (or bidi
    marks), in the order a reader reads the list: column by column, page by page."""

    data: bytes
    text: str  # in reading order, for the list
    plain: str  # as pdftotext reads it, for what spans the page's width

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


BIDI_MARKS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def read_pdf(data: bytes, tmp_path: Path, *, start: str = "Signed", columns: int = 3) -> Pdf:
    assert data.startswith(b"%PDF"), data[:200]
    ordered = BIDI_MARKS.sub("", reading_order(data, tmp_path, columns, start))
    return Pdf(data, ordered, BIDI_MARKS.sub("", squash(pdftotext(data, tmp_path))))


def _found(text: str, name: str, at: int, end: int) -> int | None:
    """Where ``name`` is in text[at:end], or None. Right-to-left names come out of the PDF
    in visual order with ligatures split: all their letters must be in that stretch."""
    if RTL.search(name):
        letters = {ch for ch in name if not ch.isspace()}
        return at if letters <= set(text[at:end]) else None
    found = text.find(squash(name), at, end)
    return None if found < 0 else found + len(squash(name))


def assert_groups_in_order(pdf: Pdf, groups: list[tuple[str, list[str]]], start: int = 0) -> int:
    """Each heading (in capitals, as printed) in order, and under it each of its names in
    order, before the next heading; returns where the list ends."""
    text, at = pdf.text, start
    checks_cjk = has_cjk_font()
    for i, (heading, names) in enumerate(groups):
        at = text.index(squash(heading.upper()), at)
        end = len(text)
        if i + 1 < len(groups):
            end = text.index(squash(groups[i + 1][0].upper()), at + 1)
        for name in names:
            if CJK.search(name) and not checks_cjk:
                continue
            found = _found(text, name, at, end)
            assert found is not None, f"{name!r} not under {heading!r} in its place"
            at = found
        at = end if i + 1 < len(groups) else at
    return at
