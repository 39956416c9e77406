"""The CSV import's first steps: the fields a file can fill, the uploaded file kept
between steps (in ``csv_uploads``), and the column choices remembered for the whole
coalition (``csv_column_choices``)."""

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
from campaign.review import actionnetwork
from campaign.review.csvio import CsvError, read_csv
from campaign.review.guessing import guess_mapping
from campaign.review.models import CsvColumnChoice, CsvUpload
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
    ("keep_informed", "Keep me informed (yes/no)", 200),
    ("comment", "Comment", 2000),
    ("signed_at", "Signed at (timestamp)", 100),
]
FIELD_NAMES = [name for name, _label, _max in FIELDS]
UPLOAD_LIFETIME = timedelta(days=1)


def store_upload(
    session: Session, letter: Letter, data: bytes, *, filename: str, actor: User
) -> CsvUpload:
    """Check the file is a usable CSV and keep it for the mapping step (the same file
    uploaded again reuses its row). Uploads older than a day are cleared out."""
    data = actionnetwork.prepare(data)  # an Action Network export gains a full name column
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


def header_key(header: str) -> str:
    """The key a column name is remembered by: case, accents and spacing set aside."""
    return hashlib.sha256(fold(header).encode()).hexdigest()


def remembered_choices(session: Session, headers: list[str]) -> dict[str, str]:
    """Column name → the field it held when last imported anywhere in the coalition
    ("" for a column left out), for those of ``headers`` seen before; one query."""
    keys = {header_key(h): h for h in headers}
    rows = session.execute(
        sa.select(CsvColumnChoice.header_key, CsvColumnChoice.field).where(
            CsvColumnChoice.header_key.in_(list(keys))
        )
    )
    return {keys[key]: field for key, field in rows}


def remember_mapping(session: Session, headers: list[str], mapping: dict[str, str]) -> None:
    """Keep, for each column of the file, the field it was mapped to ("" when left out),
    for the next import in any campaign."""
    field_of = {header: name for name, header in mapping.items() if header}
    wanted = {header_key(h): h for h in headers}
    existing = {
        row.header_key: row
        for row in session.scalars(
            sa.select(CsvColumnChoice).where(CsvColumnChoice.header_key.in_(list(wanted)))
        )
    }
    now = utcnow()
    for key, header in wanted.items():
        row = existing.get(key)
        if row is None:
            row = CsvColumnChoice(header_key=key)
            session.add(row)
        row.header = header
        row.field = field_of.get(header, "")
        row.updated_at = now
    session.flush()


def initial_mapping(headers: list[str], remembered: dict[str, str]) -> dict[str, str]:
    """Field → column name: what the coalition chose for these columns before, and a
    guess (``review.guessing``) for the fields still open, from the other columns.

    A column a coordinator deliberately left out stays out rather than being guessed.
    """
    # an Action Network export's own columns are known (the form's questions are not)
    mapping: dict[str, str] = actionnetwork.preset_mapping(headers)
    preset = set(mapping.values())
    for header in headers:
        name = remembered.get(header)
        if name and name in FIELD_NAMES and name not in mapping and header not in preset:
            mapping[name] = header
    fresh = [h for h in headers if h not in remembered and h not in preset]
    open_fields = [name for name in FIELD_NAMES if name not in mapping]
    mapping.update(guess_mapping(fresh, open_fields))
    return mapping
