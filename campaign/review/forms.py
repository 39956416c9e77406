"""Forms of the review pages: actions on one sign-on, bulk approval, adding, importing."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from campaign.core.clock import local_today
from campaign.core.states import STATE_CHOICES
from campaign.review.mapping import FIELDS
from campaign.signons.models import Level
from campaign.verification.models import Method

# C0 control characters other than tab and line breaks: PostgreSQL refuses NUL in
# text, and none of them belongs in a name or a reason.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _no_controls(form, field) -> None:
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError("Remove the control characters (such as NUL) from this field.")


class ReviewForm(FlaskForm):
    """Base of this package's forms: text is stripped and control characters refused."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [_strip, *unbound_field.kwargs.get("filters", [])]
            validators = [*(unbound_field.kwargs.get("validators") or []), _no_controls]
            return unbound_field.bind(form=form, filters=filters, validators=validators, **options)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NextForm(ReviewForm):
    """A POST that may say where to go back to (a local path, checked by the view)."""

    next = HiddenField()


class ApproveForm(NextForm):
    """Approve one sign-on."""


class SecondSignerForm(NextForm):
    """Decide on a confirmed second signer for the organization (issue 16.2)."""

    decision = RadioField(
        "Decision",
        choices=[
            ("signer", "They sign for the organization on this letter"),
            ("kept", "Keep the current signer (they stay a contact)"),
        ],
        validators=[InputRequired()],
    )


class RejectForm(NextForm):
    """Reject one sign-on, with the reason."""

    reason = TextAreaField("Reason for rejecting", validators=[DataRequired(), Length(max=2000)])


class WithdrawForm(NextForm):
    """Take a sign-on off the letter at the organization's request."""

    asked_on = DateField("Date the organization asked", validators=[DataRequired()])


class IncludeForm(NextForm):
    """Print a sign-on that has not re-confirmed since a material edit, with the reason."""

    reason = TextAreaField(
        "Why it may be printed without re-confirming",
        description="Recorded with your name, e.g. “agreed by phone on June 12”.",
        validators=[DataRequired(), Length(max=2000)],
    )


class MergeForm(NextForm):
    """Merge this sign-on into another one of the letter."""

    into = SelectField("Merge into", coerce=int, validators=[InputRequired()])


class RenameForm(NextForm):
    """Correct how the organization's name is displayed."""

    org_name = StringField(
        "Organization name as it should appear", validators=[DataRequired(), Length(max=300)]
    )


class BulkApproveForm(ReviewForm):
    """Approve confirmed sign-ons in one go; the filters travel as hidden fields."""

    scope = RadioField(
        "Approve",
        choices=[
            ("all", "every confirmed sign-on"),
            ("filtered", "the confirmed ones matching the filters"),
            ("selected", "the confirmed ones ticked below"),
        ],
        default="all",
        validators=[InputRequired()],
    )
    # The confirmation step: set by its page, with the counts it showed
    confirmed = HiddenField()
    expected = HiddenField()
    expected_flagged = HiddenField()


class ManualSignOnForm(ReviewForm):
    """A sign-on gathered by phone or on paper."""

    org_name = StringField("Organization name", validators=[DataRequired(), Length(max=300)])
    level = RadioField(
        "Level",
        choices=[(level.value, level.label) for level in Level],
        validators=[InputRequired(message="Choose national, state or local.")],
    )
    state = SelectField(
        "State",
        description="Required for state and local organizations.",
        choices=[("", "—"), *STATE_CHOICES],
        validators=[Optional(), Length(max=2)],
    )
    city = StringField("City", validators=[Optional(), Length(max=120)])
    website = StringField("Website", validators=[Optional(), Length(max=300)])
    signer_name = StringField("Signer's name", validators=[DataRequired(), Length(max=200)])
    signer_title = StringField("Signer's title", validators=[Optional(), Length(max=200)])
    signer_email = StringField(
        "Signer's email (optional: no email is sent)",
        validators=[Optional(), Length(max=254), Email()],
    )
    listed = BooleanField("List the organization by name", default=True)
    signed_on = DateField(
        "Date signed",
        description="The date on the paper, or of the call; it counts on that day.",
        default=local_today,
        validators=[Optional()],  # none given: today
    )
    comment = TextAreaField("Note (how it was gathered, …)", validators=[Length(max=2000)])
    approved = BooleanField("Approve at once (otherwise it waits for review as confirmed)")

    def validate_signed_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("The date signed cannot be in the future.")

    def validate_state(self, field):
        if self.level.data in (Level.STATE.value, Level.LOCAL.value) and not field.data:
            raise ValidationError("Choose the state for a state or local organization.")


class UploadForm(ReviewForm):
    """The CSV file to import."""

    file = FileField(
        "CSV file",
        description="UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab; up to 10 MB.",
    )


def mapping_form(headers: list[str], formdata=None, data: dict | None = None) -> FlaskForm:
    """A form with one column <select> per field (values are column names)."""

    class MappingForm(ReviewForm):
        approved = BooleanField("Approve the imported sign-ons at once")
        blank_listing = RadioField(
            "When the listing question was left blank",
            choices=[
                ("list", "List the organization by name (as the sign-on form does by default)"),
                ("count", "Count the organization without printing its name"),
            ],
            # not required: a POST without it takes the default, as the form shows it
            default="list",
        )

    choices = [("", "— not in the file —"), *[(h, h) for h in headers]]
    for name, label, _limit in FIELDS:
        setattr(MappingForm, name, SelectField(label, choices=choices, default=""))
    kwargs = {"data": data} if data else {}
    return (
        MappingForm(formdata=formdata, **kwargs) if formdata is not None else MappingForm(**kwargs)
    )


class VerifyForm(NextForm):
    """How, with whom and when a coordinator verified that the signer speaks for the
    organization."""

    method = RadioField(
        "How you verified it",
        choices=[(m.value, m.label) for m in Method],
        validators=[InputRequired(message="Choose how you verified it.")],
    )
    who = StringField(
        "With whom",
        description="A name and role, or the number you called.",
        validators=[DataRequired(message="Say with whom you verified it."), Length(max=300)],
    )
    verified_on = DateField(
        "On", default=local_today, validators=[DataRequired(message="Give the day.")]
    )
    notes = TextAreaField(
        "Notes",
        description="Required for “Other”: say how.",
        validators=[Optional(), Length(max=2000)],
    )
    remember_domain = BooleanField("Remember the signer's email domain as the organization's own")


class VerificationSettingsForm(NextForm):
    """A letter's verification settings."""

    requires_verification = BooleanField(
        "Require verification: an unverified sign-on cannot be approved"
    )
    marks_verified = BooleanField(
        "Mark verified organizations on the public page and the PDF (with a legend)"
    )
