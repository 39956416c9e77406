"""CSV exports, opened back with the csv module: BOM, accents, formulas neutralised, order."""

import codecs
import csv
import io

from campaign.review import export
from campaign.review.csvio import neutralise, stream_csv, write_csv
from campaign.signons.models import Level, SignOnStatus
from tests.letters.factories import make_letter
from tests.review.factories import bulk_signons, make_signon
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


def test_the_printed_groups_follow_state_names_not_codes(login_as, session):
    letter = make_letter(session)
    approved = dict(status=S.APPROVED)
    # IA < ID as codes, but Idaho < Iowa as names; accents are ignored within a state
    make_signon(session, letter, org_name="Iowa Org", state="IA", **approved)
    make_signon(session, letter, org_name="Óregon Trail Org", state="ID", **approved)
    make_signon(session, letter, org_name="Idaho Org", state="ID", **approved)
    rows = _read(login_as("coordinator").get(base(session, letter) + "/printed.csv").data)
    assert [(r["group"], r["organization"]) for r in rows] == [
        ("Idaho", "Idaho Org"),
        ("Idaho", "Óregon Trail Org"),
        ("Iowa", "Iowa Org"),
    ]


def test_a_large_export_is_streamed_with_every_row(login_as, session):
    letter = make_letter(session)
    first = make_signon(session, letter, org_name="First Org")
    n = export.BATCH + 500  # more than one batch read from the database
    bulk_signons(session, letter, n)
    url = base(session, letter) + "/export.csv"
    c = login_as("coordinator")
    response = c.get(url, buffered=False)
    assert response.status_code == 200 and response.is_streamed
    assert "Content-Length" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 3  # the header alone first, then rows a chunk at a time
    assert chunks[0].decode("utf-8-sig").rstrip("\r\n").split(",") == export.ALL_HEADER
    rows = _read(b"".join(chunks))
    assert len(rows) == n + 1
    ids = [int(r["id"]) for r in rows]
    assert ids == sorted(ids) and ids[0] == first.id
    # timestamps formatted by the database, the same on SQLite and PostgreSQL
    assert rows[0]["created at (UTC)"] == first.created_at.strftime("%Y-%m-%d %H:%M:%S")
    assert rows[0]["reviewed at (UTC)"] == "" and rows[0]["version"] == "1"
    assert {r["status"] for r in rows} == {"confirmed", "approved", "pending"}


def test_a_download_stopped_half_way_leaves_the_database_usable(login_as, session):
    letter = make_letter(session)
    n = export.BATCH + 500
    bulk_signons(session, letter, n)
    url = base(session, letter) + "/export.csv"
    c = login_as("coordinator")
    response = c.get(url, buffered=False)
    chunks = iter(response.response)
    next(chunks), next(chunks)  # the header, then rows: the query is under way
    response.close()  # the client goes away
    assert c.get(base(session, letter)).status_code == 200
    assert len(_read(c.get(url).data)) == n
    approved = sum(1 for i in range(n) if i % 3 == 1)  # as bulk_signons spreads them
    assert len(_read(c.get(base(session, letter) + "/printed.csv").data)) == approved


def test_stream_csv_sends_the_header_before_reading_any_row():
    read = []

    def rows():
        for i in range(5):
            read.append(i)
            yield [i, "=cmd", None, -1]

    chunks = stream_csv(["n", "text", "none", "negative"], rows(), chunk_rows=2)
    assert next(chunks) == codecs.BOM_UTF8 + b"n,text,none,negative\r\n" and read == []
    rest = list(chunks)
    assert len(rest) == 3  # 2 + 2 + 1 rows
    assert b"".join(rest) == b"".join(b"%d,'=cmd,,'-1\r\n" % i for i in range(5))
    assert write_csv(["n"], [[1], ["@x"]]) == codecs.BOM_UTF8 + b"n\r\n1\r\n'@x\r\n"
