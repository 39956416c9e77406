"""The CSV import's first steps: the fields a file can fill, the uploaded file kept
between steps (in ``csv_uploads``), and the column mapping remembered per campaign."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.core.names import fold
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.review.csvio import CsvError, read_csv
from campaign.review.models import CsvMapping, CsvUpload
from campaign.uploads.attachments import clean_filename

# (field, label, the longest value the model takes), in the order the form shows them.
FIELDS: list[tuple[str, str, int]] = [
    ("org_name", "Organization name", 300),
    ("level", "Level (national, state, local)", 100),
    ("state", "State", 100),
    ("city", "City", 120),
    ("website", "Website", 300),
    ("signer_name", "Signer's name", 200),
    ("signer_title", "Signer's title", 200),
    ("signer_email", "Signer's email", 254),
    ("listed", "List the name publicly (yes/no)", 200),
    ("comment", "Comment", 2000),
    ("created_at", "Signed at (timestamp)", 100),
]
FIELD_NAMES = [name for name, _label, _max in FIELDS]
UPLOAD_LIFETIME = timedelta(days=1)

# Words in a column name that say which field it holds, tried in this order so that
# "Level of your organization" is the level, not the organization's name.
_GUESSES: list[tuple[str, tuple[str, ...]]] = [
    ("created_at", ("timestamp", "submitted", "date")),
    ("signer_email", ("email", "e-mail", "correo")),
    ("listed", ("publicly", "list", "public", "display")),
    ("level", ("level", "scope", "type of organization")),
    ("state", ("state", "estado")),
    ("website", ("website", "web site", "url")),
    ("city", ("city", "town")),
    ("signer_title", ("title", "position", "role")),
    ("comment", ("comment", "note", "message")),
    ("org_name", ("organization", "organisation", "org name", "group", "organizacion")),
    ("signer_name", ("your name", "signer", "contact", "full name", "name")),
]


def store_upload(
    session: Session, letter: Letter, data: bytes, *, filename: str, actor: User
) -> CsvUpload:
    """Check the file is a usable CSV and keep it for the mapping step (the same file
    uploaded again reuses its row). Uploads older than a day are cleared out."""
    try:
        read_csv(data)
    except CsvError as err:
        raise DomainError(err.message, field="file")
    now = utcnow()
    session.execute(sa.delete(CsvUpload).where(CsvUpload.created_at < now - UPLOAD_LIFETIME))
    digest = hashlib.sha256(data).hexdigest()
    upload = session.scalar(
        sa.select(CsvUpload).where(CsvUpload.letter_id == letter.id, CsvUpload.sha256 == digest)
    )
    if upload is None:
        upload = CsvUpload(
            letter_id=letter.id,
            sha256=digest,
            filename=clean_filename(filename, default=""),
            size=len(data),
            data=data,
            created_by_id=actor.id,
        )
        session.add(upload)
    upload.created_at = now
    session.flush()
    return upload


def remembered_mapping(session: Session, campaign_id: int) -> dict[str, str]:
    """The last mapping used in this campaign (field → column name), or {}."""
    row = session.scalar(sa.select(CsvMapping).where(CsvMapping.campaign_id == campaign_id))
    return dict(row.columns) if row else {}


def remember_mapping(session: Session, campaign_id: int, mapping: dict[str, str]) -> None:
    """Keep this mapping for the next import in the campaign."""
    row = session.scalar(sa.select(CsvMapping).where(CsvMapping.campaign_id == campaign_id))
    if row is None:
        row = CsvMapping(campaign_id=campaign_id)
        session.add(row)
    # Unmapped fields are kept as "" so that the next file is not guessed back onto them.
    row.columns = {name: mapping.get(name) or "" for name in FIELD_NAMES}
    row.updated_at = utcnow()
    session.flush()


def initial_mapping(headers: list[str], remembered: dict[str, str]) -> dict[str, str]:
    """Field → column name: the remembered choice where the file has that column,
    otherwise a guess from the column names.

    When the remembered mapping fits the file (the same form again), a field the
    coordinator left unmapped stays unmapped rather than being guessed.
    """
    mapping: dict[str, str] = {}
    used: set[str] = set()
    fits = any(h and h in headers for h in remembered.values())
    left_out = set()
    for name in FIELD_NAMES:
        header = remembered.get(name)
        if header and header in headers:
            mapping[name] = header
            used.add(header)
        elif fits and name in remembered and not header:
            left_out.add(name)
    for name, words in _GUESSES:
        if name in mapping or name in left_out:
            continue
        for header in headers:
            folded = fold(header)
            if header not in used and any(w in folded for w in words):
                mapping[name] = header
                used.add(header)
                break
    return mapping
