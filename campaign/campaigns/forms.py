"""Campaign forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp


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


LOGO_READ_LIMIT = 1024 * 1024 + 1  # one byte past the limit tells it is too big


class CoalitionForm(FlaskForm):
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

    def validate_logo(self, field):
        # a file was chosen but holds nothing: saving without it would lose it silently
        if self.logo_bytes() == b"":
            raise ValidationError("The file is empty.")

    def logo_bytes(self) -> bytes | None:
        """The uploaded logo's bytes (at most 1 MB + 1 byte), or None when none was chosen."""
        if not hasattr(self, "_logo"):
            file = self.logo.data
            chosen = file and getattr(file, "filename", None)
            self._logo = file.read(LOGO_READ_LIMIT) if chosen else None
        return self._logo
