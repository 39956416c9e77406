"""Reading CSV files people export from spreadsheets, and writing ones Excel opens well.

Reading: the encoding is detected (a BOM says UTF-8 or UTF-16; NUL bytes suggest
UTF-16 without one; otherwise strict UTF-8, else Windows-1252), the delimiter is
sniffed among comma, semicolon and tab, and anything that is not text is refused.
Writing: UTF-8 with a BOM, and cells that a spreadsheet would run as a formula
get a leading apostrophe (also after a ";", where some spreadsheets split a cell).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from campaign.core.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
# Rows with something in them. A coalition's list has hundreds or a few thousand; ten
# megabytes of short rows are millions, and checking each one costs about 80 µs.
MAX_ROWS = 20_000
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

# Files people pick by mistake, told apart by their first bytes.
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one: save it as CSV first)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel or Word file (save it as CSV first)"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
]


class CsvError(DomainError):
    """The file cannot be imported as CSV; the message says why."""


@dataclass
class CsvFile:
    """A decoded CSV: its column names and its non-empty rows (each as long as the header)."""

    headers: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str

    @property
    def delimiter_name(self) -> str:
        return _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in; CsvError if it is not text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise CsvError(f"This is {what}, not a CSV file.")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8-sig"), "UTF-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16"), "UTF-16"
    elif _looks_like_utf16(data[:4096]):
        # UTF-16 without a BOM: ASCII characters leave a NUL beside every byte.
        sample = data[:4096]
        odd = sample[1::2].count(0)
        even = sample[0::2].count(0)
        codec = "utf-16-le" if odd >= even else "utf-16-be"
        text, encoding = _strict(data[: len(data) - len(data) % 2], codec), "UTF-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            # The five bytes Windows-1252 leaves undefined become U+FFFD, not a refusal.
            text, encoding = data.decode("cp1252", errors="replace"), "Windows-1252"
    _check_text(text)
    return text, encoding


def _looks_like_utf16(sample: bytes) -> bool:
    # Half the bytes of one parity at least: a stray NUL in UTF-8 text is not UTF-16
    # (decoded as such it became one garbled row: "no rows of data").
    return max(sample[1::2].count(0), sample[0::2].count(0)) >= max(1, len(sample) // 4)


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise CsvError("This file is not a CSV file: it is not readable text.")


def _check_text(text: str) -> None:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    # NUL anywhere, not only in the sample: PostgreSQL refuses it in every text column
    if "\x00" in text or controls > max(2, len(sample) // 100):
        raise CsvError("This file is not a CSV file: it holds binary data, not text.")


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever splits the first lines into the most columns,
    the same number on most lines."""
    sample = text[:65536]
    best, best_score = ",", (False, 0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 50))
        except csv.Error:
            continue
        rows = [r for r in rows if any(cell.strip() for cell in r)]
        if not rows:
            continue
        width = len(rows[0])
        score = (width > 1, sum(1 for r in rows if len(r) == width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _headers(raw: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, cell in enumerate(raw):
        name = " ".join(cell.split()) or f"Column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def read_csv(data: bytes) -> CsvFile:
    """Decode, sniff and parse an uploaded file; CsvError with a clear message if unusable."""
    if not data:
        raise CsvError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise CsvError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells = [cell.strip() for cell in row]
            if any(cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:  # the header and MAX_ROWS rows of data
                raise CsvError(
                    f"The file has more than {MAX_ROWS:,} rows: split it into smaller files."
                )
    except csv.Error as err:
        raise CsvError(f"The file could not be read as CSV ({err}).")
    if not rows:
        raise CsvError("The file has no rows.")
    headers = _headers(rows[0])
    body = [(row + [""] * len(headers))[: len(headers)] for row in rows[1:]]
    if not body:
        raise CsvError("The file has a header row but no rows of data.")
    return CsvFile(headers=headers, rows=body, encoding=encoding, delimiter=delimiter)


# --- writing -------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)
# Rows written between two chunks of a streamed file: about 20-60 KB each.
CHUNK_ROWS = 200
# A spreadsheet whose list separator is ";" (Spanish, French, German Excel) splits a
# comma-separated file at every ";": what follows one must not start a formula either.
_SPLIT_FORMULA = re.compile(r";(?=[\s\"]*[=+\-@])")


def neutralise(value: object) -> str:
    """A cell as text, with a leading apostrophe if a spreadsheet would run it as a formula
    (and one after any ";" that a spreadsheet might split the cell at).

    Runs for every cell of a 100,000-row export: the common cases are tested first.
    """
    text = value if type(value) is str else "" if value is None else str(value)
    if ";" in text:
        text = _SPLIT_FORMULA.sub(";'", text)
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def _safe_row(row: Iterable[object]) -> list[str]:
    return [neutralise(value) for value in row]


def stream_csv(
    header: list[str], rows: Iterable[Iterable[object]], *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[bytes]:
    """The CSV as a series of byte chunks, the header first (before ``rows`` is read from).

    UTF-8 with a BOM (Excel then reads accents right), CRLF line ends, cells neutralised.
    Only one chunk is held in memory at a time.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(_safe_row(header))
    yield codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")
    buf.seek(0)
    buf.truncate()
    pending = 0
    for row in rows:
        writer.writerow(_safe_row(row))
        pending += 1
        if pending == chunk_rows:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
            pending = 0
    if pending:
        yield buf.getvalue().encode("utf-8")


def write_csv(header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    """The whole CSV as bytes (see ``stream_csv``), for small files."""
    return b"".join(stream_csv(header, rows))
