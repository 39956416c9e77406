"""Demand forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from campaign.agencies.models import AgencyType, AgreementModel, AgreementStatus
from campaign.core.forms import MAX_ID
from campaign.core.states import STATE_CHOICES
from campaign.demands.models import DemandStatus, Priority

PRIORITY_CHOICES = [(p.value, p.label) for p in Priority]


def optional_id(value) -> int | None:
    """A select's value as an id ("" → None); anything else is left for the choice check."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a choice: "Not a valid choice"


STATE_FILTER_CHOICES = [("", "Any state"), *STATE_CHOICES]


class DemandForm(FlaskForm):
    """The text of one demand (or of a bulk template)."""

    addressed_to = StringField(
        "Addressed to",
        description="The decision-maker, e.g. the Secretary of Homeland Security or the sheriff.",
        validators=[DataRequired(), Length(max=200)],
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    ask = TextAreaField("The ask", validators=[DataRequired(), Length(max=5000)])
    rationale = TextAreaField(
        "Rationale", description="Markdown.", validators=[Optional(), Length(max=50000)]
    )
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default=Priority.NORMAL.value)
    due_on = DateField("Response due on", validators=[Optional()])
    # choices: the campaign's letters, set by the view
    letter_id = SelectField(
        "Delivered with letter", choices=[("", "No letter")], coerce=optional_id, default=""
    )


class NewDemandForm(DemandForm):
    """A demand on the agency chosen on the page before."""

    agency_id = HiddenField(validators=[DataRequired()])


class BulkDemandForm(DemandForm):
    """A template fanned out over the selected agencies."""

    scope = RadioField(
        "Create demands for",
        choices=[
            ("selected", "the agencies ticked below"),
            ("matching", "every agency matching the filters"),
        ],
        default="selected",
    )
    # the filters the page was showing, sent back so "matching" means the same agencies
    state = HiddenField()
    type = HiddenField()
    q = HiddenField()
    model = HiddenField()
    agreement_status = HiddenField()


class AgencyFilterForm(Form):
    """Agency filters for picking agencies (a GET form)."""

    q = StringField("Name", validators=[Optional(), Length(max=100)])
    state = SelectField("State", choices=STATE_FILTER_CHOICES, validators=[Optional()])
    type = SelectField(
        "Type",
        choices=[("", "Any type")] + [(t.value, t.value.capitalize()) for t in AgencyType],
        validators=[Optional()],
    )
    model = SelectField(
        "287(g) model",
        choices=[("", "Any model")] + [(m.value, m.label) for m in AgreementModel],
        validators=[Optional()],
    )
    agreement_status = SelectField(
        "Agreement status",
        choices=[("", "Any status")] + [(s.value, s.label) for s in AgreementStatus],
        validators=[Optional()],
    )


class DemandFilterForm(Form):
    """Demand list filters (a GET form)."""

    status = SelectField(
        "Status",
        choices=[("", "Any status"), ("open", "Open (any)")]
        + [(s.value, s.label) for s in DemandStatus],
        validators=[Optional()],
    )
    state = SelectField("State", choices=STATE_FILTER_CHOICES, validators=[Optional()])
    priority = SelectField(
        "Priority", choices=[("", "Any priority"), *PRIORITY_CHOICES], validators=[Optional()]
    )
    flagged = BooleanField("Flagged: confirm termination")
    overdue = BooleanField("Overdue")
    # from a letter's page: the demands delivered with it
    letter = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


class TransitionForm(FlaskForm):
    """Move a demand to another status, with the reason."""

    to = HiddenField(validators=[DataRequired()])
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=5000)])
    happened_on = DateField(
        "Date it happened",
        description="Today, or the day it really happened (e.g. the day the letter went out).",
        validators=[Optional()],
    )


class BulkMoveForm(FlaskForm):
    """Move every demand matching the list's filters to one status."""

    to = SelectField(
        "Move them to",
        choices=[(s.value, s.label) for s in DemandStatus if s != DemandStatus.DRAFT],
        validators=[DataRequired()],
    )
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=5000)])
    happened_on = DateField("Date it happened", validators=[Optional()])
    # the list's query string, so "matching" means the demands the list showed
    filters = HiddenField()


class FlagForm(FlaskForm):
    """Confirm or dismiss "agreement no longer listed"."""

    flag_reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=5000)])


class LinkEvidenceForm(FlaskForm):
    """Link one evidence record to the demand."""

    evidence_id = IntegerField(
        "Evidence record number", validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)]
    )
    note = TextAreaField(
        "Why it supports the demand", validators=[DataRequired(), Length(max=5000)]
    )
