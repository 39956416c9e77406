"""Forms: a member's .eml upload, and the list of ingested mail's filter."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Form, SelectField
from wtforms.validators import Optional

from campaign.inbound.classify import KIND_LABELS


class EmailUploadForm(FlaskForm):
    """An agency's emailed answer, saved from the mail program as an .eml file."""

    eml = FileField(
        "The email (.eml file)",
        description="In most mail programs: open the message, then File › Save as (or "
        "“Download message”): the .eml keeps its headers, its text and its attachments.",
    )


class InboundFilterForm(Form):
    """Ingested mail by kind (a GET form)."""

    kind = SelectField(
        "Kind",
        choices=[("", "Any kind")] + [(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[Optional()],
    )
