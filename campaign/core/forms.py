"""Small helpers shared by forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import ValidationError

from campaign.core.errors import DomainError

LOGO_READ_LIMIT = 1024 * 1024 + 1  # one byte past the 1 MB limit tells it is too big


class ActionForm(FlaskForm):
    """A button-only POST: carries nothing but the CSRF token."""


class LogoUpload:
    """For a form with a ``logo`` FileField: its bytes read once, and an empty file refused."""

    def validate_logo(self, field):
        # a file was chosen but holds nothing: saving without it would lose it silently
        if self.logo_bytes() == b"":
            raise ValidationError("The file is empty.")

    def logo_bytes(self) -> bytes | None:
        """The uploaded logo's bytes (at most 1 MB + 1 byte), or None when none was chosen."""
        if not hasattr(self, "_logo"):
            file = self.logo.data
            chosen = file and getattr(file, "filename", None)
            self._logo = file.read(LOGO_READ_LIMIT) if chosen else None
        return self._logo


def apply_domain_error(form: FlaskForm, err: DomainError) -> None:
    """Show a service's error on the field it names, or on the form as a whole."""
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = [*field.errors, err.message]
    else:
        form.form_errors.append(err.message)


# The largest row id: the database's INTEGER (PostgreSQL's is 32-bit). A larger number in
# a path or a form is no row's id, and the database refuses to even compare with it.
MAX_ID = 2**31 - 1


def parse_id(raw: str | None) -> int | None:
    """A row id a browser sent back (hidden field, query string, checkbox), or None for
    anything that is not a plausible one: ``"٣"`` is a digit to ``str.isdigit`` and a
    25-digit number overflows the database's integer (a 500 before this check)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
