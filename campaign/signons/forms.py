"""The public sign-on form and the confirmation form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from campaign.core.forms import parse_id
from campaign.core.states import STATES, state_choices
from campaign.i18n import gettext as _
from campaign.i18n import language
from campaign.i18n import lazy_gettext as _l
from campaign.signons.models import AUTHORITY_LABELS, Authority, Level

if TYPE_CHECKING:
    from campaign.signons.signing import SignOnInput

LOGO_READ_LIMIT = 1024 * 1024 + 1


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


STRIP = (_strip,)

# WTForms' own messages would come from its catalogue, in its words: these are ours
# the labels of campaign.signons.models.AUTHORITY_LABELS, in the page's language
AUTHORITY_CHOICES = {
    Authority.EXECUTIVE: _l("Executive director or equivalent"),
    Authority.BOARD: _l("A decision of the board"),
    Authority.DESIGNATED: _l("Designated by the organization's leadership"),
    Authority.OTHER: _l("Other"),
}
TOO_LONG = _l("Field cannot be longer than %(max)d characters.")
LEVEL_LABELS = {Level.NATIONAL: _l("National"), Level.STATE: _l("State"), Level.LOCAL: _l("Local")}


def _website(value: str | None) -> str | None:
    value = _strip(value)
    if value and "://" not in value:
        return "https://" + value
    return value


class SignOnForm(FlaskForm):
    """An organization signs on; every field has a length limit."""

    class Meta:
        # CSRFProtect checks every POST before the view runs; a token field of the form's
        # own would check it a second time and sign a fresh token on every submission.
        # The template puts csrf_token() in the form.
        csrf = False

    # Every field that takes text strips surrounding spaces (STRIP).
    version_id = HiddenField(filters=STRIP)
    # Each message says what to do, and reads the same in the error summary and by the field.
    org_name = StringField(
        _l("Organization name"),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Enter your organization's name.")),
            Length(max=300, message=TOO_LONG),
        ],
    )
    level = RadioField(
        _l("Level"),
        filters=STRIP,
        choices=[(level.value, LEVEL_LABELS[level]) for level in Level],
        validators=[InputRequired(message=_l("Choose national, state or local."))],
    )
    state = SelectField(
        _l("State"),
        description=_l("Required for state and local organizations."),
        choices=[],  # per form, translated (__init__)
        filters=STRIP,
        # checked against a set by validate_state: WTForms would walk all 56 choices
        validate_choice=False,
        # no Optional(): it would end the checks before validate_state, and "choose the
        # state" would come only once every other mistake was fixed
        validators=[Length(max=2, message=TOO_LONG)],
    )
    city = StringField(
        _l("City"), filters=STRIP, validators=[Optional(), Length(max=120, message=TOO_LONG)]
    )
    website = StringField(
        _l("Website (optional)"),
        filters=[_website],
        validators=[
            Optional(),
            Length(max=300, message=TOO_LONG),
            Regexp(r"^https?://[^\s/$.?#][^\s]*$", message=_l("Enter a web address.")),
        ],
    )
    signer_name = StringField(
        _l("Your name"),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=200, message=TOO_LONG),
        ],
    )
    signer_title = StringField(
        _l("Your title"),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Enter your title.")),
            Length(max=200, message=TOO_LONG),
        ],
    )
    signer_email = StringField(
        _l("Your email"),
        filters=STRIP,
        description=_l("We send a confirmation link to this address."),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=254, message=TOO_LONG),
            Email(message=_l("Enter an email address like name@example.org.")),
        ],
    )
    authorized = BooleanField(
        _l("I am authorized to sign on behalf of this organization"),
        validators=[
            DataRequired(message=_l("You must be authorized to sign for the organization."))
        ],
    )
    authority = RadioField(
        _l("On what authority do you sign?"),
        choices=[(a.value, AUTHORITY_CHOICES[a]) for a in AUTHORITY_LABELS],
        filters=STRIP,
        validators=[InputRequired(message=_l("Say on what authority you sign."))],
    )
    authority_other = StringField(
        _l("What authority?"),
        description=_l("Required when you chose “Other”."),
        filters=STRIP,
        validators=[Length(max=200)],
    )
    listing = RadioField(
        _l("How to show your organization"),
        choices=[
            ("list", _l("List our organization by name")),
            ("count", _l("Count us but do not list our name")),
        ],
        default="list",
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Choose whether we may list your organization by name."))
        ],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        filters=STRIP,
        validators=[Optional(), Length(max=2000, message=TOO_LONG)],
    )
    logo = FileField(_l("Logo (optional)"), description=_l("PNG or JPEG, up to 1 MB."))
    keep_informed = BooleanField(_l("Email me when the agencies respond"))
    # The honeypot: hidden by CSS, left empty by people, filled by bots.
    nickname = StringField(
        _l("Leave this field empty"),
        filters=STRIP,
        validators=[Optional(), Length(max=200, message=TOO_LONG)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the states in the page's language, in its alphabetical order
        self.state.choices = [("", "—"), *state_choices()]

    def validate_state(self, field):
        if field.data and field.data not in STATES:
            raise ValidationError(_("Choose a state from the list."))
        if self.level.data in (Level.STATE.value, Level.LOCAL.value) and not field.data:
            raise ValidationError(_("Choose the state for a state or local organization."))

    def validate_authority_other(self, field):
        if self.authority.data == "other" and not field.data:
            raise ValidationError(_("Say on what authority you sign."))

    def validate_version_id(self, field):
        if parse_id(field.data) is None:
            field.data = ""  # a tampered value: the current version is shown instead

    def validate_logo(self, field):
        from campaign.core.errors import DomainError
        from campaign.signons.signing import check_logo

        data = self.logo_bytes()
        if data is None:
            return
        if not data:
            # a file was chosen but holds nothing: signing without it would lose it silently
            raise ValidationError(_("The file is empty."))
        try:
            check_logo(data)
        except DomainError as err:
            raise ValidationError(err.message)

    def to_input(self) -> SignOnInput:
        """What a valid form says, as signing takes it (the public page and the API)."""
        from campaign.signons.signing import SignOnInput

        return SignOnInput(
            org_name=self.org_name.data,
            level=self.level.data,
            state=self.state.data or "",
            city=self.city.data or "",
            website=self.website.data or "",
            signer_name=self.signer_name.data,
            signer_title=self.signer_title.data,
            signer_email=self.signer_email.data,
            authorized=self.authorized.data,
            authority=self.authority.data,
            authority_other=self.authority_other.data or "",
            listed=self.listing.data == "list",
            comment=self.comment.data or "",
            keep_informed=self.keep_informed.data,
            logo=self.logo_bytes(),
            language=language(),
        )

    def logo_bytes(self) -> bytes | None:
        """The uploaded logo's bytes (at most 1 MB + 1, enough to tell it is too big);
        None when no file was chosen."""
        if not hasattr(self, "_logo"):
            file = self.logo.data
            data = None
            if file and getattr(file, "filename", None):
                data = file.read(LOGO_READ_LIMIT)
            self._logo = data
        return self._logo


class ConfirmForm(FlaskForm):
    """The Confirm button (a POST: mail scanners that fetch links confirm nothing)."""

    version_id = HiddenField()
