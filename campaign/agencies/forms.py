"""Agency forms: the ICE workbook upload and the agency list's filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from campaign.agencies.models import AgencyType, AgreementModel, AgreementStatus
from campaign.core.states import STATE_CHOICES


class ImportForm(FlaskForm):
    """Upload one of ICE's participating or pending workbooks."""

    file = FileField(
        "ICE workbook (.xlsx)",
        validators=[FileRequired("Choose the .xlsx file downloaded from ice.gov.")],
        description="The participating or the pending agencies list; the kind is read from "
        "its columns, not its name.",
    )
    as_of = DateField(
        "List date (optional)",
        validators=[Optional()],
        description="Leave empty to use the date the workbook was last saved.",
    )


class AgencyFilterForm(FlaskForm):
    """Filters of the agency list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name", validators=[Optional()])
    state = SelectField("State", choices=[("", "Any state"), *STATE_CHOICES], default="")
    model = SelectField(
        "Model",
        choices=[("", "Any model")] + [(m.value, m.label) for m in AgreementModel],
        default="",
    )
    status = SelectField(
        "Status",
        choices=[("", "Any status")] + [(s.value, s.label) for s in AgreementStatus],
        default="",
    )
    type = SelectField(
        "Type",
        choices=[("", "Any type")] + [(t.value, t.value.capitalize()) for t in AgencyType],
        default="",
    )
