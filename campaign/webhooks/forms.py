"""The subscription form."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from campaign.webhooks.events import EVENTS


class SubscriptionForm(FlaskForm):
    """Where to send, which events, and a note saying what it is for."""

    url = StringField(
        "Send events to",
        description="https://… The address of the tool that receives them.",
        validators=[DataRequired(message="Enter the web address."), Length(max=2000)],
    )
    events = SelectMultipleField(
        "Events",
        choices=[(name, f"{name}: {text}") for name, text in EVENTS.items()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(message="Choose at least one event.")],
    )
    description = StringField("Note (optional)", validators=[Optional(), Length(max=200)])
