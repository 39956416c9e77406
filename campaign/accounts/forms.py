"""Forms of the account pages."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from campaign.auth.forms import PASSWORD_MESSAGE
from campaign.auth.passwords import MIN_LENGTH


class PasswordChangeForm(FlaskForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=1000)]
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=1000, message=PASSWORD_MESSAGE)],
        description=f"At least {MIN_LENGTH} characters. A few unrelated words make a good one.",
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class LogoutOthersForm(FlaskForm):
    """Ending the other sessions needs a ticked box (a stray POST does nothing)."""

    confirm = BooleanField("Yes, log me out on every other browser", validators=[DataRequired()])


class TwoFactorEnableForm(FlaskForm):
    """The first code from the app proves it holds the secret (carried, signed, in ``setup``)."""

    setup = HiddenField(validators=[DataRequired()])
    code = StringField(
        "Code from the app",
        validators=[DataRequired(message="Enter the 6-digit code."), Length(max=20)],
    )


class PasswordConfirmForm(FlaskForm):
    """Your password again, before something that weakens or replaces your second factor."""

    password = PasswordField(
        "Your password", validators=[DataRequired(message="Enter your password."), Length(max=1000)]
    )
