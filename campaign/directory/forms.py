"""Forms of the directory pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange


class MergeForm(FlaskForm):
    """Merge this organization into another (by its number in the directory)."""

    target_id = IntegerField(
        "Merge into organization #",
        validators=[InputRequired(), NumberRange(min=1, max=2_000_000_000)],
    )


class InviteForm(FlaskForm):
    """Which letter, and which organizations: the directory's filter or a letter's signers."""

    letter_id = SelectField("Invite to sign", coerce=int, validators=[InputRequired()])
    scope = RadioField(
        "Organizations",
        choices=[
            ("filter", "The organizations matching the directory filter"),
            ("signed", "Everyone who signed another letter"),
        ],
        default="filter",
        validators=[InputRequired()],
    )
    signed_letter_id = SelectField("That letter", coerce=int, validate_choice=False)
