"""The signer's forms on the manage page, and asking for a new manage link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional


def _strip(value):
    return value.strip() if isinstance(value, str) else value


STRIP = (_strip,)


class CorrectForm(FlaskForm):
    """The signer's name, title and listing, as the signer wants them now."""

    signer_name = StringField(
        "Signer's name",
        filters=STRIP,
        validators=[DataRequired(message="Enter the signer's name."), Length(max=200)],
    )
    signer_title = StringField(
        "Signer's title", filters=STRIP, validators=[Optional(), Length(max=200)]
    )
    listing = RadioField(
        "How to show your organization",
        choices=[
            ("list", "List our organization by name"),
            ("count", "Count us but do not list our name"),
        ],
        validators=[InputRequired(message="Choose how to show your organization.")],
    )


class WithdrawForm(FlaskForm):
    """Withdraw the organization (a POST: a mail scanner following links withdraws nothing)."""


class ContactForm(FlaskForm):
    """Another contact of the organization; they confirm their own address."""

    name = StringField(
        "Their name",
        filters=STRIP,
        validators=[DataRequired(message="Enter their name."), Length(max=200)],
    )
    title = StringField("Their title", filters=STRIP, validators=[Optional(), Length(max=200)])
    email = StringField(
        "Their email",
        filters=STRIP,
        validators=[
            DataRequired(message="Enter their email address."),
            Length(max=254),
            Email(message="Enter an email address like name@example.org."),
        ],
    )


class RequestLinkForm(FlaskForm):
    """Ask for a new manage link by email."""

    email = StringField(
        "The email address you signed with",
        filters=STRIP,
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=254),
            Email(message="Enter an email address like name@example.org."),
        ],
    )
