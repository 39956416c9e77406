"""Verification: at confirmation by the address's domain, by a coordinator, by what the
directory remembers; letters that require it; nothing of it on public pages unless the
letter marks verified organizations."""

from datetime import date, timedelta

import sqlalchemy as sa

from campaign.signons.models import SignOn, SignOnStatus, Verified
from campaign.verification.models import KnownContact, OrganizationDomain, SignOnVerification
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base, bulk_approve, events
from tests.signons.helpers import sign, sign_and_confirm, signons

S = SignOnStatus


def _confirmed(client, session, letter, **kw) -> SignOn:
    sign_and_confirm(client, session, letter, **kw)
    email = kw.get("signer_email", "ana@example.org")
    return next(s for s in signons(session, letter) if s.signer_email == email)


def test_authority_is_asked_stored_and_shown_to_coordinators(client, login_as, session):
    letter = make_letter(session)
    response = sign(client, letter, authority=None)
    assert response.status_code == 400
    assert "Say on what authority you sign." in response.get_data(as_text=True)
    response = sign(client, letter, authority="other")
    assert response.status_code == 400  # "other" needs its text
    assert (
        sign(client, letter, authority="other", authority_other="Vote of members").status_code
        == 302
    )
    (signon,) = signons(session, letter)
    assert signon.authority.value == "other" and signon.authority_other == "Vote of members"
    page = (
        login_as("coordinator").get(f"{base(session, letter)}/{signon.id}").get_data(as_text=True)
    )
    assert "Other: Vote of members" in page


def test_address_at_the_website_domain_verifies_at_confirmation(client, session):
    letter = make_letter(session)
    signon = _confirmed(
        client, session, letter, website="https://www.aclutx.org", signer_email="ed@aclutx.org"
    )
    assert signon.verification == Verified.EMAIL_DOMAIN and signon.verified_at is not None
    # the directory remembers the organization's domain
    assert (
        session.scalar(
            sa.select(OrganizationDomain.domain).where(
                OrganizationDomain.organization_id == signon.organization_id
            )
        )
        == "aclutx.org"
    )
    assert [e.details for e in events(session, "signon.verified", signon.id)] == [
        {"how": "email_domain"}
    ]


def test_nothing_verifies_before_the_address_is_confirmed(client, session):
    letter = make_letter(session)
    sign(client, letter, website="aclutx.org", signer_email="ed@aclutx.org")
    (signon,) = signons(session, letter)
    assert signon.status == S.PENDING and signon.verification is None


def test_a_free_mail_signer_never_verifies(client, session):
    letter = make_letter(session)
    signon = _confirmed(
        client, session, letter, website="https://gmail.com", signer_email="director@gmail.com"
    )
    assert signon.verification is None
    assert session.scalar(sa.select(sa.func.count(OrganizationDomain.id))) == 0


def test_a_mismatch_is_shown_to_coordinators_not_refused(client, login_as, session):
    letter = make_letter(session)
    signon = _confirmed(
        client, session, letter, website="https://www.aclutx.org", signer_email="ed@aclu-tx.net"
    )
    assert signon.status == S.CONFIRMED and signon.verification is None
    c = login_as("coordinator")
    page = c.get(f"{base(session, letter)}/{signon.id}").get_data(as_text=True)
    assert "address at another domain than the website" in page
    listing = c.get(base(session, letter)).get_data(as_text=True)
    assert "email domain differs from website" in listing


def _verify(c, session, letter, signon, **data):
    form = {
        "method": "phone",
        "who": "Maria López, executive director, (512) 555-0100",
        "verified_on": date.today().isoformat(),
        **data,
    }
    return c.post(f"{base(session, letter)}/{signon.id}/verify", data=form)


def test_coordinator_verification_is_recorded_audited_and_remembered(client, login_as, session):
    letter = make_letter(session)
    signon = _confirmed(client, session, letter, website="https://www.aclutx.org",
                        signer_email="ed@aclu-tx.net")  # fmt: skip
    c = login_as("coordinator")
    assert _verify(c, session, letter, signon, who="").status_code == 400
    assert _verify(c, session, letter, signon, method="other").status_code == 400  # how?
    future = (date.today() + timedelta(days=5)).isoformat()
    assert _verify(c, session, letter, signon, verified_on=future).status_code == 400
    assert _verify(c, session, letter, signon).status_code == 302
    signon = reload(session, signon)
    assert signon.verification == Verified.COORDINATOR
    (row,) = session.scalars(sa.select(SignOnVerification)).all()
    assert row.method.value == "phone" and row.who.startswith("Maria López")
    (event,) = events(session, "signon.verify", signon.id)
    assert event.user_id is not None and event.details["method"] == "phone"
    page = c.get(f"{base(session, letter)}/{signon.id}").get_data(as_text=True)
    assert "Phone call to a number known" in page and "Maria López" in page
    # the signer is now a known contact of the organization: on another letter, the
    # same person signing for it verifies at once
    assert session.scalar(sa.select(sa.func.count(KnownContact.id))) == 1
    other = make_letter(session)
    again = _confirmed(client, session, other, website="https://www.aclutx.org",
                       signer_email="ed@aclu-tx.net")  # fmt: skip
    assert again.organization_id == signon.organization_id
    assert again.verification == Verified.KNOWN_CONTACT


def test_a_remembered_domain_verifies_the_organizations_later_signers(client, login_as, session):
    letter = make_letter(session)
    signon = _confirmed(client, session, letter, website="https://www.aclutx.org",
                        signer_email="ed@aclu-tx.net")  # fmt: skip
    c = login_as("coordinator")
    assert _verify(c, session, letter, signon, remember_domain="y").status_code == 302
    other = make_letter(session)
    colleague = _confirmed(client, session, other, website="https://www.aclutx.org",
                           signer_email="jo@aclu-tx.net", signer_name="Jo")  # fmt: skip
    assert colleague.verification == Verified.ORGANIZATION_DOMAIN


def test_a_letter_requiring_verification_refuses_to_approve_the_unverified(login_as, session):
    letter = make_letter(session)
    letter.requires_verification = True
    session.commit()
    unverified = make_signon(session, letter)
    verified = make_signon(session, letter, verification=Verified.COORDINATOR)
    c = login_as("coordinator")
    url = f"{base(session, letter)}/{unverified.id}"
    response = c.post(url + "/approve", follow_redirects=True)
    assert "requires verification" in response.get_data(as_text=True)
    assert reload(session, unverified).status == S.CONFIRMED
    assert c.post(f"{base(session, letter)}/{verified.id}/approve").status_code == 302
    assert reload(session, verified).status == S.APPROVED


def test_bulk_approval_skips_and_counts_the_unverified(login_as, session):
    letter = make_letter(session)
    letter.requires_verification = True
    session.commit()
    ok = [make_signon(session, letter, verification=Verified.EMAIL_DOMAIN) for _ in range(2)]
    not_ok = [make_signon(session, letter) for _ in range(3)]
    c = login_as("coordinator")
    url = base(session, letter) + "/bulk-approve"
    first = c.post(url, data={"scope": "all"})
    assert "3</strong> skipped: not verified" in first.get_data(as_text=True)
    response = bulk_approve(c, url, scope="all")
    assert response.status_code == 302
    flashed = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 sign-ons approved. 3 skipped: not verified." in flashed
    assert {reload(session, s).status for s in ok} == {S.APPROVED}
    assert {reload(session, s).status for s in not_ok} == {S.CONFIRMED}


def test_auto_approval_waits_for_verification_when_required(client, session):
    letter = make_letter(session, auto_approve=True)
    letter.requires_verification = True
    session.commit()
    plain = _confirmed(client, session, letter, signer_email="ana@irc-mail.net")
    own = _confirmed(client, session, letter, org_name="ACLU of Texas", website="aclutx.org",
                     signer_email="ed@aclutx.org")  # fmt: skip
    assert plain.status == S.CONFIRMED and own.status == S.APPROVED


def test_review_filters_and_counts_by_verification(login_as, session):
    letter = make_letter(session)
    make_signon(session, letter, org_name="Verified One", verification=Verified.COORDINATOR)
    make_signon(session, letter, org_name="Plain One")
    c = login_as("coordinator")
    page = c.get(base(session, letter) + "?verified=yes").get_data(as_text=True)
    assert "Verified One" in page and "Plain One" not in page
    page = c.get(base(session, letter) + "?verified=no").get_data(as_text=True)
    assert "Plain One" in page and "Verified One" not in page
    assert "verified</a> 1" in page and "not verified</a> 1" in page


def test_settings_are_saved_and_audited(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    response = c.post(
        base(session, letter) + "/verification-settings",
        data={"requires_verification": "y", "marks_verified": "y"},
    )
    assert response.status_code == 302
    letter = reload(session, letter)
    assert letter.requires_verification and letter.marks_verified
    assert events(session, "letter.verification_settings")[0].entity_id == letter.id


def test_api_and_csv_export_carry_authority_and_verification(login_as, session):
    letter = make_letter(session)
    make_signon(session, letter, org_name="Verified One", verification=Verified.EMAIL_DOMAIN,
                authority="board")  # fmt: skip
    c = login_as("coordinator")
    csv = c.get(base(session, letter) + "/export.csv").get_data(as_text=True)
    header, row = csv.splitlines()[:2]
    assert header.endswith("authority,authority (other),verification,verified at (UTC)")
    assert ",board,,email_domain," in row
    # the API's representation and its published schema
    from campaign.api.representations import Links, signature
    from campaign.api.schemas import SIGNATURE

    signon = session.scalar(sa.select(SignOn).where(SignOn.letter_id == letter.id))
    doc = signature(signon, 1, Links("http://x/api/v1", "http://x/sign/{slug}"), contacts=False)
    assert doc["coalition:authority"] == "board"
    assert doc["coalition:verification"] == "email_domain"
    import jsonschema

    jsonschema.validate(doc, SIGNATURE)


def test_verification_never_shows_on_the_public_page(client, session):
    letter = make_letter(session, show_signatories=True)
    make_signon(session, letter, org_name="Alpha Org", status=S.APPROVED,
                verification=Verified.COORDINATOR)  # fmt: skip
    page = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "Alpha Org" in page
    assert "verified" not in page.lower()
