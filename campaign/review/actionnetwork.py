"""Action Network's CSV exports (a petition's, letter's or form's signers), through the
same import as any sign-on file, with a preset mapping.

Their columns: ``first_name``, ``last_name``, ``email``, ``zip_code``, the address and
phone as ``can2_…`` columns (``can2_state_abbreviated``, ``can2_user_city``,
``can2_phone``…), then the form's own questions under the names the organizer gave them
("Organization", "Title"). A signer's name is two columns there and one here: the file is
given a ``full_name`` column (first and last name) when it is uploaded, then mapped like
any other; the form's own questions are guessed as for any file.
"""

from __future__ import annotations

import csv
import io

from campaign.review.csvio import CsvError, read_csv

FULL_NAME = "full_name"

# field → the first of these columns the file has
PRESET: dict[str, tuple[str, ...]] = {
    "signer_email": ("email",),
    "signer_name": (FULL_NAME,),
    "state": ("can2_state_abbreviated", "state"),
    "city": ("can2_user_city", "city"),
    "signed_at": ("timestamp", "created_date", "created_at", "date"),
}


def is_export(headers: list[str]) -> bool:
    """The columns of an Action Network export."""
    names = {h.strip().lower() for h in headers}
    return {"first_name", "last_name", "email"} <= names and (
        "zip_code" in names or any(n.startswith("can2_") for n in names)
    )


def prepare(data: bytes) -> bytes:
    """An Action Network export with a ``full_name`` column added; any other file as is
    (as is a file that fails to read: the upload reports why)."""
    try:
        csvfile = read_csv(data)
    except CsvError:
        return data
    headers = csvfile.headers
    if not is_export(headers) or FULL_NAME in headers:
        return data
    lower = [h.strip().lower() for h in headers]
    first, last = lower.index("first_name"), lower.index("last_name")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*headers, FULL_NAME])
    for row in csvfile.rows:
        writer.writerow([*row, " ".join(f"{row[first]} {row[last]}".split())])
    return out.getvalue().encode("utf-8")


def preset_mapping(headers: list[str]) -> dict[str, str]:
    """Field → column for the columns every Action Network export has; {} for other files."""
    if not is_export(headers):
        return {}
    by_lower = {h.strip().lower(): h for h in headers}
    mapping = {}
    for field, names in PRESET.items():
        found = next((by_lower[n] for n in names if n in by_lower), None)
        if found is not None:
            mapping[field] = found
    return mapping
