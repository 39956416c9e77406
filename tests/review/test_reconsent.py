"""Re-consent: after a material edit, a sign-on on the older text that has not re-confirmed
is neither approved nor printed; bulk approval skips it and says so; Print & send names
those left out; a coordinator may include one only with a recorded reason."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from campaign.delivery.models import LetterDelivery, LetterDeliverySignOn
from campaign.delivery.snapshot import prepare_snapshot
from campaign.letters.models import Letter
from campaign.signons.models import ConsentOverride, SignOn, SignOnStatus
from tests.delivery.factories import delivery_form, send
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base, bulk_approve, events
from tests.signons.helpers import link_in, outbox, path_of
from tests.signons.test_reconfirm import _edit

S = SignOnStatus


def _status(session, signon_id) -> SignOnStatus:
    session.expire_all()
    return session.get(SignOn, signon_id).status


def _printed(session, letter_id) -> list[str]:
    session.expire_all()
    prepared = prepare_snapshot(session, session.get(Letter, letter_id))
    return sorted(s.name for s in prepared.snapshot.signatories)


def _material_edit(session, coordinator, letter_id):
    letter = session.get(Letter, letter_id)
    url = base(session, letter).removesuffix("/signons")
    _edit(coordinator, url, letter, "We urge you to end every 287(g) agreement now.", True)


def _setup(session, login_as):
    """Before the edit: one approved, two confirmed; then a material edit; then one more."""
    letter = make_letter(session, show_signatories=True)
    approved = make_signon(session, letter, org_name="Approved Before Edit", status=S.APPROVED,
                           signer_email="approved@example.org").id  # fmt: skip
    confirmed = make_signon(session, letter, org_name="Confirmed Before Edit",
                            signer_email="confirmed@example.org").id  # fmt: skip
    phoned = make_signon(session, letter, org_name="Phoned In Org", signer_email="p@example.org").id
    coordinator = login_as("coordinator")
    _material_edit(session, coordinator, letter.id)
    session.get(Letter, letter.id).show_signatories = True  # (the edit form unticked it)
    session.commit()
    after = make_signon(session, letter, org_name="Signed After Edit").id
    return letter.id, coordinator, (approved, confirmed, phoned, after)


def test_an_old_sign_on_is_not_approved_nor_printed_until_it_reconfirms(session, login_as, client):
    letter_id, coordinator, (approved, confirmed, phoned, after) = _setup(session, login_as)
    letter = session.get(Letter, letter_id)
    review = base(session, letter)
    # one by one: refused, and the page says why
    refused = coordinator.post(f"{review}/{confirmed}/approve")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert (
        "“Confirmed Before Edit” signed version 1, before the material change in version 2" in html
    )
    assert "cannot be approved or printed until it does" in html
    assert _status(session, confirmed) == S.CONFIRMED
    page = coordinator.get(f"{review}/{confirmed}").get_data(as_text=True)
    assert "needs re-confirmation" in page and ">Approve<" not in page and "Include anyway" in page

    # in bulk: skipped, and told how many and why
    first = coordinator.post(f"{review}/bulk-approve", data={"scope": "all"})
    html = " ".join(first.get_data(as_text=True).split())
    assert "Approve 1 sign-on?" in html
    assert (
        "<strong>2</strong> left out: they signed an earlier text and have not re-confirmed" in html
    )
    done = bulk_approve(coordinator, f"{review}/bulk-approve", scope="all")
    assert done.status_code == 302
    message = coordinator.get(done.headers["Location"]).get_data(as_text=True)
    assert (
        "1 sign-on approved. 2 left out: they signed an earlier text and have not re-confirmed."
        in message
    )
    assert _status(session, after) == S.APPROVED
    assert _status(session, confirmed) == _status(session, phoned) == S.CONFIRMED

    # approved before the edit: still approved, but not printed anywhere
    assert _status(session, approved) == S.APPROVED
    assert _printed(session, letter_id) == ["Signed After Edit"]
    public = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "Signed After Edit" in public and "Approved Before Edit" not in public
    exported = coordinator.get(f"{review}/printed.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[1] for row in rows[1:]] == ["Signed After Edit"]

    # Print & send names them, with a link to exactly them
    send_page = coordinator.get(f"{review.removesuffix('/signons')}/delivery")
    html = " ".join(send_page.get_data(as_text=True).split())
    assert (
        "3 organizations signed an earlier text and have not re-confirmed: they are left out."
        in html
    )
    assert "Approved Before Edit; Confirmed Before Edit; Phoned In Org." in html
    assert f"{review}?reconfirm=1" in html
    listed = coordinator.get(f"{review}?reconfirm=1").get_data(as_text=True)
    for name in ("Approved Before Edit", "Confirmed Before Edit", "Phoned In Org"):
        assert name in listed
    assert "Signed After Edit" not in listed

    # the signer re-confirms from the emailed link: now it can be approved and printed
    assert coordinator.post(f"{review.removesuffix('/signons')}/reconfirm").status_code == 302
    mail = [m for m in outbox(session) if m.to_addr == "confirmed@example.org"][-1]
    assert client.post(path_of(link_in(mail.body_text))).status_code == 302
    assert coordinator.post(f"{review}/{confirmed}/approve").status_code == 302
    assert _printed(session, letter_id) == ["Confirmed Before Edit", "Signed After Edit"]


def test_including_one_anyway_needs_a_recorded_reason(session, login_as):
    letter_id, coordinator, (approved, _confirmed, phoned, _after) = _setup(session, login_as)
    letter = session.get(Letter, letter_id)
    review = base(session, letter)
    blank = coordinator.post(f"{review}/{phoned}/include", data={"reason": "   "})
    assert blank.status_code == 400 and "This field is required" in blank.get_data(as_text=True)
    assert _status(session, phoned) == S.CONFIRMED
    done = coordinator.post(
        f"{review}/{phoned}/include", data={"reason": "Agreed by phone, June 12"}
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    assert _status(session, phoned) == S.APPROVED
    [event] = events(session, "signon.include_without_reconsent", phoned)
    assert event.user_id == coordinator.user.id
    assert event.details == {
        "old": "confirmed",
        "signed_version": 1,
        "material_version": 2,
        "reason": "Agreed by phone, June 12",
    }
    page = coordinator.get(f"{review}/{phoned}").get_data(as_text=True)
    assert "included without re-confirming" in page and "Agreed by phone, June 12" in page
    # an approved one is printed once included; nothing else changes
    coordinator.post(f"{review}/{approved}/include", data={"reason": "Board re-voted by email"})
    assert _printed(session, letter_id) == ["Approved Before Edit", "Phoned In Org"]
    again = coordinator.post(f"{review}/{phoned}/include", data={"reason": "twice"})
    assert again.status_code == 400 and "nothing to include" in again.get_data(as_text=True)
    # the list of those left out no longer holds them
    send_page = coordinator.get(f"{review.removesuffix('/signons')}/delivery").get_data(
        as_text=True
    )
    assert "1 organization signed an earlier text and has not re-confirmed: it is left out." in (
        " ".join(send_page.split())
    )
    # a later material edit needs a new re-confirmation (or reason)
    letter = session.get(Letter, letter_id)
    url = base(session, letter).removesuffix("/signons")
    _edit(coordinator, url, letter, "A third text, changed in substance again.", True)
    assert _printed(session, letter_id) == []
    assert session.scalar(sa.select(sa.func.count()).select_from(ConsentOverride)) == 2


def test_the_delivery_leaves_them_out(session, login_as):
    letter_id, coordinator, (_approved, _confirmed, phoned, after) = _setup(session, login_as)
    letter = session.get(Letter, letter_id)
    review = base(session, letter)
    coordinator.post(f"{review}/{after}/approve")
    coordinator.post(f"{review}/{phoned}/include", data={"reason": "Agreed by phone"})
    sent = send(coordinator, review.removesuffix("/signons") + "/delivery/send", delivery_form())
    assert sent.status_code == 302, sent.get_data(as_text=True)
    delivery = session.scalar(
        sa.select(LetterDelivery).where(LetterDelivery.letter_id == letter_id)
    )
    held = session.scalars(
        sa.select(LetterDeliverySignOn.sign_on_id).where(
            LetterDeliverySignOn.delivery_id == delivery.id
        )
    )
    assert set(held) == {after, phoned}
