"""A refused sign-on on a phone (issue 14, item 9): the GOV.UK error summary is at the top
of the form, in view and focused, each error a link to its field, "Error: " before the
page title, and no browser validation pop-up instead of the app's own messages."""

from tests.e2e.conftest import ARTIFACTS, log_in
from tests.e2e.steps import create_open_letter

# A letter as long as the real one: on a phone the form starts well below the first screen.
LONG_BODY = "\n\n".join(
    f"Paragraph {n}. We, the undersigned organizations, urge you to end the 287(g) program, "
    "which deputizes local police to enforce federal immigration law, and at minimum to "
    "terminate the agreements of agencies with records of racial profiling."
    for n in range(1, 13)
)


def test_a_refused_sign_on_on_a_phone_starts_at_the_error_summary(server, new_page):
    from playwright.sync_api import expect

    coordinator = new_page()
    log_in(coordinator, server.url, "coordinator@example.org")
    public_url = create_open_letter(coordinator, server.url, "Error summary campaign",
                                    "End 287(g) now", body=LONG_BODY)  # fmt: skip

    phone = new_page(phone=True)
    phone.goto(public_url)
    form = phone.locator("form[action$='" + public_url.rsplit("/", 1)[1] + "']")
    assert form.get_attribute("novalidate") is not None  # no browser pop-ups
    assert form.bounding_box()["y"] > 844  # the form starts below the first screen
    phone.get_by_label("Organization name").fill("Coalición de Derechos Humanos")
    phone.get_by_label("Your email").fill("not an address")
    phone.get_by_role("button", name="Sign on").click()
    phone.wait_for_load_state()

    summary = phone.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert phone.title().startswith("Error: ")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == [
        "Choose national, state or local.",
        "Enter your name.",
        "Enter your title.",
        "Enter an email address like name@example.org.",
        "You must be authorized to sign for the organization.",
        "Say on what authority you sign.",
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "error-summary-390.png"))

    # each link takes the focus to its field; the inline message says "Error:" to
    # screen readers and is tied to the field
    summary.get_by_role("link", name="Enter your name.").click()
    name = phone.get_by_label("Your name")
    expect(name).to_be_focused()
    expect(name).to_be_in_viewport()
    assert name.get_attribute("aria-invalid") == "true"
    error = phone.locator("#" + name.get_attribute("aria-describedby").split()[-1])
    expect(error).to_have_text("Error: Enter your name.")
    expect(error.locator(".visually-hidden")).to_have_text("Error:")
    summary.get_by_role("link", name="Choose national, state or local.").click()
    expect(phone.locator("input[name=level]").first).to_be_focused()
    # what was typed stays
    expect(phone.get_by_label("Organization name")).to_have_value("Coalición de Derechos Humanos")
