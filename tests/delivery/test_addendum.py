"""After delivery: keep collecting (the default) or close; late sign-ons by every route,
withdrawals, addenda of exactly the newer ones, and "Stop collecting"."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
import sqlalchemy as sa

from campaign.delivery.models import DeliveryKind, LetterDelivery, LetterDeliverySignOn
from campaign.letters.models import LetterStatus
from campaign.printing import LetterSnapshot
from campaign.signons.models import SignOn, SignOnSource, SignOnStatus
from tests.delivery.factories import add_signon, delivery_form, send, url
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.printing.conftest import needs_poppler, pdftotext, squash
from tests.review.factories import make_signon
from tests.review.helpers import base, bulk_approve, events
from tests.signons.helpers import link_in, outbox, path_of, sign

S = SignOnStatus


def _deliveries(session, letter) -> list[LetterDelivery]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(LetterDelivery)
            .where(LetterDelivery.letter_id == letter.id)
            .order_by(LetterDelivery.sequence)
        )
    )


def _held(session, delivery, *, withdrawn=False) -> set[int]:
    return set(
        session.scalars(
            sa.select(LetterDeliverySignOn.sign_on_id).where(
                LetterDeliverySignOn.delivery_id == delivery.id,
                LetterDeliverySignOn.withdrawn.is_(withdrawn),
            )
        )
    )


def _by_name(session, letter, name) -> SignOn:
    session.expire_all()
    return session.scalar(sa.select(SignOn).where(SignOn.letter_id == letter.id,
                                                  SignOn.org_name == name))  # fmt: skip


def _pdf(coordinator, letter, delivery) -> bytes:
    return coordinator.get(url(letter).replace("/delivery", f"/deliveries/{delivery.id}/pdf")).data


@pytest.fixture
def delivered(session, login_as, client):
    """An open letter with two approved sign-ons, one pending (signed on the public page,
    not yet confirmed) and one awaiting review, marked as sent with the form's default:
    keep collecting."""
    letter = make_letter(session)
    kept = add_signon(session, letter, "Austin Justice Alliance", city="Austin").id
    quiet = add_signon(session, letter, "Silent Partner Fund", listed=False, state="NM").id
    assert sign(client, letter, org_name="Pending People", signer_email="pp@example.org"
                ).status_code == 302  # fmt: skip
    make_signon(session, letter, org_name="Waiting Review Network")  # confirmed
    coordinator = login_as("coordinator")
    response = send(coordinator, url(letter, "/send"), delivery_form(sent_on="2026-05-18"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [first] = _deliveries(session, letter)
    return letter, first, coordinator, (kept, quiet)


def test_the_letter_keeps_collecting_by_default_and_says_so(session, delivered, client):
    letter, _first, coordinator, _ = delivered
    letter = reload(session, letter)
    assert letter.status == LetterStatus.SENT and letter.keeps_collecting
    assert events(session, "letter.deliver")[-1].details["keeps_collecting"] is True
    page = client.get(f"/sign/{letter.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert (
        "This letter was delivered on May 18, 2026 to The Secretary of Homeland Security." in html
    )
    assert "Organizations that sign now will be delivered in an addendum." in html
    assert "Sign on for your organization" in html and "Sign-on deadline" not in html
    letter_page = coordinator.get(url(letter).removesuffix("/delivery")).get_data(as_text=True)
    assert "Collecting for an addendum" in letter_page and "Stop collecting" in letter_page


@needs_poppler
def test_late_sign_ons_by_every_route_go_in_the_addendum_and_never_change_the_delivery(
    session, delivered, client, tmp_path
):
    letter, first, coordinator, (kept, quiet) = delivered
    sent_pdf = _pdf(coordinator, letter, first)
    assert hashlib.sha256(sent_pdf).hexdigest() == first.pdf_sha256
    # 1. the public page, confirmed by the emailed link, then approved on review
    assert sign(client, letter, org_name="Late Public League", signer_email="lp@example.org"
                ).status_code == 302  # fmt: skip
    mail = [m for m in outbox(session) if m.to_addr == "lp@example.org"][-1]
    assert client.post(path_of(link_in(mail.body_text))).status_code == 302
    public = _by_name(session, letter, "Late Public League")
    assert public.status == S.CONFIRMED and public.organization_id is not None
    review = base(session, letter)
    assert coordinator.post(f"{review}/{public.id}/approve").status_code == 302
    # 2. the one pending at delivery confirms now (approved below, in bulk)
    mail = [m for m in outbox(session) if m.to_addr == "pp@example.org"][-1]
    assert client.post(path_of(link_in(mail.body_text))).status_code == 302
    assert _by_name(session, letter, "Pending People").status == S.CONFIRMED
    # 3. by hand, approved at once
    added = coordinator.post(f"{review}/new", data={
        "org_name": "Paper Petition Partners", "level": "local", "state": "TX",
        "city": "El Paso", "signer_name": "Rosa Díaz", "listed": "y", "approved": "y"})  # fmt: skip
    assert added.status_code == 302, added.get_data(as_text=True)
    # 4. a CSV import, approved at once
    data = (b"Organization,State,Level,Email\r\nCSV Imported Collective,AZ,Local,c@example.org\r\n"
            )  # fmt: skip
    uploaded = coordinator.post(f"{review}/import", data={"file": (io.BytesIO(data), "late.csv")},
                                content_type="multipart/form-data")  # fmt: skip
    assert uploaded.status_code == 302
    mapping = {"org_name": "Organization", "state": "State", "level": "Level",
               "signer_email": "Email", "approved": "y", "action": "import"}  # fmt: skip
    assert coordinator.post(uploaded.headers["Location"], data=mapping).status_code == 302
    imported = _by_name(session, letter, "CSV Imported Collective")
    assert imported.source == SignOnSource.IMPORT and imported.status == S.APPROVED
    # 5. bulk approval of what waited for review
    bulk = bulk_approve(coordinator, f"{review}/bulk-approve", scope="all")
    assert bulk.status_code == 302
    assert _by_name(session, letter, "Waiting Review Network").status == S.APPROVED
    assert _by_name(session, letter, "Pending People").status == S.APPROVED

    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "5 sign-ons approved since the last delivery" in page
    response = coordinator.post(url(letter, "/addendum"), data=delivery_form(sent_on="2026-06-02"))
    assert response.status_code == 302, response.get_data(as_text=True)
    first_again, addendum = _deliveries(session, letter)
    late = {"Late Public League", "Pending People", "Paper Petition Partners",
            "CSV Imported Collective", "Waiting Review Network"}  # fmt: skip
    assert addendum.kind == DeliveryKind.ADDENDUM and addendum.signatory_count == 5
    held = _held(session, addendum)
    assert {s.org_name for s in session.scalars(sa.select(SignOn).where(SignOn.id.in_(held)))
            } == late  # fmt: skip
    # the delivery itself never changed: its rows, its JSON, its bytes
    assert _held(session, first_again) == {kept, quiet}
    assert first_again.snapshot_json == first.snapshot_json
    assert _pdf(coordinator, letter, first_again) == sent_pdf
    text = squash(pdftotext(_pdf(coordinator, letter, addendum), tmp_path))
    assert squash("Additional signatories since May 18, 2026") in text
    for name in late:
        assert squash(name) in text, name
    assert squash("Austin Justice Alliance") not in text
    assert squash("Withdrawn since") not in text


@needs_poppler
def test_withdrawals_after_delivery_are_their_own_section_and_a_second_addendum_has_only_newer(
    session, delivered, tmp_path
):
    letter, _first, coordinator, (kept, quiet) = delivered
    review = base(session, letter)
    late = add_signon(session, letter, "Late Arrivals Coalition", city="El Paso").id
    for withdrawing in (kept, quiet):
        response = coordinator.post(f"{review}/{withdrawing}/withdraw",
                                    data={"asked_on": "2026-05-25"})  # fmt: skip
        assert response.status_code == 302, response.get_data(as_text=True)
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "2 delivered organizations withdrawn since" in page
    one_form = delivery_form(sent_on="2026-06-01")
    assert coordinator.post(url(letter, "/addendum"), data=one_form).status_code == 302
    _, one = _deliveries(session, letter)
    assert _held(session, one) == {late}
    assert _held(session, one, withdrawn=True) == {kept, quiet}
    snapshot = LetterSnapshot.from_json(one.snapshot_json)
    assert [(w.signatory.name, w.withdrawn_on) for w in snapshot.withdrawals] == [
        ("Austin Justice Alliance", date(2026, 5, 25)),
        ("Silent Partner Fund", date(2026, 5, 25)),
    ]
    text = squash(pdftotext(_pdf(coordinator, letter, one), tmp_path))
    assert squash("Withdrawn since May 18, 2026") in text
    assert squash("Austin Justice Alliance, Austin, TX (withdrew May 25, 2026)") in text
    # count-only stays count-only, even when it withdraws
    assert squash("Silent Partner Fund") not in text
    assert squash("1 organization that had asked not to be listed has also withdrawn.") in text
    assert text.index(squash("Late Arrivals Coalition")) < text.index(squash("Withdrawn since"))

    # a second addendum: only what came after the first
    newer = add_signon(session, letter, "Newest Neighbors", state="OK").id
    assert coordinator.post(f"{review}/{late}/withdraw",
                            data={"asked_on": "2026-06-10"}).status_code == 302  # fmt: skip
    two_form = delivery_form(sent_on="2026-06-12")
    assert coordinator.post(url(letter, "/addendum"), data=two_form).status_code == 302
    _, _, two = _deliveries(session, letter)
    assert _held(session, two) == {newer}
    assert _held(session, two, withdrawn=True) == {late}
    text = squash(pdftotext(_pdf(coordinator, letter, two), tmp_path))
    assert squash("Additional signatories since June 1, 2026") in text
    assert squash("Withdrawn since June 1, 2026") in text
    assert squash("Late Arrivals Coalition, El Paso, TX (withdrew June 10, 2026)") in text
    for earlier in ("Austin Justice Alliance", "Silent Partner Fund", "not to be listed"):
        assert squash(earlier) not in text, earlier
    # nothing new now
    again = coordinator.post(url(letter, "/addendum"), data=delivery_form(sent_on="2026-06-12"))
    assert again.status_code == 400 and "nothing to add" in again.get_data(as_text=True)


def test_an_addendum_of_withdrawals_only(session, delivered, tmp_path):
    letter, _first, coordinator, (kept, _quiet) = delivered
    review = base(session, letter)
    coordinator.post(f"{review}/{kept}/withdraw", data={"asked_on": "2026-05-20"})
    response = coordinator.post(url(letter, "/addendum"), data=delivery_form(sent_on="2026-05-21"))
    assert response.status_code == 302, response.get_data(as_text=True)
    _, addendum = _deliveries(session, letter)
    assert addendum.signatory_count == 0 and _held(session, addendum, withdrawn=True) == {kept}


def test_a_delivered_sign_on_can_only_withdraw_or_be_renamed(session, delivered):
    letter, _first, coordinator, (kept, _quiet) = delivered
    review = base(session, letter)
    page = coordinator.get(f"{review}/{kept}").get_data(as_text=True)
    assert "Delivered on May 18, 2026" in page
    assert "Mark withdrawn" in page and ">Reject<" not in page and ">Merge<" not in page
    refused = coordinator.post(f"{review}/{kept}/reject", data={"reason": "late doubts"})
    assert refused.status_code == 400
    assert "was delivered on May 18, 2026: it can only be marked withdrawn" in refused.get_data(
        as_text=True
    )
    assert session.get(SignOn, kept).status == S.APPROVED
    # a late duplicate merges into the delivered original; the original stays as delivered
    dup = make_signon(session, letter, org_name="Austin Justice Aliance", state="TX").id
    merged = coordinator.post(f"{review}/{dup}/merge", data={"into": kept})
    assert merged.status_code == 302, merged.get_data(as_text=True)
    session.expire_all()
    assert session.get(SignOn, dup).status == S.MERGED
    renamed = coordinator.post(f"{review}/{kept}/rename",
                               data={"org_name": "Austin Justice Alliance (AJA)"})  # fmt: skip
    assert renamed.status_code == 302


def test_closing_at_mark_as_sent_takes_no_more_sign_ons(session, login_as, client):
    letter = make_letter(session)
    add_signon(session, letter, "Early Bird Org")
    coordinator = login_as("coordinator")
    closing = delivery_form(sent_on="2026-05-18", after="close")
    response = send(coordinator, url(letter, "/send"), closing)
    assert response.status_code == 302
    letter = reload(session, letter)
    assert letter.status == LetterStatus.SENT and not letter.keeps_collecting
    html = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "delivered on May 18, 2026" in html and "It no longer accepts sign-ons." in html
    assert "Sign on for your organization" not in html
    assert sign(client, letter).status_code == 403
    added = coordinator.post(f"{base(session, letter)}/new", data={
        "org_name": "Too Late Org", "level": "national", "signer_name": "X"})  # fmt: skip
    assert added.status_code == 400 and "no longer collects" in added.get_data(as_text=True)
    assert coordinator.get(url(letter, "/stop")).status_code == 302  # nothing to stop
    bad = send(coordinator, url(letter, "/send"), delivery_form(after="sometimes"))
    assert bad.status_code == 400


def test_stop_collecting_says_what_it_leaves_then_closes_for_good(session, delivered, client):
    letter, _first, coordinator, _ = delivered
    add_signon(session, letter, "Approved Not Delivered Yet", state="GA")
    add_signon(session, letter, "Pending Late One", status=S.PENDING, state="GA")
    page = coordinator.get(url(letter, "/stop"))
    assert page.status_code == 200
    html = " ".join(page.get_data(as_text=True).split())
    assert "<strong>2</strong> sign-ons awaiting their signer's email confirmation" in html
    assert "<strong>1</strong> confirmed sign-on awaiting review will never be approved" in html
    assert "<strong>1</strong> approved sign-on not yet delivered: an addendum can still" in html
    assert reload(session, letter).keeps_collecting  # looking changes nothing
    assert coordinator.post(url(letter, "/stop"), csrf=False).status_code == 400  # no token
    assert reload(session, letter).keeps_collecting
    done = coordinator.post(url(letter, "/stop"))
    assert done.status_code == 302
    letter = reload(session, letter)
    assert letter.status == LetterStatus.SENT and not letter.keeps_collecting
    [event] = events(session, "letter.stop_collecting")
    assert event.details == {"pending": 2, "awaiting_review": 1, "undelivered": 1}
    assert sign(client, letter, org_name="After The End").status_code == 403
    waiting = _by_name(session, letter, "Waiting Review Network")
    refused = coordinator.post(f"{base(session, letter)}/{waiting.id}/approve")
    assert refused.status_code == 400 and "no longer collects" in refused.get_data(as_text=True)
    # what was approved before stopping can still be delivered
    assert coordinator.post(url(letter, "/addendum"), data=delivery_form()).status_code == 302
    assert coordinator.get(url(letter, "/stop")).status_code == 302
