"""Follow-up form."""

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from campaign.core.clock import local_today
from campaign.followups.models import FollowUpMethod

METHOD_CHOICES = [(m.value, m.label) for m in FollowUpMethod]


class FollowUpForm(FlaskForm):
    """What was done to chase an answer, and the new due date."""

    done_on = DateField("Done on", validators=[DataRequired()])
    method = SelectField("How", choices=METHOD_CHOICES, validators=[DataRequired()])
    note = TextAreaField("What was said or sent", validators=[Optional(), Length(max=5000)])
    new_due_on = DateField("New due date", validators=[DataRequired()])


DEFAULT_DELAY = timedelta(days=14)


def new_follow_up_form() -> FollowUpForm:
    """A follow-up form dated today, with a new due date two weeks ahead."""
    today = local_today()
    form = FollowUpForm(formdata=None)
    form.done_on.data, form.new_due_on.data = today, today + DEFAULT_DELAY
    form.method.data = FollowUpMethod.EMAIL.value
    return form
