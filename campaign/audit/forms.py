"""Audit log filters."""

from wtforms import DateField, Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from campaign.core.forms import MAX_ID


class AuditFilterForm(Form):
    """Filters read from the query string (a GET form: no CSRF needed)."""

    user = SelectField("User", choices=[], validators=[Optional()], validate_choice=False)
    action = StringField("Action", validators=[Optional(), Length(max=80)])
    entity = StringField("Entity", validators=[Optional(), Length(max=60)])
    entity_id = IntegerField("Entity id", validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
