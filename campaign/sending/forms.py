"""Forms for sending letters, packets and follow-ups by email."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (target ids)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        # the choices are the targets shown; one deleted meanwhile is left out, not an error
        pass


class LetterEmailForm(FlaskForm):
    """Send the letter by email to chosen targets."""

    targets = CheckboxesField("Targets", coerce=str)
    delivery_id = SelectField("What to send", coerce=str, validators=[Optional()])
    subject = StringField("Subject", validators=[DataRequired(), Length(max=300)])
    cover = TextAreaField(
        "Message",
        validators=[DataRequired(), Length(max=20000)],
        description="The email's text; the letter goes as a PDF attachment.",
    )
    sent_on = DateField("Date sent", validators=[InputRequired()])
    close = BooleanField("Close the letter after sending (no more sign-ons)")
    confirmed = HiddenField()


class PacketSendForm(FlaskForm):
    """Send one demand's packet to its targets."""

    targets = CheckboxesField("Targets", coerce=str)
    sent_on = DateField("Date sent", validators=[InputRequired()])
    list_signatories = BooleanField("List the signatory organizations by name")


class ClockExtendForm(FlaskForm):
    """Give the agency more time: a reason and a new date."""

    new_due_on = DateField("New due date", validators=[InputRequired()])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=2000)])


class ClockPauseForm(FlaskForm):
    """Pause the clock: what the coalition owes the agency."""

    reason = StringField("What the coalition owes the agency",
                         validators=[DataRequired(), Length(max=2000)])  # fmt: skip


class BulkPacketForm(FlaskForm):
    """Send the packets of every demand the filters match."""

    filters = HiddenField()
    include_dhs = BooleanField("Also send each packet to every DHS target")
    sent_on = DateField("Date sent", validators=[InputRequired()])
    list_signatories = BooleanField("List the signatory organizations by name")
