"""Print & send forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from campaign.core.forms import LogoUpload
from campaign.delivery.models import DeliveryMethod, Grouping


class PrintOptionsForm(LogoUpload, FlaskForm):
    """How the letter and its list are printed."""

    grouping = RadioField(
        "Group the signatories",
        choices=[(g.value, g.label) for g in Grouping],
        default=Grouping.STATE.value,
        validators=[InputRequired()],
    )
    columns = SelectField(
        "Columns", choices=[(3, "3 columns"), (2, "2 columns")], coerce=int, default=3
    )
    show_places = BooleanField("Print the city (and state) after state and local names")
    languages = RadioField(
        "Print the letter in",
        description="English and Spanish: both texts, followed by one list of signatories.",
        choices=[("en", "English"), ("es", "Spanish"), ("both", "English and Spanish")],
        default="en",
        # absent (a form from before it existed, a script): English, as always
        validators=[Optional()],
    )
    include_logo_page = BooleanField("Add a page of signatory logos")
    logo = FileField(
        "Letterhead logo",
        description=(
            "PNG or JPEG, up to 1 MB. Leave empty to keep the current one; "
            "without one the letter carries the coalition's logo."
        ),
    )
    remove_logo = BooleanField("Remove the letterhead logo")
    dated_on = DateField(
        "Date on the letter",
        description="Leave empty for today's date. A delivery is dated the day it was sent.",
        validators=[Optional()],
    )


class DeliveryForm(FlaskForm):
    """Mark as sent, or send an addendum: when, to whom, how."""

    sent_on = DateField("Date sent", validators=[InputRequired()])
    recipients = TextAreaField(
        "Recipients",
        description="Who received it, e.g. the Secretary's office and the ICE Director.",
        validators=[DataRequired(), Length(max=2000)],
    )
    method = SelectField(
        "Delivery method",
        choices=[(m.value, m.label) for m in DeliveryMethod],
        validators=[DataRequired()],
    )
    note = TextAreaField("Note", validators=[Length(max=5000)])
    receipt = FileField(
        "Receipt",
        description=(
            "Optional proof of delivery: a portal's confirmation (PDF or screenshot), a "
            "certified-mail receipt scan. PDF, PNG or JPEG, up to 20 MB."
        ),
    )
    # the confirmation step's copy of a chosen receipt, by its hash in the store
    receipt_sha256 = HiddenField()


AFTER_CHOICES = [
    ("collect", "Keep collecting sign-ons: later signers are delivered in an addendum"),
    ("close", "Close the letter: no more sign-ons"),
]


class SendForm(DeliveryForm):
    """Mark as sent: the delivery, and what the letter does afterwards."""

    after = RadioField(
        "After delivery",
        choices=AFTER_CHOICES,
        default="collect",
        # left out (an older page, a script): the default, keep collecting
        validators=[Optional()],
    )
    # the confirmation step: set by its page, with the numbers it showed
    confirmed = HiddenField()
    expected = HiddenField()
