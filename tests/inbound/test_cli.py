"""``flask ingest-mail`` over loose .eml files, a directory, an mbox, a Maildir, and --loop."""

from __future__ import annotations

import mailbox

import pytest
import sqlalchemy as sa

from campaign.inbound.classify import MailKind
from campaign.inbound.models import InboundMessage
from campaign.mail.models import ReceiptState
from campaign.responses.models import Response, ResponseStatus
from tests.demands.factories import create_demand_row
from tests.factories import reload
from tests.inbound.factories import receipt
from tests.inbound.mailgen import fixture, many_parts


@pytest.fixture
def sent(session):
    demand = create_demand_row(session)
    return receipt(session, to="records@sheriff.example.gov", demand=demand)


def mails(sent) -> dict[str, bytes]:
    """One of each outcome, pointed at the receipt."""
    return {
        "bounce.eml": fixture("postfix_dsn.eml", sent.message_id),
        "reply.eml": fixture("gmail_reply.eml", sent.message_id),
        "ooo.eml": fixture("ooo_spanish.eml", sent.message_id),
        "stranger.eml": fixture("html_only_reply.eml"),
        "hostile.eml": many_parts(10_000),
    }


def kinds(session) -> list[str]:
    return sorted(k.value for k in session.scalars(sa.select(InboundMessage.kind)))


EXPECTED = ["auto_reply", "bounce", "refused", "reply", "unmatched"]


def check_outcomes(session, sent, result):
    assert result.exit_code == 0, result.output
    assert kinds(session) == EXPECTED
    assert reload(session, sent).state == ReceiptState.BOUNCED
    [response] = session.scalars(sa.select(Response)).all()
    assert response.status == ResponseStatus.PENDING
    assert "5 messages: 1 auto-reply, 1 bounce, 1 not ours, 1 refused, 1 reply." in result.output


def test_a_directory_of_eml_files(session, runner, sent, tmp_path):
    for name, raw in mails(sent).items():
        (tmp_path / name).write_bytes(raw)
    (tmp_path / "notes.txt").write_text("not mail")  # only .eml files are read
    result = runner.invoke(args=["ingest-mail", str(tmp_path)])
    check_outcomes(session, sent, result)
    assert "reply.eml: reply: pending response #" in result.output
    assert "hostile.eml: refused: The message has more than 500 parts." in result.output
    # a second run reads nothing twice
    again = runner.invoke(args=["ingest-mail", str(tmp_path)])
    assert "5 messages: 5 already read." in again.output
    assert kinds(session) == EXPECTED


def test_one_eml_file(session, runner, sent, tmp_path):
    path = tmp_path / "reply.eml"
    path.write_bytes(fixture("outlook_reply.eml", sent.message_id))
    result = runner.invoke(args=["ingest-mail", str(path)])
    assert result.exit_code == 0
    assert "1 message: 1 reply." in result.output


def test_an_mbox(session, runner, sent, tmp_path):
    box = mailbox.mbox(tmp_path / "inbox.mbox")
    for raw in mails(sent).values():
        box.add(raw)
    box.close()
    result = runner.invoke(args=["ingest-mail", str(tmp_path / "inbox.mbox")])
    check_outcomes(session, sent, result)
    assert "inbox.mbox#2: reply: pending response" in result.output


def test_a_maildir_is_read_and_its_messages_marked_seen(session, runner, sent, tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir")
    for raw in mails(sent).values():
        box.add(raw)  # into new/
    result = runner.invoke(args=["ingest-mail", str(tmp_path / "Maildir")])
    check_outcomes(session, sent, result)
    assert list((tmp_path / "Maildir" / "new").iterdir()) == []
    seen = sorted(p.name for p in (tmp_path / "Maildir" / "cur").iterdir())
    assert len(seen) == 5 and all(name.endswith(":2,S") for name in seen)


def test_loop_watches_a_maildir(session, runner, sent, tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(fixture("gmail_bounce.eml", sent.message_id))
    result = runner.invoke(
        args=["ingest-mail", "--loop", str(tmp_path / "Maildir"), "--iterations", "2",
              "--interval", "0"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Watching" in result.output and "bounce: receipt #" in result.output
    assert "Stopped. 1 message: 1 bounce." in result.output
    # delivered later, read by the next run; what was seen is not read again
    box.add(fixture("gmail_reply.eml", sent.message_id))
    result = runner.invoke(
        args=["ingest-mail", "--loop", str(tmp_path / "Maildir"), "--iterations", "1"]
    )
    assert "Stopped. 1 message: 1 reply." in result.output
    assert kinds(session) == ["bounce", "reply"]


@pytest.mark.parametrize(
    "args",
    [
        ["ingest-mail", "/nonexistent/mail"],
        ["ingest-mail"],
        ["ingest-mail", "--loop", "/nonexistent/Maildir"],
    ],
)
def test_unusable_paths_exit_non_zero(runner, session, args):
    result = runner.invoke(args=args)
    assert result.exit_code != 0


def test_loop_needs_a_maildir(runner, session, tmp_path):
    result = runner.invoke(args=["ingest-mail", "--loop", str(tmp_path)])
    assert result.exit_code != 0 and "not a Maildir" in result.output


def test_a_message_that_breaks_ingestion_is_refused_and_the_rest_go_on(
    session, runner, sent, tmp_path, monkeypatch
):
    from campaign.inbound import services

    real = services.classify
    calls = []

    def flaky(mail):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return real(mail)

    monkeypatch.setattr(services, "classify", flaky)
    (tmp_path / "a.eml").write_bytes(fixture("gmail_reply.eml", sent.message_id))
    (tmp_path / "b.eml").write_bytes(fixture("postfix_dsn.eml", sent.message_id))
    result = runner.invoke(args=["ingest-mail", str(tmp_path)])
    assert result.exit_code == 0
    assert "a.eml: refused: It could not be processed (RuntimeError: a bug)" in result.output
    assert kinds(session) == [MailKind.BOUNCE.value, MailKind.REFUSED.value]


def test_a_fifty_megabyte_message_is_refused_unread(session, runner, tmp_path):
    from tests.inbound.mailgen import with_attachment

    (tmp_path / "big.eml").write_bytes(with_attachment(50 * 1024 * 1024))
    result = runner.invoke(args=["ingest-mail", str(tmp_path)])
    assert result.exit_code == 0
    assert "big.eml: refused: The message is larger than 25 MB." in result.output
    record = session.scalars(sa.select(InboundMessage)).one()
    assert record.kind == MailKind.REFUSED and not record.stored


def test_oversized_header_values_fit_their_columns(session, runner, sent, tmp_path):
    # PostgreSQL refuses a value longer than its column where SQLite stores it: every
    # header the record keeps is cut to its column
    long_id = "<" + "a" * 240 + "@" + "b" * 240 + ">"
    raw = fixture("gmail_reply.eml", sent.message_id)
    raw = raw.replace(
        b"Message-ID: <CAJ4p", f"Message-ID: {long_id}\nX-Old: <CAJ4p".encode()
    ).replace(b"From: Pat Roe <", ("From: " + "Pat " * 100 + "<").encode())
    raw = raw.replace(b"Subject: Re:", ("Subject: " + "Re: " * 200).encode())
    (tmp_path / "long.eml").write_bytes(raw)
    result = runner.invoke(args=["ingest-mail", str(tmp_path)])
    assert "reply: pending response" in result.output, result.output
    record = session.scalars(sa.select(InboundMessage)).one()
    assert len(record.message_id) == 300 and len(record.subject) == 300


def test_two_watchers_never_take_the_same_message(tmp_path):
    from campaign.inbound.sources import maildir_new

    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(fixture("gmail_reply.eml"))
    box.add(fixture("postfix_dsn.eml"))
    first_watcher = maildir_new(tmp_path / "Maildir", 10_000)
    taken = [next(first_watcher)]  # it has listed both, and claimed one
    taken += list(maildir_new(tmp_path / "Maildir", 10_000))  # the other claims the second
    taken += list(first_watcher)  # gone: skipped
    assert len(taken) == 2 and taken[0].raw != taken[1].raw
    assert all(item.path.parent.name == "cur" for item in taken)


def test_the_worker_reads_the_configured_maildir(app, session, sent, tmp_path, monkeypatch):
    from campaign.cli import _mail_in

    box = mailbox.Maildir(tmp_path / "Maildir")
    for _ in range(3):
        box.add(fixture("gmail_bounce.eml", sent.message_id))
    box.add(fixture("gmail_reply.eml", sent.message_id))
    with app.app_context():
        assert _mail_in(app) == 0  # not configured: nothing read
        monkeypatch.setitem(app.config, "INBOUND_MAILDIR", str(tmp_path / "Maildir"))
        monkeypatch.setattr("campaign.cli.MAIL_IN_PER_ROUND", 2)
        assert _mail_in(app) == 2  # a few per round
        assert _mail_in(app) == 2
        assert _mail_in(app) == 0
    # the same bounce delivered three times is acted on once
    assert sorted(kinds(session)) == ["bounce", "reply"]
    assert reload(session, sent).state == ReceiptState.BOUNCED
    assert list((tmp_path / "Maildir" / "new").iterdir()) == []


def test_check_names_a_broken_inbound_maildir(app, tmp_path, monkeypatch):
    from campaign.ops.check import FAIL, OK, check_inbound_maildir

    assert check_inbound_maildir(app).status == OK  # not set
    monkeypatch.setitem(app.config, "INBOUND_MAILDIR", str(tmp_path / "nowhere"))
    result = check_inbound_maildir(app)
    assert result.status == FAIL and "new" in result.detail
    mailbox.Maildir(tmp_path / "Maildir")
    monkeypatch.setitem(app.config, "INBOUND_MAILDIR", str(tmp_path / "Maildir"))
    assert check_inbound_maildir(app).status == OK
