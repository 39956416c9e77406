"""Campaign forms."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class CampaignForm(FlaskForm):
    """Name and description of a campaign."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        "Address (optional)",
        description="Lower-case letters, digits and hyphens; made from the name if left empty.",
        validators=[
            Optional(),
            Length(max=60),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Use lower-case letters, digits and hyphens."
            ),
        ],
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=20000)])
