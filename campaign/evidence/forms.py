"""Evidence forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from campaign.core.forms import MAX_ID
from campaign.core.states import STATE_CHOICES
from campaign.evidence.models import EVIDENCE_TYPE_LABELS, NATIONAL

TYPE_CHOICES = [(t.value, label) for t, label in EVIDENCE_TYPE_LABELS.items()]


class EvidenceForm(FlaskForm):
    """An evidence record; the agency is named by state + name."""

    type = SelectField("Type", choices=TYPE_CHOICES, validators=[DataRequired()])
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    event_on = DateField("Date of the event", validators=[Optional()])
    source_url = StringField(
        "Source address",
        description="http:// or https:// only.",
        validators=[Optional(), Length(max=2000)],
    )
    retrieved_on = DateField("Source retrieved on", validators=[Optional()])
    pin_cite = StringField(
        "Pin cite",
        description="Where in the source: page, paragraph, minute, e.g. “p. 14, ¶ 3”.",
        validators=[Optional(), Length(max=200)],
    )
    citation = TextAreaField(
        "Citation", description="e.g. case number and court", validators=[Length(max=5000)]
    )
    summary = TextAreaField("Summary", validators=[Length(max=50000)])
    agency_state = SelectField(
        "State",
        description="The state the record is about (or national), with or without an agency.",
        choices=[("", "No state"), (NATIONAL, "National"), *STATE_CHOICES],
        validators=[Optional()],
    )
    agency_name = StringField(
        "Agency (optional)",
        description="The agency's name as ICE lists it, e.g. Arcadia Police Department.",
        validators=[Optional(), Length(max=300)],
    )
    attachment = FileField("Attachment (PDF, PNG or JPEG, up to 20 MB)")


class NewEvidenceForm(EvidenceForm):
    """A new record; from a demand's page it is linked to that demand at once."""

    demand_id = HiddenField()
    link_note = TextAreaField(
        "Why it supports the demand", validators=[Optional(), Length(max=5000)]
    )


class LinkMatchingForm(FlaskForm):
    """Link the record to every demand of a campaign matching the filters."""

    campaign_id = SelectField("Campaign", coerce=int, validators=[DataRequired()])
    status = SelectField("Demand status", validators=[Optional()])
    state = SelectField(
        "Agency's state", choices=[("", "Any state"), *STATE_CHOICES], validators=[Optional()]
    )
    note = TextAreaField(
        "Why it supports each demand",
        description="{agency} is replaced by each demand's agency.",
        validators=[DataRequired(), Length(max=5000)],
    )


class AttachmentForm(FlaskForm):
    """One more file for a record."""

    attachment = FileField("File (PDF, PNG or JPEG, up to 20 MB)")


class LinkDemandForm(FlaskForm):
    """Link the record to one demand."""

    demand_id = IntegerField(
        "Demand number", validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)]
    )
    note = TextAreaField(
        "Why it supports the demand", validators=[DataRequired(), Length(max=5000)]
    )


class EvidenceFilterForm(Form):
    """Search and filters (a GET form)."""

    q = StringField("Words", validators=[Optional(), Length(max=200)])
    type = SelectField("Type", choices=[("", "Any type"), *TYPE_CHOICES], validators=[Optional()])
    state = SelectField(
        "State",
        choices=[("", "Any state"), (NATIONAL, "National"), *STATE_CHOICES],
        validators=[Optional()],
    )
    agency = StringField("Agency", validators=[Optional(), Length(max=100)])
    agency_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
