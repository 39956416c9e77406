"""The account page's form for a new API token."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from campaign.api.models import Scope


class TokenForm(FlaskForm):
    """A label and the scopes of a new token."""

    name = StringField(
        "Label",
        description="Which tool uses it, e.g. “Action Network sync”.",
        validators=[DataRequired(message="Give the token a label."), Length(max=100)],
    )
    scopes = SelectMultipleField(
        "What it may do",
        choices=[(scope.value, scope.label) for scope in Scope],
        default=[Scope.READ.value],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(message="Choose at least one.")],
    )
