"""Embargo forms: the release time (set or postponed), cancelling."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from campaign.letters.forms import TIME_ZONES

# a release time written without a time: the start of the working day, when launches are
RELEASE_DEFAULT_TIME = time(9, 0)


class EmbargoForm(FlaskForm):
    """The release time; a reason when it moves."""

    release_on = DateField("Release date", validators=[DataRequired()])
    release_time = TimeField(
        "Time",
        default=RELEASE_DEFAULT_TIME,
        description="A time that a clock change skips (2:30 AM on the spring-forward day) "
        "becomes the hour after; one that happens twice is the first of the two.",
        validators=[InputRequired()],
    )
    release_tz = SelectField("Time zone", choices=TIME_ZONES)
    deliver_at_release = BooleanField(
        "Send to its targets at release",
        description="The letter is frozen and emailed to the targets chosen on Print & send, "
        "as “Send by email” does, at the release time.",
    )
    reason = StringField(
        "Why the release moves",
        description="Kept in the audit log.",
        validators=[Optional(), Length(max=500)],
    )


class CancelForm(FlaskForm):
    """End the embargo without a release."""

    reason = StringField("Why (optional)", validators=[Optional(), Length(max=500)])
