"""Response forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, Form, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from campaign.core.states import STATE_CHOICES
from campaign.responses.models import (
    OUTCOME_LABELS,
    SOURCE_LABELS,
    ResponseChannel,
    ResponseStatus,
)

CHANNEL_CHOICES = [(c.value, c.label) for c in ResponseChannel]
OUTCOME_CHOICES = [(o.value, label) for o, label in OUTCOME_LABELS.items()]
SOURCE_CHOICES = [
    ("", "Choose who it came from"),
    *((s.value, label) for s, label in SOURCE_LABELS.items()),
]


class ResponseForm(FlaskForm):
    """A response received from an agency (or DHS)."""

    received_on = DateField("Received on", validators=[DataRequired()])
    channel = SelectField("How it came", choices=CHANNEL_CHOICES, validators=[DataRequired()])
    # no default: a demand addressed to DHS is not answered by the sheriff unless said so
    source = SelectField(
        "Who it came from",
        choices=SOURCE_CHOICES,
        default="",
        validators=[DataRequired(message="Say who the response came from.")],
    )
    source_body = StringField(
        "The other body",
        description="e.g. the county commission, the governor's office",
        validators=[Optional(), Length(max=200)],
    )
    agency_state = SelectField(
        "Agency's state", choices=[("", "No agency"), *STATE_CHOICES], validators=[Optional()]
    )
    agency_name = StringField(
        "Agency",
        description="The agency's name as ICE lists it: needed when the response came from "
        "the agency; for a person, the agency they speak for (optional).",
        validators=[Optional(), Length(max=300)],
    )
    from_name = StringField("From (person)", validators=[Optional(), Length(max=200)])
    from_title = StringField("Their title", validators=[Optional(), Length(max=200)])
    summary = TextAreaField("Summary", validators=[DataRequired(), Length(max=5000)])
    full_text = TextAreaField("Full text (optional)", validators=[Optional(), Length(max=200000)])
    outcome = SelectField(
        "What it means for the demand",
        choices=OUTCOME_CHOICES,
        default="none",
        validators=[DataRequired()],
    )
    attachment = FileField("Attachment (PDF, PNG or JPEG, up to 20 MB)")


class AttachmentForm(FlaskForm):
    """One more file for a response."""

    attachment = FileField("File (PDF, PNG or JPEG, up to 20 MB)")


class RejectForm(FlaskForm):
    """Reject a pending response, with the reason."""

    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=5000)])


class ResponseFilterForm(Form):
    """Response list filter (a GET form)."""

    status = SelectField(
        "Status",
        choices=[("", "Any status")] + [(s.value, s.label) for s in ResponseStatus],
        validators=[Optional()],
    )
