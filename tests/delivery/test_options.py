"""The print options form: grouping, columns, logo page, the letterhead logo."""

from __future__ import annotations

import io

from PIL import Image

from campaign.delivery.models import Grouping, LetterPrintOptions
from campaign.delivery.snapshot import snapshot_for
from tests.delivery.factories import url
from tests.letters.factories import make_letter


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 20), (20, 60, 160)).save(buf, "PNG")
    return buf.getvalue()


def _form(**kw):
    data = {"grouping": "level", "columns": "2", "include_logo_page": "y"}
    data.update(kw)
    return data


def test_options_and_logo_are_saved_and_used(session, login_as):
    letter = make_letter(session)
    coordinator = login_as("coordinator")
    response = coordinator.post(
        url(letter),
        data=_form(logo=(io.BytesIO(_png()), "logo.png")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    options = session.get(LetterPrintOptions, letter.id)
    assert (options.grouping, options.columns) == (Grouping.LEVEL, 2)
    assert options.include_logo_page and not options.show_places
    assert options.logo_sha256 and options.logo_kind == "png"
    snapshot = snapshot_for(session, session.get(type(letter), letter.id))
    assert snapshot.logo_sha256 == options.logo_sha256 and snapshot.grouping == "level"
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "A letterhead logo is set." in page
    # saving again without a file keeps the logo; "remove" drops it
    coordinator.post(url(letter), data=_form(), content_type="multipart/form-data")
    session.expire_all()
    assert session.get(LetterPrintOptions, letter.id).logo_sha256 == options.logo_sha256
    coordinator.post(url(letter), data=_form(remove_logo="y"), content_type="multipart/form-data")
    session.expire_all()
    assert session.get(LetterPrintOptions, letter.id).logo_sha256 is None


def test_a_logo_that_is_not_an_image_or_too_big_is_refused(session, login_as):
    letter = make_letter(session)
    coordinator = login_as("coordinator")
    for data, message in (
        (b"%PDF-1.4 not an image %%EOF", "PNG or JPEG"),
        (_png() + b"\0" * (1024 * 1024), "larger than 1 MB"),
    ):
        response = coordinator.post(
            url(letter),
            data=_form(logo=(io.BytesIO(data), "logo.png")),
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(LetterPrintOptions, letter.id) is None


def test_bad_choices_are_field_errors(session, login_as):
    letter = make_letter(session)
    coordinator = login_as("coordinator")
    response = coordinator.post(url(letter), data=_form(grouping="by-mood", columns="7"))
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
