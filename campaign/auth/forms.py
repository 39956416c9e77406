"""Login and user-management forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from campaign.auth.models import Role
from campaign.auth.passwords import MIN_LENGTH

PASSWORD_MESSAGE = f"The password must be at least {MIN_LENGTH} characters long."
ROLE_CHOICES = [(r.value, r.label) for r in Role]


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


class UserCreateForm(FlaskForm):
    """An admin creates an account."""

    email = EmailField(
        "Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.MEMBER.value)
    password = PasswordField(
        "Initial password",
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=1000, message=PASSWORD_MESSAGE)],
    )


class UserEditForm(FlaskForm):
    """An admin changes a role, a name, or deactivates an account."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField(
        "Active", description="An inactive account cannot log in; its open sessions end at once."
    )
    password = PasswordField(
        "New password (leave empty to keep)",
        validators=[Optional(), Length(min=MIN_LENGTH, max=1000, message=PASSWORD_MESSAGE)],
        description="A new password ends every session of this account.",
    )


class LogoutEverywhereForm(FlaskForm):
    """Ending every session of an account needs a ticked box (a stray POST does nothing)."""

    confirm = BooleanField("Yes, log this account out everywhere", validators=[DataRequired()])


class CodeForm(FlaskForm):
    """The second step of a login."""

    code = StringField(
        "Code",
        validators=[DataRequired(message="Enter the code."), Length(max=64)],
        description="The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )


class ResetTwoFactorForm(FlaskForm):
    """An admin turns off someone's second factor; a ticked box confirms."""

    confirm = BooleanField(
        "Yes, turn off two-step login for this account", validators=[DataRequired()]
    )
