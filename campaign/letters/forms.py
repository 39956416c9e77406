"""Letter forms."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from campaign.letters.models import LetterStatus

# The zones a US coalition needs; the model takes any IANA name.
TIME_ZONES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"),
    ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa (American Samoa)"),
    ("UTC", "UTC"),
]


class LetterForm(FlaskForm):
    """Everything a coordinator writes about a letter."""

    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        "Public address (optional)",
        description="Lower-case letters, digits and hyphens; made from the title if left empty.",
        validators=[
            Optional(),
            Length(max=60),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Use lower-case letters, digits and hyphens."
            ),
        ],
    )
    addressees = TextAreaField(
        "Addressees",
        description="One per line, e.g. the Secretary of Homeland Security.",
        validators=[DataRequired(), Length(max=5000)],
    )
    body = TextAreaField(
        "Text",
        description="Markdown; footnotes as [^1] in the text and [^1]: … at the end.",
        validators=[DataRequired(), Length(max=100_000)],
    )
    material = BooleanField(
        "This edit changes the substance of the letter (signers of earlier versions must "
        "re-confirm)"
    )
    closing = StringField("Closing", default="Sincerely,", validators=[Length(max=300)])
    sender = StringField(
        "Sender line",
        description="Signed under the closing, e.g. “The undersigned organizations”. "
        "Empty: the coalition's name.",
        validators=[Length(max=300)],
    )
    deadline_on = DateField("Sign-on deadline: date", validators=[DataRequired()])
    # Left empty, a deadline is the end of its day (23:59) in the letter's zone.
    deadline_time = TimeField(
        "Time",
        default=time(23, 59),
        description="Leave empty for the end of the day (11:59 PM).",
        validators=[Optional()],
    )
    deadline_tz = SelectField("Time zone", choices=TIME_ZONES, default="America/New_York")
    # the Spanish text beside the English one (campaign.letters.languages)
    bilingual = BooleanField(
        "Also in Spanish",
        description="Signers read the letter in English or Spanish and sign the same letter "
        "(one list, one count). Both texts must be written before the letter opens; an "
        "edit of either text makes a new version of both.",
    )
    title_es = StringField("Spanish heading", validators=[Length(max=300)])
    addressees_es = TextAreaField(
        "Who it is addressed to, in Spanish",
        description="Empty: the English ones.",
        validators=[Length(max=5000)],
    )
    body_es = TextAreaField("Text in Spanish", validators=[Length(max=100_000)])
    closing_es = StringField(
        "Closing in Spanish", description="e.g. “Atentamente,”", validators=[Length(max=300)]
    )
    sender_es = StringField(
        "Sender line in Spanish",
        description="Empty: the English one.",
        validators=[Length(max=300)],
    )
    show_signatories = BooleanField("Show approved, listed signatories on the public page")
    auto_approve = BooleanField("Approve confirmed sign-ons automatically")


class StatusForm(FlaskForm):
    """Move a letter to another status."""

    status = SelectField("Status", choices=[(s.value, s.label) for s in LetterStatus])
