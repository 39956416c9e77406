"""CSV exports, opened back with the csv module: BOM, accents, formulas neutralised, order."""

import codecs
import csv
import io

from campaign.review.csvio import neutralise
from campaign.signons.models import Level, SignOnStatus
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base

S = SignOnStatus


def _read(data: bytes) -> list[dict]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_neutralise():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("Plain") == "Plain" and neutralise(None) == "" and neutralise(3) == "3"


def test_export_of_every_sign_on(login_as, session):
    letter = make_letter(session)
    make_signon(session, letter, org_name="Comité de Derechos Humanos", state="CA",
                signer_name="José Núñez")  # fmt: skip
    make_signon(session, letter, org_name='=HYPERLINK("http://evil.example","x")',
                status=S.REJECTED, rejection_reason="@spam")  # fmt: skip
    make_signon(session, letter, org_name="Pending Org", status=S.PENDING, listed=False)
    c = login_as("coordinator")
    response = c.get(base(session, letter) + "/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _read(response.data)
    assert [r["organization"] for r in rows] == [
        "Comité de Derechos Humanos",
        '\'=HYPERLINK("http://evil.example","x")',
        "Pending Org",
    ]
    first, second, third = rows
    assert first["signer name"] == "José Núñez" and first["state name"] == "California"
    assert first["status"] == "confirmed" and first["source"] == "public"
    assert second["status"] == "rejected" and second["rejection reason"] == "'@spam"
    assert third["listed"] == "no" and third["status"] == "pending"
    assert {"version", "merged into", "withdrawn on", "confirmed at (UTC)"} <= set(first)
    # the filters of the list apply to its export link
    only_ca = _read(c.get(base(session, letter) + "/export.csv?state=CA").data)
    assert [r["organization"] for r in only_ca] == ["Comité de Derechos Humanos"]


def test_export_of_what_will_be_printed(login_as, session):
    letter = make_letter(session)
    approved = dict(status=S.APPROVED)
    make_signon(session, letter, org_name="The Zeta Coalition", state="AL", **approved)
    make_signon(session, letter, org_name="Alpha Org", state="WY", **approved)
    make_signon(session, letter, org_name="Beta Org", state="AL", level=Level.LOCAL, **approved)
    make_signon(session, letter, org_name="Écho Nacional", level=Level.NATIONAL, **approved)
    make_signon(session, letter, org_name="The Alianza", level=Level.NATIONAL, **approved)
    make_signon(session, letter, org_name="Confirmed Only", state="AL")
    make_signon(session, letter, org_name="Unlisted", state="AL", listed=False, **approved)
    make_signon(session, letter, org_name="Withdrawn", state="AL", status=S.WITHDRAWN)
    rows = _read(login_as("coordinator").get(base(session, letter) + "/printed.csv").data)
    assert [(r["group"], r["organization"]) for r in rows] == [
        ("National", "The Alianza"),
        ("National", "Écho Nacional"),
        ("Alabama", "Beta Org"),
        ("Alabama", "The Zeta Coalition"),
        ("Wyoming", "Alpha Org"),
    ]
