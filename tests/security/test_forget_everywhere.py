"""Issue 16 finding 8: "Forget a person" forgets every copy.

Before: the directory and the sign-ons were blanked, but the outbox (rows and .eml files)
still held the person's address and the mails' text, the raw CSV upload their row, and
their invitations stayed.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from pathlib import Path

import sqlalchemy as sa

from campaign.db import Base
from campaign.directory.models import Contact
from campaign.mail.transport import FileTransport
from campaign.mail.worker import deliver_due
from campaign.review.mapping import store_upload
from campaign.signons.models import SignOn
from tests.letters.factories import make_letter
from tests.signons.helpers import sign_and_confirm

NAME, EMAIL = "Zoë Forgetmenot", "zoe.forgetmenot@example.org"
NEEDLES = [EMAIL, NAME, "Forgetmenot", "zoe.forgetmenot"]
TEXTUAL = (sa.String, sa.Text, sa.JSON, sa.LargeBinary)


def _as_text(value) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="ignore")
    return str(value)


def search_database(session, needles) -> list[str]:
    """Every row of every table whose text columns hold one of ``needles``."""
    found = []
    lowered = [n.lower() for n in needles]
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, TEXTUAL)]
        if not columns:
            continue
        for row in session.execute(sa.select(*columns)):
            for column, value in zip(columns, row, strict=True):
                text = _as_text(value).lower() if value is not None else ""
                for needle in lowered:
                    if needle in text:
                        found.append(f"{table.name}.{column.name}: {needle}")
    return found


def search_files(folder: Path, needles) -> list[str]:
    """Every file under ``folder`` whose bytes (or decoded mail text) hold a needle."""
    found = []
    if not folder.is_dir():
        return found
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        texts = [raw.decode("utf-8", errors="ignore")]
        if path.suffix == ".eml":
            from email import message_from_bytes
            from email.policy import default

            message = message_from_bytes(raw, policy=default)
            texts += [str(message["To"]), str(message["Subject"])]
            texts += [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
        text = "\n".join(texts).lower()
        found += [f"{path.name}: {n}" for n in needles if n.lower() in text]
    return found


def _invite(c, data):
    page = c.post("/directory/invite", data=data)
    html = page.get_data(as_text=True)
    m = re.search(r'name="confirm" value="(\d+)"', html)
    assert m, html[:500]
    return c.post("/directory/invite", data={**data, "confirm": m.group(1)})


def test_forgetting_a_person_leaves_no_copy_anywhere(
    app, client, login_as, session, worker_sessions, tmp_path, monkeypatch
):
    mail_dir = tmp_path / "mail"
    monkeypatch.setitem(app.config, "MAIL_DIR", str(mail_dir))
    letter, later = make_letter(session), make_letter(session)
    # They sign through the public form (a confirmation mail), with a comment in their name
    sign_and_confirm(
        client, session, letter, signer_name=NAME, signer_email=EMAIL,
        org_name="Organización Zeta", comment=f"Proud to sign. — {NAME}",
    )  # fmt: skip
    # someone else signs too, and must stay
    sign_and_confirm(
        client, session, letter, signer_name="Bea Keepme", signer_email="bea.keep@example.org",
        org_name="Org Keep",
    )  # fmt: skip
    # the mail so far is delivered as .eml files (a local run)
    deliver_due(worker_sessions, FileTransport(mail_dir), "campaign@example.org")
    assert search_files(mail_dir, [EMAIL])
    # they answer their confirmation mail, and mail to them bounces: ingest-mail reads both
    # (recorded, their .eml files kept in the upload store)
    from tests.inbound.mailgen import fixture

    confirmation = next(p for p in mail_dir.glob("*.eml") if EMAIL in p.read_text())
    sent_id = message_from_bytes(confirmation.read_bytes())["Message-ID"]
    answer = fixture("no_message_id.eml", sent_id).replace(
        b"records@sheriff.example.gov", EMAIL.encode()
    )
    bounced = fixture("postfix_dsn.eml", sent_id).replace(
        b"records@sheriff.example.gov", EMAIL.encode()
    )
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "answer.eml").write_bytes(answer)
    (tmp_path / "in" / "bounce.eml").write_bytes(bounced)
    assert app.test_cli_runner().invoke(args=["ingest-mail", str(tmp_path / "in")]).exit_code == 0
    assert search_files(Path(app.config["UPLOAD_DIR"]), [EMAIL])
    # they are invited to the next letter
    coordinator = login_as("coordinator")
    _invite(coordinator, {"letter_id": later.id, "scope": "filter", "q": "Zeta"})
    # and a CSV naming them waits to be imported
    csv = f"Organization,Name,Email\nOrganización Zeta,{NAME},{EMAIL}\n".encode()
    store_upload(session, later, csv, filename="form.csv", actor=coordinator.user)
    session.commit()
    assert len(search_database(session, NEEDLES)) > 5

    signon = session.scalars(sa.select(SignOn).where(SignOn.signer_email == EMAIL)).one()
    answer = coordinator.post(f"/directory/contacts/{signon.contact_id}/forget")
    assert answer.status_code == 302

    session.expire_all()
    assert search_database(session, NEEDLES) == []
    assert search_files(mail_dir, NEEDLES) == []
    assert search_files(Path(app.config["UPLOAD_DIR"]), NEEDLES) == []
    # the organization's sign-on stays, and so does everyone else
    assert session.get(SignOn, signon.id).org_name == "Organización Zeta"
    assert session.scalars(sa.select(Contact).where(Contact.email == "bea.keep@example.org")).one()
    assert search_files(mail_dir, ["bea.keep@example.org"])
