"""Coordinator actions on sign-ons: each one, its audit event, and the refused transitions."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from campaign.core.errors import DomainError
from campaign.letters.models import LetterStatus
from campaign.review import bulk, manual, services
from campaign.signons import dedup
from campaign.signons import services as signon_services
from campaign.signons.models import Level, SignOn, SignOnSource, SignOnStatus
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base, bulk_approve, events

S = SignOnStatus


def test_approve_from_the_detail_page(login_as, session):
    letter = make_letter(session)
    signon = make_signon(session, letter)
    c = login_as("coordinator")
    url = f"{base(session, letter)}/{signon.id}"
    assert c.get(url).status_code == 200
    response = c.post(url + "/approve")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    signon = reload(session, signon)
    assert signon.status == S.APPROVED and signon.reviewed_at is not None
    (event,) = events(session, "signon.approve", signon.id)
    assert event.user_id == c.user.id and event.details == {"old": "confirmed"}


def test_approve_from_the_list_returns_to_the_filtered_list(login_as, session):
    letter = make_letter(session)
    signon = make_signon(session, letter)
    c = login_as("coordinator")
    back = base(session, letter) + "?status=confirmed"
    response = c.post(f"{base(session, letter)}/{signon.id}/approve", data={"next": back})
    assert response.headers["Location"].endswith(back)
    # a next that leaves the site is ignored
    other = make_signon(session, letter)
    response = c.post(
        f"{base(session, letter)}/{other.id}/approve", data={"next": "https://evil.example/"}
    )
    assert "evil" not in response.headers["Location"]


def test_reject_needs_a_reason_and_keeps_it(login_as, session):
    letter = make_letter(session)
    signon = make_signon(session, letter)
    c = login_as("coordinator")
    url = f"{base(session, letter)}/{signon.id}/reject"
    response = c.post(url, data={"reason": "  "})
    assert response.status_code == 400 and "This field is required" in response.get_data(
        as_text=True
    )
    assert reload(session, signon).status == S.CONFIRMED
    assert c.post(url, data={"reason": "Not an organization"}).status_code == 302
    signon = reload(session, signon)
    assert signon.status == S.REJECTED and signon.rejection_reason == "Not an organization"
    (event,) = events(session, "signon.reject", signon.id)
    assert event.details["reason"] == "Not an organization"
    assert signon_services.signed_count(session, reload(session, letter)) == 0
    # reconsidered: a rejected (once confirmed) sign-on may be approved
    assert c.post(f"{base(session, letter)}/{signon.id}/approve").status_code == 302
    signon = reload(session, signon)
    assert signon.status == S.APPROVED and signon.rejection_reason == ""


def test_withdraw_records_the_date_asked(login_as, session):
    letter = make_letter(session)
    signon = make_signon(session, letter, status=S.APPROVED)
    c = login_as("coordinator")
    url = f"{base(session, letter)}/{signon.id}/withdraw"
    future = (date.today() + timedelta(days=5)).isoformat()
    response = c.post(url, data={"asked_on": future})
    assert response.status_code == 400 and "cannot be in the future" in response.get_data(
        as_text=True
    )
    asked = (date.today() - timedelta(days=2)).isoformat()
    assert c.post(url, data={"asked_on": asked}).status_code == 302
    signon = reload(session, signon)
    assert signon.status == S.WITHDRAWN and signon.withdrawn_on.isoformat() == asked
    (event,) = events(session, "signon.withdraw", signon.id)
    assert event.details == {"old": "approved", "asked_on": asked}
    # withdrawn is final
    page = c.get(f"{base(session, letter)}/{signon.id}").get_data(as_text=True)
    assert "/approve" not in page and "/withdraw" not in page
    assert c.post(f"{base(session, letter)}/{signon.id}/approve").status_code == 400


def test_merge_a_flagged_duplicate(login_as, session):
    letter = make_letter(session)
    original = make_signon(session, letter, org_name="American Civil Liberties Union of Texas")
    dup = make_signon(
        session, letter, org_name="ACLU of Texas", probable_duplicate_of_id=original.id
    )
    assert signon_services.signed_count(session, letter) == 2
    c = login_as("coordinator")
    page = c.get(f"{base(session, letter)}/{dup.id}").get_data(as_text=True)
    assert "Probable duplicate of" in page
    # the flagged original is the first choice offered
    assert page.index(f'value="{original.id}"') < page.index("</select>")
    response = c.post(f"{base(session, letter)}/{dup.id}/merge", data={"into": original.id})
    assert response.status_code == 302
    dup = reload(session, dup)
    assert dup.status == S.MERGED and dup.merged_into_id == original.id
    assert signon_services.signed_count(session, reload(session, letter)) == 1
    (event,) = events(session, "signon.merge", dup.id)
    assert event.details["into"] == original.id and event.details["old"] == "confirmed"
    # its row and history stay; the list shows it as merged, not flagged
    page = c.get(f"{base(session, letter)}/{dup.id}").get_data(as_text=True)
    assert "Merged into" in page and "signon.merge" in page
    listing = c.get(base(session, letter) + "?flagged=1").get_data(as_text=True)
    assert "ACLU of Texas" not in listing
    # merging again, or merging into a merged one, is refused
    assert (
        c.post(f"{base(session, letter)}/{dup.id}/merge", data={"into": original.id}).status_code
        == 400
    )
    with pytest.raises(DomainError, match="itself merged"):
        services.merge(session, make_signon(session, letter), reload(session, dup),
                       reload(session, letter), actor=c.user)  # fmt: skip


def test_merge_into_a_sign_on_of_another_letter_is_refused(session, make_user):
    letter, other_letter = make_letter(session), make_letter(session)
    dup = make_signon(session, letter)
    stranger = make_signon(session, other_letter)
    with pytest.raises(DomainError, match="another sign-on of this letter"):
        services.merge(session, dup, stranger, letter, actor=make_user())
    with pytest.raises(DomainError):
        services.merge(session, dup, dup, letter, actor=make_user())


def test_rename_keeps_the_original_and_moves_the_key(login_as, session):
    letter = make_letter(session)
    signon = make_signon(session, letter, org_name="Immigrant Rigths Coalition")
    c = login_as("coordinator")
    url = f"{base(session, letter)}/{signon.id}/rename"
    assert c.post(url, data={"org_name": "Immigrant Rights Coalition"}).status_code == 302
    signon = reload(session, signon)
    assert signon.org_name == "Immigrant Rights Coalition"
    assert signon.org_key == "immigrant rights coalition"
    (event,) = events(session, "signon.rename", signon.id)
    assert event.details["as_written"] == "Immigrant Rigths Coalition"
    assert event.details["new"] == "Immigrant Rights Coalition" and event.details["key_changed"]
    # the public page now recognises the corrected name as the same organization
    existing = dedup.DedupIndex.for_letter(session, letter.id).existing(
        dedup.normalise_identity("The Immigrant Rights Coalition, Inc.", "state", "TX")
    )
    assert existing == signon.id


def test_rename_onto_another_sign_on_is_refused_with_a_merge_hint(login_as, session):
    letter = make_letter(session)
    first = make_signon(session, letter, org_name="Texas Civil Rights Project")
    second = make_signon(session, letter, org_name="Tx Civil Rights Proj")
    other_state = make_signon(session, letter, org_name="Texas Civil Rights Project", state="CA")
    c = login_as("coordinator")
    response = c.post(
        f"{base(session, letter)}/{second.id}/rename",
        data={"org_name": "The Texas Civil Rights Project"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"sign-on #{first.id}" in html and "Merge the two" in html
    assert reload(session, second).org_name == "Tx Civil Rights Proj"
    assert events(session, "signon.rename") == []
    # the same name in another state is another organization: only case changes are fine
    assert other_state.id
    assert (
        c.post(
            f"{base(session, letter)}/{first.id}/rename",
            data={"org_name": "TEXAS Civil Rights Project"},
        ).status_code
        == 302
    )
    first = reload(session, first)
    assert first.org_name == "TEXAS Civil Rights Project"
    assert events(session, "signon.rename", first.id)[0].details["key_changed"] is False


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        (S.PENDING, "approve", False),
        (S.PENDING, "reject", True),
        (S.CONFIRMED, "approve", True),
        (S.APPROVED, "approve", False),
        (S.WITHDRAWN, "approve", False),
        (S.WITHDRAWN, "reject", False),
        (S.MERGED, "reject", False),
        (S.MERGED, "withdraw", False),
        (S.REJECTED, "withdraw", True),
    ],
)
def test_transitions(session, make_user, status, action, allowed):
    letter = make_letter(session)
    signon = make_signon(session, letter, status=status)
    actor = make_user()
    call = {
        "approve": lambda: services.approve(session, signon, letter, actor=actor),
        "reject": lambda: services.reject(session, signon, letter, reason="x", actor=actor),
        "withdraw": lambda: services.withdraw(
            session, signon, letter, asked_on=date.today(), actor=actor
        ),
    }[action]
    if allowed:
        call()
    else:
        with pytest.raises(DomainError, match="cannot be"):
            call()
        assert signon.status == status


def test_rejected_without_ever_being_confirmed_cannot_be_approved(session, make_user):
    letter = make_letter(session)
    signon = make_signon(session, letter, status=S.PENDING)
    services.reject(session, signon, letter, reason="spam", actor=make_user())
    with pytest.raises(DomainError, match="never confirmed"):
        services.approve(session, signon, letter, actor=make_user())


def test_a_sent_letter_freezes_its_sign_ons(session, make_user):
    letter = make_letter(session)
    signon = make_signon(session, letter)
    from campaign.letters.services import change_status

    change_status(session, letter, LetterStatus.CLOSED, actor=make_user())
    change_status(session, letter, LetterStatus.SENT, actor=make_user())
    with pytest.raises(DomainError, match="has been sent"):
        services.approve(session, signon, letter, actor=make_user())
    with pytest.raises(DomainError, match="has been sent"):
        bulk.bulk_approve(session, letter, actor=make_user())


def test_bulk_approve_all_filtered_and_selected(login_as, session):
    letter = make_letter(session)
    tx = [make_signon(session, letter, state="TX") for _ in range(3)]
    ca = [make_signon(session, letter, state="CA") for _ in range(2)]
    pending = make_signon(session, letter, status=S.PENDING)
    c = login_as("coordinator")
    url = base(session, letter) + "/bulk-approve"

    # only the ticked ones
    response = bulk_approve(c, url, scope="selected", ids=[str(tx[0].id), str(pending.id)])
    assert response.status_code == 302
    assert reload(session, tx[0]).status == S.APPROVED
    assert reload(session, pending).status == S.PENDING
    # only those matching the filters (state=CA)
    bulk_approve(c, url, scope="filtered", state="CA")
    assert {reload(session, s).status for s in ca} == {S.APPROVED}
    assert reload(session, tx[1]).status == S.CONFIRMED
    # every confirmed one, in one POST
    bulk_approve(c, url, scope="all", state="CA")
    assert {reload(session, s).status for s in tx} == {S.APPROVED}
    assert reload(session, pending).status == S.PENDING
    approvals = events(session, "signon.approve")
    assert len(approvals) == 5 and all(e.details["bulk"] for e in approvals)


def test_bulk_approve_is_one_update(session, make_user, count_queries):
    from tests.review.factories import bulk_signons

    letter = make_letter(session)
    bulk_signons(session, letter, 300)
    actor = make_user()
    with count_queries() as q:
        n, _choice = bulk.bulk_approve(session, letter, actor=actor)
    assert n == 100  # a third of them are confirmed
    updates = [s for s in q.statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1
    assert q.count < 10


def test_add_by_hand(login_as, session, make_user):
    letter = make_letter(session)
    c = login_as("coordinator")
    url = base(session, letter) + "/new"
    assert c.get(url).status_code == 200
    data = {
        "org_name": "Iglesia Bautista Emanuel",
        "level": "local",
        "state": "TX",
        "city": "Houston",
        "signer_name": "Rev. José Núñez",
        "listed": "y",
    }
    assert c.post(url, data=data).status_code == 302
    (signon,) = session.scalars(sa.select(SignOn).where(SignOn.letter_id == letter.id)).all()
    signon_id = signon.id
    assert signon.source == SignOnSource.MANUAL and signon.status == S.CONFIRMED
    assert signon.confirmed_at is not None and signon.token_hash is None
    assert signon.signer_email == "" and signon.listed
    (event,) = events(session, "signon.add", signon.id)
    assert event.details["source"] == "manual"
    from campaign.mail.models import OutboxMessage

    assert session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0  # no email

    # the same organization again (other spelling) is refused, naming the one on record
    again = c.post(url, data={**data, "org_name": "The Iglesia Bautista Emanuel, Inc."})
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert "already on the letter" in html and f"#{signon_id}" in html
    # approved at once when ticked
    c.post(url, data={**data, "org_name": "Houston Worker Center", "approved": "y"})
    added = session.scalar(sa.select(SignOn).where(SignOn.org_name == "Houston Worker Center"))
    assert added.status == S.APPROVED


def test_add_by_hand_field_errors(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    url = base(session, letter) + "/new"
    data = {"org_name": "X", "level": "state", "signer_name": "A"}
    response = c.post(url, data={**data, "signer_email": "nope"})
    assert response.status_code == 400 and "Invalid email" in response.get_data(as_text=True)
    response = c.post(url, data=data)
    assert response.status_code == 400 and "Choose the state" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(SignOn.id))) == 0


def test_letter_edit_form_offers_auto_approve(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    slug_url = base(session, letter).rsplit("/signons", 1)[0]
    assert 'name="auto_approve"' in c.get(slug_url + "/edit").get_data(as_text=True)


def test_manual_add_service_uses_the_shared_normalisation(session, make_user):
    letter = make_letter(session)
    data = manual.ManualInput(
        org_name="National Immigration Law Center", level="national", state="TX", signer_name="A"
    )
    signon = manual.add_manual(session, letter, data, approved=False, actor=make_user())
    assert signon.level == Level.NATIONAL and signon.state == ""  # national: no state
    with pytest.raises(DomainError, match="Choose the state"):
        manual.add_manual(
            session,
            letter,
            manual.ManualInput(org_name="B", level="state", state="ZZ", signer_name="A"),
            approved=False,
            actor=make_user(),
        )


def test_control_characters_are_refused_not_stored(login_as, session):
    letter = make_letter(session)
    signon = make_signon(session, letter, org_name="Clean Name")
    c = login_as("coordinator")
    url = f"{base(session, letter)}/{signon.id}"
    response = c.post(url + "/rename", data={"org_name": "bell\x07char"})
    assert response.status_code == 400 and "control characters" in response.get_data(as_text=True)
    response = c.post(url + "/reject", data={"reason": "bad\x1breason"})
    assert response.status_code == 400
    signon = reload(session, signon)
    assert signon.org_name == "Clean Name" and signon.status == S.CONFIRMED
