"""snapshot_for: exactly the approved sign-ons, the current version, the print options."""

from __future__ import annotations

from datetime import date

from campaign.auth.models import Role
from campaign.delivery.models import Grouping
from campaign.delivery.services import save_print_options
from campaign.delivery.snapshot import snapshot_for
from campaign.letters.services import update_letter
from campaign.printing import render_pdf
from campaign.signons.models import SignOnStatus
from campaign.uploads.store import UploadStore
from tests.delivery.factories import add_many, add_signon
from tests.letters.factories import make_letter
from tests.printing.conftest import STATIC, needs_poppler, pdftotext, squash


def _letter_with_every_status(session):
    letter = make_letter(session)
    add_signon(session, letter, "Approved Alliance", state="TX", city="Austin")
    add_signon(session, letter, "Quiet Counted Fund", listed=False, state="NM")
    add_signon(session, letter, "Pending Project", status=SignOnStatus.PENDING)
    add_signon(session, letter, "Confirmed Waiting Group", status=SignOnStatus.CONFIRMED)
    add_signon(session, letter, "Rejected Network", status=SignOnStatus.REJECTED)
    add_signon(session, letter, "Withdrawn Coalition", status=SignOnStatus.WITHDRAWN)
    add_signon(session, letter, "Merged Duplicate Org", status=SignOnStatus.MERGED)
    add_signon(session, letter, "National Justice Fund", level="national")
    return letter


def test_only_approved_sign_ons_with_their_listed_flag(session):
    letter = _letter_with_every_status(session)
    snapshot = snapshot_for(session, letter, on=date(2026, 5, 18))
    by_name = {s.name: s for s in snapshot.signatories}
    assert set(by_name) == {"Approved Alliance", "Quiet Counted Fund", "National Justice Fund"}
    assert by_name["Quiet Counted Fund"].listed is False
    assert by_name["Approved Alliance"].city == "Austin"
    assert by_name["National Justice Fund"].level == "national"
    assert snapshot.date == date(2026, 5, 18)
    assert snapshot.title == letter.title
    assert snapshot.sender == "The coalition"
    assert snapshot.addressees == "The Secretary of Homeland Security"
    assert snapshot.closing == "Sincerely,"
    assert not snapshot.list_only


@needs_poppler
def test_unlisted_are_counted_but_not_named_in_the_pdf(session, tmp_path):
    letter = _letter_with_every_status(session)
    pdf = render_pdf(snapshot_for(session, letter), static_dir=STATIC, upload_store=None)
    text = pdftotext(pdf, tmp_path)
    flat = squash(text)
    assert squash("Approved Alliance") in flat
    assert squash("National Justice Fund") in flat
    for absent in ("Quiet Counted Fund", "Pending Project", "Confirmed Waiting Group",
                   "Rejected Network", "Withdrawn Coalition", "Merged Duplicate Org"):  # fmt: skip
        assert squash(absent) not in flat, absent
    assert squash("Signed by 3 organizations from 2 states") in flat
    assert squash("1 further organization signed and asked not to be listed") in flat


def test_the_current_version_and_the_print_options(session, make_user, tmp_path):
    letter = make_letter(session)
    coordinator = make_user(role=Role.COORDINATOR)
    local = letter.deadline_local
    update_letter(
        session, letter, title=letter.title, addressees=letter.addressees,
        body="The second text.", closing=letter.closing, sender=letter.sender,
        deadline_on=local.date(), deadline_time=local.time(), deadline_tz=letter.deadline_tz,
        show_signatories=False, auto_approve=False, material=True, actor=coordinator,
    )  # fmt: skip
    save_print_options(
        session, letter, grouping=Grouping.ALPHA, columns=2, include_logo_page=True,
        show_places=False, logo=None, remove_logo=False,
        store=UploadStore(tmp_path), actor=coordinator,
    )  # fmt: skip
    session.commit()
    snapshot = snapshot_for(session, letter)
    assert snapshot.body_markdown == "The second text."
    assert (snapshot.grouping, snapshot.columns) == ("alpha", 2)
    assert snapshot.include_logo_page and not snapshot.show_places


def test_query_count_does_not_grow_with_the_list(session, count_queries):
    small, large = make_letter(session), make_letter(session)
    add_many(session, small, 10)
    add_many(session, large, 500)
    counts = []
    for letter in (small, large):
        session.expire_all()
        letter = session.get(type(letter), letter.id)
        with count_queries() as q:
            snapshot = snapshot_for(session, letter)
        counts.append(q.count)
        assert len(snapshot.signatories) in (10, 500)
    # options, version, sign-ons, the coalition (letterhead, contact, logo)
    assert counts[0] == counts[1] <= 4
