"""Evidence and response attachments follow one set of rules (campaign/uploads/attachments.py)."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.evidence.models import EvidenceAttachment
from campaign.responses.models import ResponseAttachment
from campaign.uploads.attachments import (
    MAX_ATTACHMENT_BYTES,
    AttachmentMixin,
    Upload,
    read_required_upload,
    read_upload,
)
from tests.demands.factories import create_evidence_record
from tests.letters.factories import make_letter
from tests.responses.factories import make_response
from tests.security.hostile_files import pdf


class _Field:
    name = "attachment"

    def __init__(self, data):
        self.data = data


def test_reading_the_form_field():
    assert read_upload(_Field(None)) is None
    assert read_upload(_Field(FileStorage(io.BytesIO(b"x"), filename=""))) is None
    assert read_upload(_Field("text, not a file")) is None
    got = read_upload(_Field(FileStorage(io.BytesIO(b"%PDF-"), filename="a.pdf")))
    assert got == Upload(b"%PDF-", "a.pdf")
    huge = read_upload(_Field(FileStorage(io.BytesIO(b"0" * (MAX_ATTACHMENT_BYTES + 50)), "b")))
    assert len(huge.data) == MAX_ATTACHMENT_BYTES + 1  # enough to refuse, no more
    with pytest.raises(DomainError, match="Choose a file") as err:
        read_required_upload(_Field(None))
    assert err.value.field == "attachment"


@pytest.mark.parametrize("model", [EvidenceAttachment, ResponseAttachment])
def test_both_attachment_tables_have_the_shared_columns(model):
    assert issubclass(model, AttachmentMixin)
    columns = model.__table__.c
    for name in ("sha256", "kind", "size", "original_name", "added_by_id", "created_at"):
        assert name in columns
    assert [fk.column.table.name for fk in columns.added_by_id.foreign_keys] == ["users"]


@pytest.fixture(params=["evidence", "response"])
def owner(request, session):
    """(URL of the attach route, model, the owner's key) for an evidence record or a response."""
    if request.param == "evidence":
        record = create_evidence_record(session)
        return f"/evidence/{record.id}", EvidenceAttachment, ("record_id", record.id)
    letter = make_letter(session)
    response = make_response(session, letter=letter)
    slug = session.get(Campaign, letter.campaign_id).slug
    return f"/campaigns/{slug}/responses/{response.id}", ResponseAttachment, (
        "response_id", response.id,
    )  # fmt: skip


def test_the_same_rules_on_both_attach_routes(login_as, session, owner):
    url, model, (key, owner_id) = owner
    c = login_as("member")
    count = sa.select(sa.func.count()).select_from(model)
    none = c.post(url + "/attachments", data={})
    assert none.status_code == 400 and "Choose a file." in none.get_data(as_text=True)
    first = c.post(url + "/attachments", data={"attachment": (io.BytesIO(pdf("a")), "../a.pdf")})
    assert first.status_code == 302
    again = c.post(url + "/attachments", data={"attachment": (io.BytesIO(pdf("a")), "b.pdf")})
    assert again.status_code == 400 and "already attached" in again.get_data(as_text=True)
    assert session.scalar(count) == 1
    item = session.scalar(sa.select(model))
    assert (getattr(item, key), item.kind, item.original_name) == (owner_id, "pdf", "a.pdf")
    assert item.added_by_id == c.user.id and item.size == len(pdf("a"))
    served = c.get(f"{url}/attachments/{item.id}")
    assert served.status_code == 200 and served.data == pdf("a")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == "attachment; filename=a.pdf"
    viewed = c.get(f"{url}/attachments/{item.id}?view=1")
    assert viewed.headers["Content-Disposition"] == "inline; filename=a.pdf"
