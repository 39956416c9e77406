"""Every route that takes a file, how to post a valid form around one, and what success looks like.

A route that takes a file (found by crawling the pages' forms, or by its view using
a form with a FileField or ``request.files``) and is missing here fails
``test_every_upload_route_is_in_the_table``: deciding what a route accepts, and
checking it against the hostile-file corpus, is part of adding it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tests.security.hostile_files import ATTACHMENT, CSV, EML, LOGO, XLSX
from tests.security.policy import COORD, MEMBER


@dataclass(frozen=True)
class Upload:
    """One upload route: the family of files it takes, its file field, who posts, the rest."""

    family: str
    field: str
    role: str | None  # None: an anonymous visitor (the public page)
    form: Callable[[int], dict[str, str]]  # the other fields of a valid form; n makes it unique
    success: str  # an accepted file redirects to a URL containing this (or "page": 200)


def _sign(n: int) -> dict[str, str]:
    return {
        "org_name": f"Hostile Files Coalition {n}",
        "level": "national",
        "signer_name": "Ana Pérez",
        "signer_title": "Directora",
        "signer_email": f"hostile{n}@example.org",
        "authorized": "y",
        "authority": "executive",
        "listing": "list",
    }


def _evidence(n: int) -> dict[str, str]:
    return {"type": "news_report", "title": f"Report {n}", "summary": "Deputies stopped drivers."}


def _response(n: int) -> dict[str, str]:
    # a few days back: "today" depends on the coalition's time zone
    return {
        "received_on": (date.today() - timedelta(days=3)).isoformat(),
        "channel": "letter",
        "source": "ice",
        "summary": f"The sheriff answered ({n}).",
        "outcome": "none",
    }


def _mark_sent(n: int) -> dict[str, str]:
    return {"sent_on": date.today().isoformat(), "recipients": f"ICE portal ({n})",
            "method": "agency_portal"}  # fmt: skip


def _nothing(n: int) -> dict[str, str]:
    return {}


UPLOADS: dict[str, Upload] = {
    "signons.sign": Upload(LOGO, "logo", None, _sign, "/thanks"),
    "delivery.page": Upload(
        LOGO, "logo", COORD, lambda n: {"grouping": "state", "columns": "3"}, "/delivery"
    ),
    # the coalition's logo (the instance's, a campaign's own): shown on the public pages
    "campaigns.coalition_settings": Upload(
        LOGO, "logo", COORD, lambda n: {"name": f"Coalition {n}"}, "/campaigns"
    ),
    "campaigns.coalition": Upload(
        LOGO, "logo", COORD, lambda n: {"name": f"Coalition {n}"}, "/campaigns/"
    ),
    "evidence.new": Upload(ATTACHMENT, "attachment", MEMBER, _evidence, "/evidence/"),
    "evidence.attach": Upload(ATTACHMENT, "attachment", MEMBER, _nothing, "/evidence/"),
    "responses.new_for_demand": Upload(ATTACHMENT, "attachment", MEMBER, _response, "/demands/"),
    "responses.new_for_letter": Upload(ATTACHMENT, "attachment", MEMBER, _response, "/letters/"),
    "responses.attach": Upload(ATTACHMENT, "attachment", MEMBER, _nothing, "/responses/"),
    # an agency's email becomes a pending response (campaign.inbound)
    "inbound.upload_for_demand": Upload(EML, "eml", MEMBER, _nothing, "/responses/"),
    "inbound.upload_for_letter": Upload(EML, "eml", MEMBER, _nothing, "/responses/"),
    "agencies.import_workbook": Upload(XLSX, "file", COORD, _nothing, "/agencies/snapshots/"),
    "review.import_upload": Upload(CSV, "file", COORD, _nothing, "/import/"),
    # the directory import previews the file on the same page before anything is stored
    "directory.import_csv": Upload(CSV, "file", COORD, _nothing, "page"),
    # Mark as sent's receipt file (portal confirmation, certified-mail scan): an accepted
    # one is kept and the confirmation page shown
    "delivery.send": Upload(ATTACHMENT, "receipt", COORD, _mark_sent, 'page:name="receipt_sha256"'),
}

# Routes whose view names a form with a file field but takes no file, and why.
NOT_UPLOADS: dict[str, str] = {
    "evidence.edit": "the edit form deletes the attachment field (files are added on the record)",
}
