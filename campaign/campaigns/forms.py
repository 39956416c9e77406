"""Campaign forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from campaign.core.forms import LogoUpload


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


class CoalitionForm(LogoUpload, FlaskForm):
    """The coalition's name, contact address and logo (the instance's or a campaign's)."""

    name = StringField("Coalition name", validators=[Optional(), Length(max=200)])
    contact_email = StringField(
        "Contact email",
        description="Shown on public pages and used as Reply-To on every email to signers.",
        validators=[
            Optional(),
            Length(max=254),
            Email(message="Enter an email address like info@example.org."),
        ],
    )
    logo = FileField(
        "Logo",
        description="PNG or JPEG, up to 1 MB. Leave empty to keep the current one.",
    )
    remove_logo = BooleanField("Remove the logo")
