"""Target, channel and target-set forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from campaign.agencies.models import AgreementModel
from campaign.core.states import STATES
from campaign.targets.models import ChannelKind, TargetBody

BODY_CHOICES = [(b.value, b.label) for b in TargetBody]


class TargetForm(FlaskForm):
    """A target: who, in which body, of which agency."""

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=200)],
        description="A person, or an office (ICE Office of the Director).",
    )
    title = StringField("Title", validators=[Optional(), Length(max=200)])
    body = SelectField("Body", choices=BODY_CHOICES, validators=[DataRequired()])
    organization = StringField(
        "Organization as addressed",
        validators=[Optional(), Length(max=300)],
        description="e.g. U.S. Department of Homeland Security, or Harris County Sheriff's Office",
    )
    agency_id = IntegerField(
        "Agency number",
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
        description="The agency this target belongs to (the number in its page's address), if any.",
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=5000)])


class ChannelForm(FlaskForm):
    """A way to reach the target."""

    kind = SelectField("Kind", choices=[(k.value, k.label) for k in ChannelKind])
    address = TextAreaField("Address", validators=[DataRequired(), Length(max=1000)],
                            description="An email address, a postal address, a portal's web "
                            "address or a fax number.")  # fmt: skip
    label = StringField("Label", validators=[Optional(), Length(max=120)],
                        description="e.g. Public inquiries, FOIA office")  # fmt: skip


class VerifyForm(FlaskForm):
    """Who checked a channel is recorded from the login; how is said here."""

    how = StringField("How was it checked?", validators=[DataRequired(), Length(max=2000)],
                      description="e.g. Listed on dhs.gov/contact on 2026-12-01; called the "
                      "office.")  # fmt: skip


class TargetSetForm(FlaskForm):
    """A target set defined by attributes (resolved each time it is used)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    state = SelectField("State", choices=[("", "Any state")] + [(s, s) for s in sorted(STATES)],
                        validators=[Optional()])  # fmt: skip
    model = SelectField(
        "287(g) model",
        choices=[("", "Any model")] + [(m.value, m.label) for m in AgreementModel],
        validators=[Optional()],
    )
    include_delisted = BooleanField("Also agencies ICE no longer lists (warned about when sending)")
    bodies = SelectMultipleField(
        "Also every target of these bodies", choices=BODY_CHOICES, validators=[Optional()]
    )
