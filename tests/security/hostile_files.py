"""A corpus of hostile files, built in memory, and what each kind of upload must say to them.

Each file is judged by the family of the endpoint that receives it:

- ``logo``: PNG or JPEG up to 1 MB (the public sign-on form, the letterhead)
- ``attachment``: PDF, PNG or JPEG up to 20 MB (evidence, responses)
- ``xlsx``: one of ICE's 287(g) workbooks, up to 20 MB
- ``csv``: a spreadsheet saved as CSV, up to 10 MB (sign-on and directory imports)

``refusals[family]`` is the message the answer must show; a family missing from it
accepts the file (a CSV import then reports row by row).
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import openpyxl
from PIL import Image

LOGO, ATTACHMENT, XLSX, CSV = "logo", "attachment", "xlsx", "csv"
EML = "eml"  # an agency's email saved as .eml (campaign.inbound)
FAMILIES = (LOGO, ATTACHMENT, XLSX, CSV, EML)
TOO_LARGE = "413"  # refused by the request size limit, before any view runs

MB = 1024 * 1024
NOT_IMAGE = "PNG or JPEG"
NOT_ATTACHMENT = "must be a PNG, JPEG or PDF file"
NOT_XLSX = "not an Excel workbook"
NOT_CSV = "not a CSV file"
NOT_EMAIL = "This is not an email"


@dataclass(frozen=True)
class HostileFile:
    """One file of the corpus: its name as uploaded, how to build it, what each family says."""

    key: str
    filename: str
    build: object  # () -> bytes (built lazily, cached: some are megabytes)
    refusals: dict[str, str] = field(default_factory=dict)
    report: str = ""  # what a CSV import's row-by-row report must say about it

    @property
    def data(self) -> bytes:
        return _built(self.key)


def _refusals(*, xlsx: str = NOT_XLSX, csv: str | None = None) -> dict[str, str]:
    """Refused as a logo and as an attachment; ``csv=None``: a CSV import accepts it."""
    out = {LOGO: NOT_IMAGE, ATTACHMENT: NOT_ATTACHMENT, XLSX: xlsx, EML: NOT_EMAIL}
    if csv is not None:
        out[CSV] = csv
    return out


# --- builders ------------------------------------------------------------------------


def png(size=(8, 8), color=(200, 30, 30)) -> bytes:
    """A real PNG image."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def noisy_png() -> bytes:
    """A real PNG big enough that cutting it in half leaves a damaged image."""
    img = Image.effect_noise((64, 64), 80).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def pdf(note: str = "") -> bytes:
    """A small PDF as the upload store recognises one (header, body, end marker)."""
    return f"%PDF-1.4\n% {note}\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".encode()


def png_bomb() -> bytes:
    """A PNG whose header declares 100,000 × 100,000 pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def ice_workbook(agency: str = "Arcadia Police Department") -> bytes:
    """The smallest workbook the importer reads as an ICE pending list."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"])
    ws.append(["FL", agency, "Municipal", "DeSoto", "Task Force Model"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _rebuild(
    *, sheet_parts=None, extra: dict[str, bytes] | None = None, lie_about: int | None = None
) -> bytes:
    """ice_workbook() with its sheet's XML replaced by ``sheet_parts`` (streamed in pieces,
    so a sheet of hundreds of megabytes never sits in memory).

    ``lie_about``: the zip directory declares the sheet this many bytes long, whatever
    it really inflates to.
    """
    source = zipfile.ZipFile(io.BytesIO(ice_workbook()))
    original = source.read(SHEET)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != SHEET or sheet_parts is None:
                archive.writestr(info.filename, source.read(info.filename))
                continue
            member = zipfile.ZipInfo(SHEET)
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w", force_zip64=False) as sheet:
                for part in sheet_parts(original):
                    sheet.write(part)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    data = out.getvalue()
    if lie_about is not None:
        data = _declare_size(data, SHEET, lie_about)
    return data


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory gives for ``name``."""
    buf = bytearray(data)
    needle = b"PK\x01\x02"
    at = buf.find(needle)
    while at != -1:
        name_len = struct.unpack_from("<H", buf, at + 28)[0]
        if bytes(buf[at + 46 : at + 46 + name_len]) == name.encode():
            struct.pack_into("<I", buf, at + 24, size)
            return bytes(buf)
        at = buf.find(needle, at + 4)
    raise AssertionError(f"{name} not in the archive")


def _filled(filler: bytes, count: int, *, prefix: bytes = b"", suffix: bytes = b""):
    """Sheet XML with prefix + ``filler`` × ``count`` + suffix just before </sheetData>."""

    def parts(original: bytes):
        head, sep, tail = original.partition(b"</sheetData>")
        yield head + prefix
        per_block = max(1, MB // len(filler))
        left = count
        while left > 0:
            take = min(left, per_block)
            yield filler * take
            left -= take
        yield suffix + sep + tail

    return parts


def zip_bomb_declared() -> bytes:
    """An honest bomb: the directory says the sheet unpacks to 256 MB, and it does."""
    return _rebuild(sheet_parts=_filled(b" ", 256 * MB))


def zip_bomb_lying() -> bytes:
    """A lying bomb: the directory says 1 KB, the sheet's stream inflates to 256 MB."""
    return _rebuild(sheet_parts=_filled(b" ", 256 * MB), lie_about=1024)


def rows_bomb() -> bytes:
    """Five million empty rows (30 MB of XML, a few kilobytes zipped)."""
    return _rebuild(sheet_parts=_filled(b"<row/>", 5_000_000))


def wide_row_bomb() -> bytes:
    """One row of five million empty cells."""
    return _rebuild(sheet_parts=_filled(b"<c/>", 5_000_000, prefix=b"<row>", suffix=b"</row>"))


def far_row() -> bytes:
    """One row numbered 1,000,000,000: a reader that fills the gap yields a billion rows."""

    def parts(original: bytes):
        row = b'<row r="1000000000"><c t="inlineStr"><is><t>FL</t></is></c></row>'
        yield original.replace(b"</sheetData>", row + b"</sheetData>")

    return _rebuild(sheet_parts=parts)


def hyperlink_bomb() -> bytes:
    """One hyperlink over A1:XFD1048576: a reader that expands it makes billions of cells."""
    link = (
        f'<hyperlinks><hyperlink xmlns:r="{_RELS_NS}" ref="A1:XFD1048576" r:id="rIdX"/>'
        "</hyperlinks>"
    ).encode()
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rIdX" Type="' + _RELS_NS + '/hyperlink" '
        'Target="http://evil.example/" TargetMode="External"/></Relationships>'
    ).encode()

    def parts(original: bytes):
        yield original.replace(b"</sheetData>", b"</sheetData>" + link)

    return _rebuild(sheet_parts=parts, extra={"xl/worksheets/_rels/sheet1.xml.rels": rels})


FORMULA_ROWS = [
    '=HYPERLINK("http://evil.example","click me")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    # a spreadsheet whose list separator is ";" (Spanish, French, German Excel) splits here
    "Semicolon Org;=1+1+cmd|' /C calc'!A0",
    "<script>alert('csv')</script>",
    '"><img src=x onerror=alert(1)>',
]


def formula_csv() -> bytes:
    """Organization names a spreadsheet would run as formulas, and HTML."""
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["Organization", "State", "Level", "Email"])
    for n, name in enumerate(FORMULA_ROWS, start=1):
        writer.writerow([name, "TX", "State", f"formula{n}@example.org"])
    return buf.getvalue().encode("utf-8")


def _csv_text(rows: list[list[str]]) -> str:
    return "\r\n".join(",".join(row) for row in [["Organization", "State"], *rows]) + "\r\n"


def csv_rows_bomb() -> bytes:
    """A million short rows (4 MB): under the size limit, far past any coalition's list."""
    return b"Organization,State\r\n" + b"a,b\r\n" * 1_000_000


def over(limit: int) -> bytes:
    """A PDF-looking file one kilobyte past ``limit`` bytes."""
    return b"%PDF-1.4\n" + b"0" * limit + b"\n" * 1024 + b"%%EOF\n"


HTML_AS_PDF = (
    b"<!doctype html><html><body>\n<script>alert('pdf')</script><p>Not a PDF</p></body></html>\n"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert('svg')</script></svg>"
)

CORPUS: list[HostileFile] = [
    HostileFile(
        "empty", "empty.pdf", lambda: b"",
        {LOGO: "The file is empty.", ATTACHMENT: "The file is empty.", XLSX: "The file is empty.",
         CSV: "The file is empty.", EML: "The file is empty."},
    ),
    HostileFile(
        "zip-bomb-declared", "bomb.xlsx", zip_bomb_declared,
        _refusals(xlsx="would unpack to more than", csv="ZIP archive"),
    ),
    HostileFile(
        "zip-bomb-lying", "bomb-lying.xlsx", zip_bomb_lying,
        _refusals(xlsx="damaged", csv="ZIP archive"),
    ),
    HostileFile(
        "xlsx-rows-bomb", "rows.xlsx", rows_bomb,
        _refusals(xlsx="more rows than", csv="ZIP archive"),
    ),
    HostileFile(
        "xlsx-wide-row-bomb", "wide.xlsx", wide_row_bomb,
        _refusals(xlsx="more cells than", csv="ZIP archive"),
    ),
    HostileFile(
        "xlsx-row-1e9", "far.xlsx", far_row,
        _refusals(xlsx="more rows than", csv="ZIP archive"),
    ),
    HostileFile(
        "xlsx-hyperlink-bomb", "links.xlsx", hyperlink_bomb,
        _refusals(xlsx="more cells than", csv="ZIP archive"),
    ),
    HostileFile(
        "xlsx-not-a-zip", "list.xlsx", lambda: bytes(range(256)) * 16,
        _refusals(csv=NOT_CSV),
    ),
    HostileFile(
        "pdf-plain-text", "report.pdf", lambda: b"This is not a PDF.\r\nIt is plain text.\r\n",
        _refusals(),  # to a CSV import it is a one-column CSV
    ),
    HostileFile(
        "pdf-cut-short", "report.pdf", lambda: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
        _refusals(csv="a PDF document"),
    ),
    HostileFile(
        "html-named-pdf", "report.pdf", lambda: HTML_AS_PDF,
        _refusals(),  # a CSV import reads it as text, shown escaped
    ),
    HostileFile(
        "text-named-png", "logo.png", lambda: b"this is not an image",
        _refusals(csv="no rows of data"),
    ),
    HostileFile(
        "jpeg-magic-only", "photo.jpg", lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 200,
        _refusals(csv="a JPEG image"),
    ),
    HostileFile(
        "png-truncated", "logo.png", lambda: noisy_png()[: len(noisy_png()) // 2],
        _refusals(csv="a PNG image"),
    ),
    HostileFile(
        "png-pixel-bomb", "logo.png", png_bomb,
        _refusals(csv="a PNG image"),
    ),
    HostileFile(
        "svg-script-named-png", "logo.png", lambda: SVG,
        _refusals(csv="no rows of data"),
    ),
    HostileFile(
        "over-field-limits", "huge.pdf", lambda: over(20 * MB),
        {LOGO: "larger than 1 MB", ATTACHMENT: "larger than 20 MB", XLSX: "larger than 20 MB",
         CSV: "larger than 10 MB", EML: NOT_EMAIL},
    ),
    HostileFile(
        "over-request-limit", "huge.pdf", lambda: over(25 * MB),
        dict.fromkeys(FAMILIES, TOO_LARGE),
    ),
    HostileFile("csv-formulas", "signons.csv", formula_csv, _refusals()),
    HostileFile(
        "csv-invalid-utf8", "latin.csv",
        lambda: _csv_text([["Caf\xe9 Org", "TX"]]).encode("latin-1") + b"\xff\x81 Org,TX\r\n",
        _refusals(), report="Café Org",
    ),
    HostileFile(
        "csv-utf16", "utf16.csv", lambda: _csv_text([["Défense Org", "TX"]]).encode("utf-16"),
        _refusals(), report="Défense Org",
    ),
    HostileFile(
        "csv-utf16-no-bom", "utf16.csv",
        lambda: _csv_text([["Défense Org", "TX"]]).encode("utf-16-le"),
        _refusals(), report="Défense Org",
    ),
    HostileFile(
        "csv-nul-bytes", "nul.csv",
        lambda: b"Organization,State\r\nNul\x00Org,TX\r\nOther\x00\x00Org,TX\r\n",
        _refusals(csv=NOT_CSV),
    ),
    HostileFile(
        "csv-nul-late", "nul.csv",
        lambda: _csv_text([[f"Org {n}", "TX"] for n in range(8000)]).encode() + b"N\x00,TX\r\n",
        _refusals(csv=NOT_CSV),  # past the first 64 KB, where the check used to stop
    ),
    HostileFile(
        "csv-100k-cell", "long.csv", lambda: _csv_text([["x" * 100_000, "TX"]]).encode(),
        _refusals(), report="Organization name: longer than 300 characters.",
    ),
    HostileFile(
        "csv-rows-bomb", "rows.csv", csv_rows_bomb,
        _refusals(csv="more than 20,000 rows"),
    ),
]  # fmt: skip

BY_KEY = {f.key: f for f in CORPUS}

# Hostile names, each sent with a file every endpoint accepts.
NAMES = [
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "nul\x00byte.png",
    "\u202egpj.exe",
    "<script>alert('name')</script>.pdf",
    "a" * 1000 + ".pdf",
]
# What no stored or shown file name may contain.
NAME_POISON = ("/", "\\", "\x00", "\u202e", "<script>", "a" * 300)


@functools.cache
def _built(key: str) -> bytes:
    return BY_KEY[key].build()


def valid_file(family: str, n: int) -> bytes:
    """A file the family accepts, different for each ``n`` (no "already attached")."""
    if family == LOGO:
        return png(color=(n % 256, 80, 160))
    if family == ATTACHMENT:
        return pdf(f"valid {n}")
    if family == XLSX:
        return ice_workbook(f"Hostile Name Police Department {n}")
    if family == EML:
        return (
            f"From: Records Office <records{n}@sheriff.example.gov>\r\n"
            f"Subject: Re: our demand ({n})\r\nDate: Mon, 30 Nov 2026 10:00:00 -0500\r\n"
            f"Message-ID: <valid.{n}@sheriff.example.gov>\r\n\r\nWe received it ({n}).\r\n"
        ).encode()
    return _csv_text([[f"Hostile Name Org {n}", "TX"]]).encode()
