"""The outbox and its worker, against a real SMTP server."""

from datetime import timedelta

import sqlalchemy as sa

from campaign.db import utcnow
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.mail.transport import FileTransport, SMTPTransport
from campaign.mail.worker import deliver_due


def _queue(session, n=2):
    for i in range(n):
        enqueue(session, to=f"person{i}@example.org", subject=f"Hello {i}", body_text=f"Body {i}")
    session.commit()


def test_worker_delivers_each_message_once(session, smtp_server, worker_sessions):
    _queue(session, 3)
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, transport, "campaign@example.org") == (3, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "person0@example.org",
        "person1@example.org",
        "person2@example.org",
    ]
    assert smtp_server.messages[0]["From"] == "campaign@example.org"
    assert deliver_due(worker_sessions, transport, "campaign@example.org") == (0, 0)
    assert len(smtp_server.messages) == 3


def test_smtp_down_then_back_loses_nothing_and_sends_once(session, smtp_server, worker_sessions):
    _queue(session, 2)
    down = SMTPTransport("127.0.0.1", 1, timeout=2)
    assert deliver_due(worker_sessions, down, "c@example.org") == (0, 2)
    rows = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()
    assert len(rows) == 2 and all(r.attempts == 1 and r.last_error for r in rows)
    up = SMTPTransport(smtp_server.host, smtp_server.port)
    # not due yet: backoff holds them back
    assert deliver_due(worker_sessions, up, "c@example.org") == (0, 0)
    later = utcnow() + timedelta(minutes=5)
    assert deliver_due(worker_sessions, up, "c@example.org", now=later) == (2, 0)
    assert deliver_due(worker_sessions, up, "c@example.org", now=later) == (0, 0)
    assert len(smtp_server.messages) == 2
    ids = {m["Message-ID"] for m in smtp_server.messages}
    assert ids == {r.message_id for r in rows}


def test_uncommitted_mail_is_never_sent(session, smtp_server, worker_sessions):
    enqueue(session, to="x@example.org", subject="s", body_text="b")
    session.rollback()
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, transport, "c@example.org") == (0, 0)


def test_file_transport_writes_eml_and_logs_links(session, worker_sessions, tmp_path, caplog):
    enqueue(
        session,
        to="x@example.org",
        subject="Confirm",
        body_text="Open https://c.test/confirm/abc now",
    )
    session.commit()
    with caplog.at_level("WARNING", logger="campaign.mail"):
        assert deliver_due(worker_sessions, FileTransport(tmp_path), "c@example.org") == (1, 0)
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1 and b"Subject: Confirm" in files[0].read_bytes()
    assert "https://c.test/confirm/abc" in caplog.text


def test_header_injection_in_subject_is_neutralised(session):
    message = enqueue(
        session, to="x@example.org", subject="Hi\r\nBcc: evil@example.org", body_text="b"
    )
    assert "\n" not in message.subject and "\r" not in message.subject


def test_plain_smtp_loads_no_tls_certificates(session, smtp_server, worker_sessions, monkeypatch):
    # ssl.create_default_context() reads the system's CA store (about 25 ms of CPU); the
    # worker used to call it for every message, TLS or not (found by bench/cluster.py).
    import ssl

    from campaign.mail import transport as transport_module

    calls = []
    real = ssl.create_default_context
    monkeypatch.setattr(
        transport_module.ssl, "create_default_context", lambda *a, **k: calls.append(1) or real()
    )
    _queue(session, 3)
    plain = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, plain, "c@example.org") == (3, 0)
    assert calls == []
    tls = SMTPTransport("127.0.0.1", 1, tls="starttls", timeout=1)
    assert tls.context is tls.context and len(calls) == 1  # made once, then kept
