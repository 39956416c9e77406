"""A Spanish-speaking signer: the switch, the form in Spanish, the Spanish email, confirmed."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.steps import confirm_link, create_open_letter, wait_for_mail


def test_a_signer_switches_to_spanish_signs_and_confirms(server, mailbox, new_page):
    coordinator = new_page()
    log_in(coordinator, server.url, "coordinator@example.org")
    public_url = create_open_letter(
        coordinator, server.url, "Fin al 287(g) en Texas", "End 287(g) in Texas"
    )

    signer = new_page(phone=True)
    signer.goto(public_url)
    expect(signer.locator("html")).to_have_attribute("lang", "en")
    switch = signer.get_by_role("navigation", name="Language")
    switch.get_by_role("link", name="Español").click()
    expect(signer.locator("html")).to_have_attribute("lang", "es")
    expect(signer.get_by_role("navigation", name="Idioma")).to_be_visible()

    # a mistake first: the error summary and the field's message in Spanish
    signer.get_by_role("button", name="Firmar la carta").click()
    expect(signer.get_by_text("Hay un problema")).to_be_visible()
    expect(signer.get_by_role("link", name="Escriba el nombre de su organización.")).to_be_visible()
    assert signer.title().startswith("Error: ")

    signer.get_by_label("Nombre de la organización").fill("Unidos por Texas")
    signer.locator("input[name=level][value=state]").check()
    signer.locator("select#state").select_option("TX")
    signer.get_by_label("Su nombre").fill("Ana Pérez")
    signer.get_by_label("Su cargo").fill("Directora")
    signer.get_by_label("Su correo electrónico").fill("ana.es@example.org")
    signer.get_by_label("Tengo autorización para firmar en nombre de esta organización").check()
    signer.get_by_label("Director(a) ejecutivo(a) o equivalente").check()  # on what authority
    before = len(mailbox.messages)
    signer.get_by_role("button", name="Firmar la carta").click()
    signer.wait_for_url(re.compile(r".*/thanks$"))
    expect(signer.get_by_role("heading", name="Gracias")).to_be_visible()  # the cookie kept es

    message = wait_for_mail(mailbox, "ana.es@example.org", before, signer)
    assert message["Subject"].startswith("Confirme su firma")
    assert "Hola:" in message.get_body(preferencelist=("plain",)).get_content()
    signer.goto(confirm_link(message))
    signer.get_by_role("button", name="Confirmar").click()
    expect(signer.get_by_text("Gracias: su firma está confirmada.")).to_be_visible()
    expect(signer.locator("html")).to_have_attribute("lang", "es")
