"""Small helpers shared by forms."""

from __future__ import annotations

from flask_wtf import FlaskForm

from campaign.core.errors import DomainError


class ActionForm(FlaskForm):
    """A button-only POST: carries nothing but the CSRF token."""


def apply_domain_error(form: FlaskForm, err: DomainError) -> None:
    """Show a service's error on the field it names, or on the form as a whole."""
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = [*field.errors, err.message]
    else:
        form.form_errors.append(err.message)
