"""A whole coalition letter replayed through HTTP, as a coordinator runs one (issue 14):
a Google Forms export, public sign-ons confirmed by their emailed links, paper sign-ons,
review, a material edit and re-consent, Print & send, delivery while collecting goes on,
late sign-ons by every route and a withdrawal, two addenda. Every count is checked at
every step against the coordinator's own records (tests/scenarios/model.py), and the
printed names against the PDF's text."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date

from campaign.core.clock import local_today
from tests.delivery.factories import delivery_form, send
from tests.fixtures import google_forms
from tests.printing.conftest import needs_poppler, squash
from tests.review.helpers import bulk_approve
from tests.scenarios.coalition import (
    Letter,
    Mailbox,
    Signers,
    assert_groups_in_order,
    confirm,
    counts,
    differences,
    expected_counts,
    read_pdf,
    sign_publicly,
    text_of,
)
from tests.scenarios.model import Model, Org, from_google_forms, sort_key
from tests.signons.helpers import link_in, path_of

BODY = """Dear Secretary,

We, the undersigned organizations, urge you to end the 287(g) program.[^ice] At minimum,
terminate the agreements with agencies that have a record of racial profiling.[^ice]

[^ice]: U.S. Immigration and Customs Enforcement, 287(g) agreements, June 2023.
"""
EDITED = BODY.replace("At minimum,", "Before the end of the year, and at minimum,")


def _import(coordinator, letter: Letter, data: bytes, name: str) -> str:
    """Upload a file and return its mapping page's URL."""
    response = coordinator.post(f"{letter.review}/import",
                                data={"file": (io.BytesIO(data), name)},
                                content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return response.headers["Location"]


def _signon_ids(coordinator, letter: Letter) -> dict[str, int]:
    """Sign-on ids by organization name, from the coordinator's export."""
    text = coordinator.get(f"{letter.review}/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["organization"]: int(row["id"]) for row in rows}


def _deliveries(coordinator, letter: Letter) -> list[tuple[int, str]]:
    """The deliveries on Print & send, oldest first: (id, the sha256 shown)."""
    html = coordinator.get(letter.delivery).get_data(as_text=True)
    found = re.findall(
        r'/deliveries/(\d+)/pdf">Download PDF</a>\s*<div[^>]*>sha256 ([0-9a-f]{64})<', html
    )
    return [(int(i), sha) for i, sha in found]


@needs_poppler
def test_a_coalition_letter_from_first_sign_on_to_second_addendum(
    app, session, login_as, smtp_server, worker_sessions, tmp_path
):
    with app.app_context():
        today = local_today()  # the coalition's date (CAMPAIGN_TIMEZONE), not the server's
    model = Model()
    mailbox = Mailbox(smtp_server, worker_sessions)
    signers = Signers(app)
    public = app.test_client()
    coordinator = login_as("coordinator")

    def check(step: str) -> None:
        assert not differences(counts(coordinator, public, letter), expected_counts(model)), step

    # --- the coordinator drafts the letter and publishes it -----------------------------
    made = coordinator.post("/campaigns/new", data={"name": "End 287(g) 2023"})
    assert made.status_code == 302, made.get_data(as_text=True)[:500]
    campaign_slug = made.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    made = coordinator.post(f"/campaigns/{campaign_slug}/letters/new", data={
        "title": "End the 287(g) program", "addressees": "The Secretary of Homeland Security",
        "body": BODY, "closing": "Sincerely,", "sender": "The End 287(g) Coalition",
        "deadline_on": date(date.today().year + 1, 6, 30).isoformat(), "deadline_time": "",
        "deadline_tz": "America/New_York", "show_signatories": "y"})  # fmt: skip
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    letter_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = f"/campaigns/{campaign_slug}/letters/{letter_id}"
    assert coordinator.post(f"{page}/publish").status_code == 302
    slug = re.search(r'/sign/([a-z0-9-]+)"', coordinator.get(page).get_data(
        as_text=True)).group(1)  # fmt: skip
    letter = Letter(campaign_slug, letter_id, slug)
    shown = public.get(letter.public).get_data(as_text=True)
    assert "[1:1]" not in shown and ":1]" not in shown  # a repeated footnote reference
    check("published")

    # --- 1. the Google Forms export ------------------------------------------------------
    expected = google_forms.COALITION_EXPECTED
    map_url = _import(coordinator, letter, google_forms.read(google_forms.COALITION_LETTER_2023),
                      "End 287(g) sign-on (Responses) - Form Responses 1.csv")  # fmt: skip
    preview = coordinator.get(map_url).get_data(as_text=True)
    assert f"{expected['new']} to add · {expected['already']} already on the letter · 0 with" \
        in preview  # fmt: skip
    done = coordinator.post(map_url, data={**google_forms.DHS_MAPPING, "action": "import"})
    assert done.status_code == 302, done.get_data(as_text=True)[:1000]
    names = from_google_forms(google_forms.COALITION_LETTER_2023, model)
    assert len(names) == expected["new"]
    ids = _signon_ids(coordinator, letter)
    assert sorted(ids) == sorted(names)
    check("imported")

    # --- 2. public sign-ons, confirmed by their emailed links ----------------------------
    centro = model.add(Org("Centro Sin Fronteras", "local", "Illinois", "Chicago",
                           email="director@centro.example.org", status="pending"))  # fmt: skip
    voces = model.add(Org("Voces de la Frontera", "state", "Wisconsin", "Milwaukee", listed=False,
                          email="info@voces.example.org", status="pending"))  # fmt: skip
    # the Iowa association again, by another of its staff, its name written differently
    iowa_again = model.add(Org("Asociacion Latina Iowa", "state", "Iowa", "Des Moines",
                               email="board@ali.example.org", status="pending"))  # fmt: skip
    silent = model.add(Org("Unconfirmed Allies Network", "national", email="ua@example.org",
                           status="pending"))  # fmt: skip
    for org in (centro, voces, iowa_again, silent):
        response = sign_publicly(signers, letter, org)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    check("signed on the public page, not yet confirmed")
    for org in (centro, voces, iowa_again):
        _, page_text = confirm(signers, mailbox, org.email)
        assert f"The sign-on for {org.name} is confirmed." in page_text
        org.status = "confirmed"
    check("three of four confirmed")
    ids = _signon_ids(coordinator, letter)

    # --- 3. paper sign-ons ----------------------------------------------------------------
    paper = model.add(Org("Paper Trail Solidarity Committee", "local", "Texas", "El Paso",
                          status="approved"))  # fmt: skip
    valley = model.add(Org("Comunidad Unida del Valle", "local", "Texas", "McAllen", listed=False,
                           email="cuv@example.org"))  # fmt: skip
    for org, extra in ((paper, {"approved": "y", "listed": "y"}), (valley, {})):
        added = coordinator.post(f"{letter.review}/new", data={
            "org_name": org.name, "level": org.level, "state": "TX", "city": org.city,
            "signer_name": "Rosa Díaz", "signer_email": org.email,
            "signed_on": today.isoformat(), "comment": "Signed at the June 3 meeting",
            **extra})  # fmt: skip
        assert added.status_code == 302, added.get_data(as_text=True)[:2000]
    check("paper sign-ons")
    ids = _signon_ids(coordinator, letter)

    # --- 4. review: reject, merge, correct, withdraw, approve the rest ---------------------
    flagged = text_of(coordinator.get(f"{letter.review}?flagged=1").get_data(as_text=True))
    merges = [("American Civil Liberties Union of Texas", "ACLU of Texas"),
              ("Asociacion Latina Iowa", "Asociación Latina de Iowa")]  # fmt: skip
    for duplicate, original in merges:
        assert re.search(rf"{duplicate} .*? probable duplicate of {original}", flagged), duplicate
    assert "2 in all" in flagged

    def act(name: str, action: str, **data) -> None:
        response = coordinator.post(f"{letter.review}/{ids[name]}/{action}", data=data)
        assert response.status_code == 302, (name, action, response.get_data(as_text=True)[:2000])

    act("test", "reject", reason="A test of the form, not an organization.")
    model["test"].status = "rejected"
    for duplicate, original in merges:
        act(duplicate, "merge", into=ids[original])
        model[duplicate].status = "merged"
    act("the Iowa Justice Collaborative", "rename", org_name="The Iowa Justice Collaborative")
    model.rename("the Iowa Justice Collaborative", "The Iowa Justice Collaborative")
    act("Detention Watch Collective", "withdraw", asked_on=today.isoformat())
    model["Detention Watch Collective"].status = "withdrawn"
    check("reviewed one by one")
    # A–Z ignoring accents, case and a leading "The", in the directory as in the review list
    exported = coordinator.get("/directory/export.csv").get_data(as_text=True).lstrip("\ufeff")
    in_directory = list(dict.fromkeys(r["organization"] for r in csv.DictReader(io.StringIO(
        exported))))  # fmt: skip
    assert in_directory == sorted(in_directory, key=sort_key)
    where = in_directory.index
    assert where("Éxito Immigrant Services") < where("Families Together Network")
    a_to_z = coordinator.get(f"{letter.review}/export.csv?sort=name").get_data(as_text=True)
    a_to_z = [r["organization"] for r in csv.DictReader(io.StringIO(a_to_z.lstrip("\ufeff")))]
    assert a_to_z == sorted(a_to_z, key=sort_key)
    waiting = len(model.with_status("confirmed"))
    shown = coordinator.post(f"{letter.review}/bulk-approve", data={"scope": "all"})
    assert f"Approve {waiting} sign-ons?" in text_of(shown.get_data(as_text=True))
    assert bulk_approve(coordinator, f"{letter.review}/bulk-approve", scope="all"
                        ).status_code == 302  # fmt: skip
    for org in model.with_status("confirmed"):
        org.status = "approved"
    check("approved")

    # --- 5. a material edit: every earlier signer re-confirms, but one ---------------------
    edited = coordinator.post(f"{letter.page}/edit", data={
        "title": "End the 287(g) program", "addressees": "The Secretary of Homeland Security",
        "body": EDITED, "closing": "Sincerely,", "sender": "The End 287(g) Coalition",
        "deadline_on": date(date.today().year + 1, 6, 30).isoformat(), "deadline_time": "",
        "deadline_tz": "America/New_York", "show_signatories": "y", "material": "y"})  # fmt: skip
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    for org in model.orgs.values():
        org.agreed = not org.counted
    check("a material edit: nobody agreed to the new text yet")
    mailbox.deliver()  # what went out before (e.g. the signers' manage links)
    before = len(smtp_server.messages)
    asked = coordinator.post(f"{letter.page}/reconfirm")
    assert asked.status_code == 302
    with_address = [o for o in model.left_out if o.email]
    flashed = text_of(coordinator.get(asked.headers["Location"]).get_data(as_text=True))
    assert f"Re-confirm links emailed to {len(with_address)} signer(s)." in flashed
    assert f"1 has no email address ({paper.name}): ask in person" in flashed
    mailbox.deliver()
    emails = smtp_server.messages[before:]
    assert sorted(m["To"] for m in emails) == sorted(o.email for o in with_address)
    stays_out = model["Comité de Derechos Humanos"]
    for message in emails:
        body = message.get_body(("plain",)).get_content()
        (org,) = [o for o in with_address if f"after {o.name} signed it" in body]
        if org is stays_out:
            continue  # never answers
        link = path_of(link_in(body))
        shown, _ = confirm(signers, mailbox, org.email, link)
        assert "Before the end of the year" in shown
        org.agreed = True
    check("all re-confirmed but one, and the paper sign-on without an address")
    # the paper one agreed by phone: included with the reason recorded
    act(paper.name, "include", reason="Agreed by phone with Rosa Díaz on June 14")
    paper.agreed = True
    check("re-consent")

    # --- 6. Print & send: the one left out is named; the PDF lists every name in place -----
    send_page = text_of(coordinator.get(letter.delivery).get_data(as_text=True))
    assert (
        "1 organization signed an earlier text and has not re-confirmed: it is left out. "
        f"{stays_out.name}." in send_page
    )
    made = coordinator.post(f"{letter.delivery}/render/pdf")
    assert made.status_code == 302 and made.headers["Location"].endswith("/draft/pdf")
    draft = read_pdf(coordinator.get(made.headers["Location"]).data, tmp_path)
    printed = [o for o in model.orgs.values() if o.printed]

    def check_pdf(pdf, orgs) -> None:
        listed, unlisted = [o for o in orgs if o.listed], [o for o in orgs if not o.listed]
        heading = (f"Signed by {len(orgs)} organizations from {model.states_of(orgs)} states "
                   "and territories")  # fmt: skip
        assert squash(heading) in pdf.plain
        assert_groups_in_order(pdf, model.groups(orgs), pdf.text.index(squash(heading)))
        note = f"{len(unlisted)} further organizations signed and asked not to be listed."
        assert squash(note) in pdf.plain
        named = {squash(o.name) for o in listed}
        for org in unlisted + [o for o in model.orgs.values() if o not in orgs]:
            if not any(squash(org.name) in n for n in named):
                assert squash(org.name) not in pdf.plain, org.name

    check_pdf(draft, printed)
    # "Export what will be printed": the same names, groups and order
    exported = coordinator.get(f"{letter.review}/printed.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))[1:]
    assert [(row[0], row[1]) for row in rows] == [
        (group, name) for group, names in model.groups(printed) for name in names
    ]

    # --- 7. mark as sent, keep collecting (the default) -----------------------------------
    sent_on = delivery_form(sent_on=today.isoformat())
    asking = coordinator.post(f"{letter.delivery}/send", data=sent_on)
    asking = text_of(asking.get_data(as_text=True))
    assert f"Mark as sent with {len(printed)} organizations?" in asking
    assert "1 sign-on still awaiting their signer's email confirmation" in asking
    assert "1 organization signed an earlier text and has not re-confirmed: left out" in asking
    assert "Afterwards the letter keeps collecting sign-ons for an addendum." in asking
    assert send(coordinator, f"{letter.delivery}/send", sent_on).status_code == 302
    for org in printed:
        org.delivered = 0
    check("sent")
    deliveries = _deliveries(coordinator, letter)
    [(first_id, first_sha)] = deliveries
    sent = read_pdf(coordinator.get(f"{letter.page}/deliveries/{first_id}/pdf").data, tmp_path)
    assert sent.sha256 == first_sha
    check_pdf(sent, printed)
    assert squash(stays_out.name) not in sent.plain  # left out: it never re-confirmed
    shown = text_of(public.get(letter.public).get_data(as_text=True))
    assert (f"This letter was delivered on {today:%B} {today.day}, {today.year} to The "
            "Secretary of Homeland Security. Organizations that sign now will be delivered in "
            "an addendum.") in shown  # fmt: skip
    assert "Sign on for your organization" in shown

    # --- 8. after delivery: late sign-ons by every route, a withdrawal ---------------------
    late_public = model.add(Org("Detroit Rapid Response Network", "local", "Michigan", "Detroit",
                                email="rapid@drrn.example.org", status="pending"))  # fmt: skip
    assert sign_publicly(signers, letter, late_public).status_code == 302
    confirm(signers, mailbox, late_public.email)
    late_public.status = "confirmed"
    ids = _signon_ids(coordinator, letter)
    act(late_public.name, "approve")
    late_public.status = "approved"
    late_paper = model.add(Org("Nashville Sanctuary Congregations", "local", "Tennessee",
                               "Nashville", status="approved"))  # fmt: skip
    added = coordinator.post(f"{letter.review}/new", data={
        "org_name": late_paper.name, "level": "local", "state": "TN", "city": "Nashville",
        "signer_name": "Rev. Amos Carter", "listed": "y", "approved": "y"})  # fmt: skip
    assert added.status_code == 302, added.get_data(as_text=True)[:2000]
    check("late public and paper sign-ons")
    # the form's responses downloaded again: the new answers only are added
    map_url = _import(coordinator, letter, google_forms.read(), "responses-later.csv")
    new = from_google_forms(google_forms.DHS_LETTER_2023, model)
    preview = text_of(coordinator.get(map_url).get_data(as_text=True))
    # 12 answers: 6 organizations already on the letter, one of them answering twice
    assert len(new) == 5
    assert "5 to add · 7 already on the letter · 0 with errors" in preview
    done = coordinator.post(map_url, data={**google_forms.DHS_MAPPING, "action": "import"})
    assert done.status_code == 302, done.get_data(as_text=True)[:1000]
    check("late Google Forms answers, awaiting review")
    assert bulk_approve(coordinator, f"{letter.review}/bulk-approve", scope="all"
                        ).status_code == 302  # fmt: skip
    for name in new:
        model[name].status = "approved"
    # the one that never answered re-confirms now, from the link it was sent
    [reconfirm_mail] = [m for m in mailbox.to(stays_out.email) if "changed" in m["Subject"]]
    confirm(signers, mailbox, stays_out.email, path_of(link_in(reconfirm_mail.get_body(
        ("plain",)).get_content())))  # fmt: skip
    stays_out.agreed = True
    ids = _signon_ids(coordinator, letter)
    act("Families Together Network", "withdraw", asked_on=today.isoformat())
    model["Families Together Network"].status = "withdrawn"
    check("late sign-ons approved, one delivered organization withdrawn")
    sent_again = coordinator.get(f"{letter.page}/deliveries/{first_id}/pdf").data
    assert hashlib.sha256(sent_again).hexdigest() == first_sha

    # --- 9. the addendum: exactly those ----------------------------------------------------
    late = [o for o in model.orgs.values() if o.printed and o.delivered is None]
    assert {o.name for o in late} == {late_public.name, late_paper.name, stays_out.name, *new}
    page_text = text_of(coordinator.get(letter.delivery).get_data(as_text=True))
    assert (f"{len(late)} sign-ons approved since the last delivery, and 1 delivered "
            "organization withdrawn since") in page_text  # fmt: skip
    assert coordinator.post(f"{letter.delivery}/addendum", data=sent_on).status_code == 302
    (_, sha), (one_id, one_sha) = _deliveries(coordinator, letter)
    assert sha == first_sha
    since = f"{today:%B} {today.day}, {today.year}"
    one = read_pdf(coordinator.get(f"{letter.page}/deliveries/{one_id}/pdf").data, tmp_path,
                   start="Additional")  # fmt: skip
    assert one.sha256 == one_sha
    assert squash(f"Additional signatories since {since}") in one.plain
    assert squash(stays_out.name) in one.text  # re-confirmed after the delivery
    assert_groups_in_order(one, model.groups(late), one.text.index(squash("Additional")))
    assert squash(f"Withdrawn since {since}") in one.plain
    assert squash(f"Families Together Network (withdrew {since})") in one.plain
    count_only = [o for o in late if not o.listed]
    assert len(count_only) == 2  # the form's "No – please count us"
    for org in count_only:
        assert squash(org.name) not in one.plain, org.name
    assert squash("2 further organizations signed and asked not to be listed.") in one.plain
    for org in model.orgs.values():
        if org.delivered == 0 and org.status == "approved" and org.listed:
            assert squash(org.name) not in one.plain, org.name
    for org in late:
        org.delivered = 1
    check("addendum")

    # --- 10. a second addendum: only what came after the first -----------------------------
    newest = model.add(Org("Oklahoma Immigrant Solidarity", "state", "Oklahoma", "Tulsa",
                           email="hola@ois.example.org", status="pending"))  # fmt: skip
    assert sign_publicly(signers, letter, newest).status_code == 302
    confirm(signers, mailbox, newest.email)
    newest.status = "confirmed"
    ids = _signon_ids(coordinator, letter)
    act(newest.name, "approve")
    newest.status = "approved"
    check("one more")
    assert coordinator.post(f"{letter.delivery}/addendum", data=sent_on).status_code == 302
    *earlier, (two_id, two_sha) = _deliveries(coordinator, letter)
    assert earlier == [(first_id, first_sha), (one_id, one_sha)]
    two = read_pdf(coordinator.get(f"{letter.page}/deliveries/{two_id}/pdf").data, tmp_path,
                   start="Additional")  # fmt: skip
    assert two.sha256 == two_sha
    assert_groups_in_order(two, [("Oklahoma", [newest.name])], two.text.index(
        squash("Additional")))  # fmt: skip
    assert "Withdrawn" not in two.plain
    for org in model.orgs.values():
        if org is not newest and org.listed and org.status == "approved":
            assert squash(org.name) not in two.plain, org.name
    newest.delivered = 2
    check("second addendum")
    # the delivered letter never changed
    final = coordinator.get(f"{letter.page}/deliveries/{first_id}/pdf").data
    assert final == sent.data and hashlib.sha256(final).hexdigest() == first_sha

    # --- 11. stop collecting: what it leaves behind, then no more sign-ons -----------------
    leaving = text_of(coordinator.get(f"{letter.delivery}/stop").get_data(as_text=True))
    assert "1 sign-on awaiting their signer's email confirmation" in leaving
    assert coordinator.post(f"{letter.delivery}/stop").status_code == 302
    shown = text_of(public.get(letter.public).get_data(as_text=True))
    assert "It no longer accepts sign-ons." in shown
    assert "Sign on for your organization" not in shown
    late_comer = Org("Too Late Collective", "national", email="late@example.org")
    assert sign_publicly(signers, letter, late_comer).status_code == 403
    # the one that never confirmed cannot any more: its link says so
    page_text = text_of(signers(silent.email).get(mailbox.links(silent.email)[-1]).get_data(
        as_text=True))  # fmt: skip
    assert "This sign-on can no longer be confirmed." in page_text
    check("stopped")
    assert coordinator.get(f"{letter.page}/deliveries/{first_id}/pdf").data == sent.data
