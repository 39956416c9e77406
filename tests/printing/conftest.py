"""Letters to render and tools to read the PDFs back (poppler's pdftotext and pdfinfo)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from campaign.config import ROOT
from campaign.printing.snapshot import LetterSnapshot, Signatory
from campaign.uploads.store import UploadStore

STATIC = ROOT / "static"
INJECTION = '<script>alert("x")</script><img src="https://example.com/x.png">'
LONG = ("Long Name Coalition " + "Advocates for Justice and Fairness " * 6)[:199] + "Z"
CJK = "华人移民权益联盟"
ARABIC = "جمعية الحقوق المدنية"
HEBREW = "ארגון זכויות המהגרים"

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdfinfo"),
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)


def has_cjk_font() -> bool:
    """True when fontconfig knows a font with Chinese glyphs."""
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


def signatories() -> list[Signatory]:
    """A list exercising every rule: levels, states whose codes and names sort differently,
    a territory, names with "The", accents, curly quotes, ampersands, other scripts."""
    rows = [
        ("The Zeta National Fund", "national", "NY", ""),
        ("Alpha National Network", "national", "", ""),
        ("Écoute National Alliance", "national", "DC", ""),
        ("Iowa Justice Center", "state", "IA", ""),
        ("Idaho Dignity Project", "state", "ID", "Boise"),
        ("Idaho Falls Workers", "local", "ID", "Idaho Falls"),
        ("Nebraska Appleseed Friends", "state", "NE", ""),
        ("The New York Immigration Table", "state", "NY", ""),
        ("Brooklyn Défense Committee", "local", "NY", "Brooklyn"),
        ("Guam Human Rights Circle", "local", "GU", "Hagåtña"),
        ("Georgia Latino Alliance", "state", "GA", ""),
        ("Comité “Unidos” & Amigos", "local", "CA", "San José"),
        ("California Rapid Response", "state", "CA", ""),
        ("Öffentliche Hilfe Verein", "local", "CA", "Oakland"),
        (INJECTION, "local", "TX", "Austin"),
        (LONG, "local", "TX", "El Paso"),
        ("Texas Civil Rights Fund", "state", "TX", ""),
        (CJK, "local", "CA", "San Francisco"),
        (ARABIC, "local", "MI", "Dearborn"),
        (HEBREW, "local", "IL", "Skokie"),
    ]
    out = [Signatory(name=n, level=lv, state=st, city=c) for n, lv, st, c in rows]
    out += [
        Signatory(name="Hidden Donor Network", level="national", state="WA", listed=False),
        Signatory(name="Quiet Local Group", level="local", state="VT", listed=False),
    ]
    return out


# The second paragraph is long enough to push its footnote reference onto page 2.
FILLER = " ".join(["The program has grown year after year across the country."] * 110)
BODY = f"""Dear Secretary,

We write to urge you to end the 287(g) program.[^one] Communities say “enough” & more.

{FILLER} Late reference here.[^two]

[^one]: First note about ICE agreements, May 2026.
[^two]: Second note on the later page.
"""


def make_snapshot(**overrides) -> LetterSnapshot:
    """The test letter; ``overrides`` set any field."""
    fields = {
        "title": "Re: Ending the 287(g) program",
        "sender": "End 287(g) Coalition",
        "date": date(2026, 5, 18),
        "addressees": "The Honorable Secretary\nU.S. Department of Homeland Security",
        "body_markdown": BODY,
        "closing": "Sincerely,\nThe undersigned",
        "signatories": tuple(signatories()),
    }
    fields.update(overrides)
    return LetterSnapshot(**fields)


def pdftotext(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The PDF's text; pages separated by form feeds."""
    path = tmp_path / f"letter-{len(pdf)}.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def page_count(pdf: bytes, tmp_path: Path) -> int:
    """Pages per pdfinfo."""
    path = tmp_path / f"info-{len(pdf)}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def squash(text: str) -> str:
    """Text without any whitespace, so names wrapped over lines still match."""
    return re.sub(r"\s+", "", text)


def png_bytes(color: str = "red", size=(40, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def upload_store(tmp_path) -> UploadStore:
    return UploadStore(tmp_path / "uploads")


def words(pdf: bytes, tmp_path: Path) -> list[dict]:
    """Every word with its page (1-based) and box, from ``pdftotext -bbox``."""
    import html

    path = tmp_path / f"bbox-{len(pdf)}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    result = []
    for number, page in enumerate(re.split(r"<page ", out)[1:], start=1):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            result.append(
                {
                    "page": number,
                    "x": x0,
                    "y": y0,
                    "x1": x1,
                    "y1": y1,
                    "h": height,
                    "text": html.unescape(m.group(5)),
                }
            )
    return result


# Page geometry of static/pdf/letter.css: US Letter, 2.2 cm side margins, 14 pt column gap.
PAGE_WIDTH, MARGIN, GAP = 612.0, 2.2 / 2.54 * 72, 14.0


def reading_order(pdf: bytes, tmp_path: Path, columns: int, start: str = "Signed") -> str:
    """The list's text in column reading order (page by page, column by column, top to
    bottom), without whitespace: what a reader of the printed list sees, in order.

    Everything down to the line holding the word ``start`` (the list heading) is read
    line by line; the footer is left out. Use a letter without footnotes.
    """
    width = (PAGE_WIDTH - 2 * MARGIN - GAP * (columns - 1)) / columns
    found = [w for w in words(pdf, tmp_path) if w["y"] < w["h"] - MARGIN]  # no footer
    head = next(w for w in found if w["text"] == start)

    def key(w):
        if (w["page"], w["y"]) <= (head["page"], head["y"] + 2):
            return (w["page"], 0, 0, w["y"], w["x"])
        column = min(columns - 1, max(0, int((w["x"] - MARGIN + GAP / 2) // (width + GAP))))
        return (w["page"], 1, column, w["y"], w["x"])

    return "".join(w["text"] for w in sorted(found, key=key))
