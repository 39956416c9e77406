"""The mail parser over every fixture, and over hostile mail."""

from __future__ import annotations

import pytest

from campaign.inbound.classify import MailKind, classify
from campaign.inbound.htmltext import html_to_text
from campaign.inbound.parse import Limits, Refused, parse
from campaign.inbound.quotes import authored_part, summary_of
from tests.inbound.mailgen import (
    FIXTURES,
    ORIGINAL_ID,
    fixture,
    many_parts,
    nested_messages,
    nested_multiparts,
    with_attachment,
)


def read(name: str):
    mail = parse(fixture(name))
    return mail, classify(mail)


def test_every_fixture_has_an_outcome():
    names = sorted(p.name for p in FIXTURES.glob("*.eml"))
    assert len(names) >= 15
    for name in names:
        _, classified = read(name)  # never raises
        assert classified.kind in MailKind


@pytest.mark.parametrize(
    ("name", "recipient", "status", "words", "shape"),
    [
        ("postfix_dsn.eml", "records@sheriff.example.gov", "5.1.1", "User unknown", "rfc3464"),
        ("o365_ndr.eml", "records@sheriff.example.gov", "5.1.10", "RecipientNotFound", "rfc3464"),
        ("gmail_bounce.eml", "records@sheriff.example.gov", "5.1.1", "does not exist", "rfc3464"),
        ("gmail_bounce_legacy.eml", "records@sheriff.example.gov", "5.2.1", "Mailbox disabled",
         "text"),
        ("qmail_bounce.eml", "commissioners@county.example.gov", "5.7.1", "Relaying denied",
         "text"),
    ],
)  # fmt: skip
def test_bounces_give_recipient_status_diagnostic_and_the_original(
    name, recipient, status, words, shape
):
    mail, classified = read(name)
    assert classified.kind == MailKind.BOUNCE
    bounce = classified.bounce
    assert bounce.permanent and bounce.action == "failed"
    assert bounce.recipient == recipient
    assert bounce.status == status
    assert words in bounce.diagnostic
    assert bounce.shape == shape
    # the original message's id comes first, whatever shape carried it
    assert bounce.original_ids[0] == ORIGINAL_ID
    # the report's own id is never taken for the original's
    assert mail.message_id not in bounce.original_ids


def test_original_id_from_headers_only_part():
    # Exchange returns only the headers (text/rfc822-headers), and no In-Reply-To helps
    raw = fixture("o365_ndr.eml").replace(b"In-Reply-To: ", b"X-Nothing: ")
    raw = raw.replace(b"References: ", b"X-Nothing-Else: ")
    bounce = classify(parse(raw)).bounce
    assert bounce.original_ids[0] == ORIGINAL_ID


def test_original_id_from_an_x_header_when_the_original_is_missing():
    raw = fixture("gmail_bounce.eml")
    # cut the returned message off: only the per-message X-Original-Message-ID names it
    raw = raw.split(b"--000000000000f1e2d3c4b5a69788\nContent-Type: message/rfc822")[0]
    raw = raw.replace(b"References:", b"X-R:").replace(b"In-Reply-To:", b"X-I:")
    bounce = classify(parse(raw)).bounce
    assert bounce is not None and ORIGINAL_ID in bounce.original_ids


def test_delayed_dsn_is_not_a_bounce():
    _, classified = read("delayed_dsn.eml")
    assert classified.kind == MailKind.DELAYED
    assert not classified.bounce.permanent
    assert classified.bounce.status == "4.4.1"
    assert classified.bounce.original_ids[0] == ORIGINAL_ID
    assert "timed out" in classified.bounce.diagnostic


def test_a_4xx_status_without_action_is_a_delay_and_delivered_is_a_report():
    raw = fixture("postfix_dsn.eml")
    delayed = raw.replace(b"Action: failed\n", b"").replace(b"Status: 5.1.1", b"Status: 4.2.2")
    assert classify(parse(delayed)).kind == MailKind.DELAYED
    delivered = raw.replace(b"Action: failed", b"Action: delivered").replace(
        b"Status: 5.1.1", b"Status: 2.0.0"
    )
    assert classify(parse(delivered)).kind == MailKind.REPORT


def test_gmail_reply_with_pdf():
    mail, classified = read("gmail_reply.eml")
    assert classified.kind == MailKind.REPLY
    assert mail.references == (ORIGINAL_ID,)
    assert (mail.from_name, mail.from_addr) == ("Pat Roe", "pat.roe.sheriff@gmail.com")
    assert mail.subject.startswith("Re: Demand: terminate the 287(g) agreement of the Example")
    assert mail.date.isoformat() == "2026-12-02T12:12:31-05:00"
    assert "review the agreement with the County Board" in mail.text
    assert "Sheriff’s Office" in mail.text  # quoted-printable UTF-8
    [pdf] = mail.attachments
    assert pdf.filename == "Sheriff response 2026-12-02.pdf"
    assert pdf.data.startswith(b"%PDF-") and pdf.content_type == "application/pdf"
    summary = summary_of(mail.subject, mail.text)
    assert "review the agreement" in summary and "wrote:" not in summary
    assert "terminate your 287(g)" not in summary  # the quoted original


def test_outlook_reply_with_pdf_and_windows_1252():
    mail, classified = read("outlook_reply.eml")
    assert classified.kind == MailKind.REPLY
    assert mail.from_addr == "maria.lopez@ice.example.gov"
    assert mail.from_name == "Lopez, Maria (ICE)"
    assert "María López" in mail.text
    assert mail.to_addrs == ("coalition@coalition.example.org", "foia@ice.example.gov")
    [pdf] = mail.attachments
    assert pdf.filename == "ICE_Acknowledgment_Coalition_Letter.pdf"
    summary = summary_of(mail.subject, mail.text)
    assert "ICE acknowledges receipt" in summary
    assert "CAUTION" not in summary and "Sent:" not in summary


def test_html_only_reply_becomes_text_without_markup_or_script():
    mail, classified = read("html_only_reply.eml")
    assert classified.kind == MailKind.REPLY
    assert "agenda of its January 12 meeting. Public comment is welcome." in mail.text
    assert "Clerk to the Board & Records Officer" in mail.text
    assert "county website (https://county.example.gov/agenda)" in mail.text
    for gone in ("<", "alert", "steal", "javascript", "font:12px", "tracker", "Reply\n"):
        assert gone not in mail.text


@pytest.mark.parametrize("name", ["ooo_english.eml", "ooo_spanish.eml"])
def test_out_of_office_is_an_auto_reply(name):
    mail, classified = read(name)
    assert classified.kind == MailKind.AUTO_REPLY
    assert classified.auto_reason
    assert mail.references == (ORIGINAL_ID,)


def test_spanish_out_of_office_is_recognised_by_its_subject_alone():
    mail, classified = read("ooo_spanish.eml")
    assert classified.auto_reason.startswith("Subject: Respuesta automática")
    assert "tendré acceso" in mail.text  # iso-8859-1, quoted-printable


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "X-Autoreply: yes",
        "X-Autorespond: Thank you for your message",
        "Precedence: auto_reply",
        "Precedence: bulk",
        "Precedence: junk",
    ],
)
def test_auto_reply_headers(header):
    raw = fixture("no_message_id.eml").replace(b"\n\n", f"\n{header}\n\n".encode(), 1)
    assert classify(parse(raw)).kind == MailKind.AUTO_REPLY


def test_auto_submitted_no_is_a_person():
    raw = fixture("no_message_id.eml").replace(b"\n\n", b"\nAuto-Submitted: no\n\n", 1)
    assert classify(parse(raw)).kind == MailKind.REPLY


def test_missing_message_id():
    mail, classified = read("no_message_id.eml")
    assert mail.message_id is None
    assert classified.kind == MailKind.REPLY
    assert mail.references == (ORIGINAL_ID,)


def test_malformed_mime_is_read_as_far_as_it_goes():
    mail, classified = read("malformed_mime.eml")
    assert classified.kind == MailKind.REPLY
    assert mail.references == (ORIGINAL_ID,)
    assert "This body is base64" in mail.text


def test_unknown_and_wrong_charsets():
    mail, _ = read("bad_charset.eml")
    assert mail.text == "We received the letter. Señor García will answer."


def test_encoded_word_junk_in_headers():
    mail, classified = read("encoded_word_junk.eml")
    assert classified.kind == MailKind.REPLY
    assert mail.from_addr == "junk@example.org"
    assert mail.date is None  # "not a date at all"
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.subject.startswith("Re: Letter")
    assert "Bcc" not in " ".join(mail.to_addrs)
    assert mail.text == "The agency answered, with headers full of junk."


def test_ten_thousand_parts_are_refused_before_parsing(monkeypatch):
    from campaign.inbound import parse as parse_module

    def never(*_a, **_k):
        raise AssertionError("the parser was given the message")

    # refused on the raw bytes: parsing 10,000 parts is the costly part (seconds)
    monkeypatch.setattr(parse_module, "message_from_bytes", never)
    with pytest.raises(Refused, match="more than 500 parts"):
        parse(many_parts(10_000))


def test_parts_limit_counts_parts_the_raw_check_cannot_see():
    # a message under the raw heuristics but over the configured limit
    with pytest.raises(Refused, match="more than 20 parts"):
        parse(many_parts(25), Limits(max_parts=20))
    assert len(parse(many_parts(15), Limits(max_parts=20)).text) > 0


def test_fifty_megabyte_attachment_is_refused_by_size():
    raw = with_attachment(50 * 1024 * 1024)
    with pytest.raises(Refused, match="larger than 25 MB"):
        parse(raw)
    small = parse(with_attachment(200_000))
    assert len(small.attachments[0].data) >= 190_000


@pytest.mark.parametrize("depth", [6, 50, 3000])
def test_nested_message_bombs_stop_at_the_depth_limit(depth):
    with pytest.raises(Refused, match=r"(nested deeper|more than 500 parts)"):
        parse(nested_messages(depth))


def test_nesting_within_the_limit_is_read():
    mail = parse(nested_messages(3))
    assert mail.subject == "level 2"
    assert mail.notes == ("An attached email was not opened.",)


@pytest.mark.parametrize("depth", [80, 2000])
def test_nested_multipart_bombs(depth):
    with pytest.raises(Refused):
        parse(nested_multiparts(depth), Limits(max_parts=100_000))


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \n", b"\x00\x01\x02 binary junk \xff\xfe", b"just some words, no headers\n"],
)
def test_not_an_email(raw):
    with pytest.raises(Refused):
        parse(raw)


def test_html_to_text():
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body><h1>Title</h1>"
        "<p>One&nbsp;&amp; two</p><script>x()</script><br><table><tr><td>a</td><td>b</td>"
        "</tr></table><a href='https://e.org/x'>link</a> <a href='javascript:y()'>bad</a>"
        "<img alt='logo' src='cid:1'></body></html>"
    )
    text = html_to_text(html)
    assert text == "Title\n\nOne & two\n\na b\n\nlink (https://e.org/x) bad[logo]"


def test_authored_part_keeps_a_bottom_posted_reply_whole():
    text = "> quoted line\n> more\n\nMy answer below the quote."
    assert authored_part(text) == text
