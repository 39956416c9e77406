"""The same letter as a Word document (python-docx), for coalitions that finish letters in Word.

Footnotes are real Word footnotes at the foot of their page: python-docx has no API for
them, so the footnotes part (word/footnotes.xml) is built here as XML and related to the
document, and each first call of a note is a ``w:footnoteReference``. The list sits in a
continuous section with 2 or 3 columns; the footer carries "Page X of Y" as Word fields.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, time

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from markdown_it.token import Token

from campaign.printing.grouping import build_list, name_key
from campaign.printing.markup import parser, split_footnotes
from campaign.printing.pdf import long_date
from campaign.printing.snapshot import LetterSnapshot
from campaign.uploads.store import UploadStore, sniff

_GREY = RGBColor(0x44, 0x44, 0x44)


# Characters XML 1.0 cannot hold; lxml refuses them, so a pasted control character in a
# name would otherwise break the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(snapshot: LetterSnapshot) -> LetterSnapshot:
    def clean(text: str) -> str:
        return _NOT_XML.sub("", text or "")

    return replace(
        snapshot,
        title=clean(snapshot.title),
        sender=clean(snapshot.sender),
        letterhead=clean(snapshot.letterhead),
        contact=clean(snapshot.contact),
        addressees=clean(snapshot.addressees),
        body_markdown=clean(snapshot.body_markdown),
        closing=clean(snapshot.closing),
        list_heading=clean(snapshot.list_heading),
        signatories=tuple(
            replace(s, name=clean(s.name) or "?", city=clean(s.city)) for s in snapshot.signatories
        ),
    )


def render_docx(snapshot: LetterSnapshot, *, upload_store: UploadStore | None) -> bytes:
    """The letter and its signatory list as .docx bytes."""
    snapshot = _xml_safe(snapshot)
    doc = Document()
    _setup(doc, snapshot)
    _letterhead(doc, snapshot, upload_store)
    doc.add_paragraph(long_date(snapshot.date))
    if not snapshot.list_only:
        _lines(doc.add_paragraph(), snapshot.addressees)
        doc.add_paragraph().add_run(snapshot.title).bold = True
        notes = _body(doc, snapshot.body_markdown)
        _lines(doc.add_paragraph(), snapshot.closing)
        _signature(doc, snapshot)
        if notes:
            _footnotes(doc, notes)
    else:
        doc.add_paragraph().add_run(snapshot.title).bold = True
    _signatories(doc, snapshot)
    if snapshot.include_logo_page:
        _logo_page(doc, snapshot, upload_store)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _setup(doc, snapshot: LetterSnapshot) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # US Letter
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    props = doc.core_properties
    props.title = snapshot.title
    props.author = snapshot.sender
    props.last_modified_by = snapshot.sender
    # the letter's own date, not the time of rendering
    stamp = datetime.combine(snapshot.date, time(12, 0))
    props.created = props.modified = stamp
    props.revision = 1

    entry = doc.styles.add_style("Signatory", WD_STYLE_TYPE.PARAGRAPH)
    entry.base_style = normal
    entry.font.size = Pt(9)
    fmt = entry.paragraph_format
    fmt.left_indent, fmt.first_line_indent = Pt(12), Pt(-12)  # hanging indent
    fmt.space_after, fmt.space_before = Pt(1.5), Pt(0)
    fmt.keep_together = True
    group = doc.styles.add_style("Signatory Group", WD_STYLE_TYPE.PARAGRAPH)
    group.base_style = normal
    group.font.size, group.font.bold = Pt(9.5), True
    group.font.all_caps = True
    group.paragraph_format.space_before, group.paragraph_format.space_after = Pt(8), Pt(3)
    group.paragraph_format.keep_with_next = True  # never a heading alone at a column's foot
    _page_x_of_y(section.footer.paragraphs[0])


def _field(paragraph, instruction: str) -> None:
    # a simple field (PAGE, NUMPAGES) that Word fills in when it lays the document out
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _page_x_of_y(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(8.5)


def _stored_image(sha256: str | None, store: UploadStore | None) -> bytes | None:
    if not sha256 or store is None or not store.exists(sha256):
        return None
    data = store.read(sha256)
    return data if sniff(data) in ("png", "jpeg") else None


def _letterhead(doc, snapshot: LetterSnapshot, store: UploadStore | None) -> None:
    logo = _stored_image(snapshot.logo_sha256, store)
    if logo:
        doc.add_picture(io.BytesIO(logo), height=Cm(2))
    p = doc.add_paragraph()
    run = p.add_run(snapshot.letterhead_name)
    run.bold = True
    run.font.size = Pt(15)
    if snapshot.contact:
        p.add_run().add_break()
        contact = p.add_run(snapshot.contact)
        contact.font.size, contact.font.color.rgb = Pt(9), _GREY
    p.paragraph_format.space_after = Pt(14)


def _lines(paragraph, text: str) -> None:
    """Plain text with its line breaks kept."""
    for i, line in enumerate((text or "").splitlines()):
        if i:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _body(doc, markdown: str) -> list[list[Token]]:
    """Add the Markdown body; returns the footnotes in number order."""
    md = parser()
    tokens = md.parse(markdown or "", {})
    body, notes = split_footnotes(tokens)
    used: list[int] = []
    lists: list[str] = []
    quote = 0
    heading = False
    for tok in body:
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append("List Bullet" if kind == "bullet_list_open" else "List Number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in ("heading_open", "heading_close"):
            heading = kind == "heading_open"
        elif kind == "inline":
            p = doc.add_paragraph(style=lists[-1] if lists else None)
            if quote:
                p.paragraph_format.left_indent = Cm(1 * quote)
            if heading:
                p.paragraph_format.keep_with_next = True
            _inline(p, tok.children or [], used, bold=heading, references=True)
        elif kind in ("fence", "code_block"):
            run = doc.add_paragraph().add_run(tok.content.rstrip("\n"))
            run.font.name = "Courier New"
    return [notes.get(i, []) for i in used]


def _inline(
    paragraph,
    children: list[Token],
    used: list[int],
    *,
    bold: bool = False,
    references: bool = False,
) -> None:
    """Inline Markdown as runs. ``references``: a note's first call is a Word footnote
    reference (numbered by Word in the order of the calls, as ``used`` is); a repeated
    call, or a call inside a note, is its number in superscript."""
    state = {"bold": bold, "italic": False, "strike": False}
    href = None
    link_text: list[str] = []

    def add(text: str, **extra):
        run = paragraph.add_run(text)
        run.bold = state["bold"] or None
        run.italic = state["italic"] or None
        if state["strike"]:
            run.font.strike = True
        for key, value in extra.items():
            setattr(run.font, key, value)
        return run

    for tok in children:
        kind = tok.type
        if kind == "text":
            add(tok.content)
            if href is not None:
                link_text.append(tok.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind in ("strong_open", "strong_close"):
            state["bold"] = kind == "strong_open" or bold
        elif kind in ("em_open", "em_close"):
            state["italic"] = kind == "em_open"
        elif kind in ("s_open", "s_close"):
            state["strike"] = kind == "s_open"
        elif kind == "code_inline":
            add(tok.content, name="Courier New")
        elif kind == "link_open":
            href, link_text = str(tok.attrs.get("href", "")), []
        elif kind == "link_close":
            # on paper a link is only useful with its address
            if href and href not in ("".join(link_text), f"mailto:{''.join(link_text)}"):
                add(f" ({href})")
            href = None
        elif kind == "footnote_ref":
            ident = tok.meta["id"]
            if references and ident not in used:
                used.append(ident)
                _reference(paragraph, "w:footnoteReference", id=str(len(used)))
                continue
            if ident not in used:
                used.append(ident)
            add(str(used.index(ident) + 1), superscript=True)


_FOOTNOTES_URI = "/word/footnotes.xml"


def _reference(paragraph, tag: str, **attrs: str) -> None:
    """A superscript run holding a footnote reference (in the text) or mark (in the note)."""
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    align = OxmlElement("w:vertAlign")
    align.set(qn("w:val"), "superscript")
    props.append(align)
    run.append(props)
    ref = OxmlElement(tag)
    for name, value in attrs.items():
        ref.set(qn(f"w:{name}"), value)
    run.append(ref)
    paragraph._p.append(run)


def _footnotes(doc, notes: list[list[Token]]) -> None:
    """word/footnotes.xml: Word's two separators (ids -1 and 0), then note n under id n,
    the id its ``w:footnoteReference`` in the text carries."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.text.paragraph import Paragraph

    root = parse_xml(
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
        "<w:r><w:separator/></w:r></w:p></w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
        '<w:spacing w:after="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    nested: list[int] = []
    for number, note in enumerate(notes, start=1):
        footnote = OxmlElement("w:footnote")
        footnote.set(qn("w:id"), str(number))
        p = OxmlElement("w:p")
        footnote.append(p)
        root.append(footnote)
        paragraph = Paragraph(p, None)
        paragraph.paragraph_format.space_after = Pt(2)
        _reference(paragraph, "w:footnoteRef")
        paragraph.add_run(" ")
        for i, tok in enumerate(t for t in note if t.type == "inline"):
            if i:
                paragraph.add_run(" ")
            _inline(paragraph, tok.children or [], nested)
        for run in paragraph.runs:
            run.font.size = Pt(8.5)
    part = XmlPart(PackURI(_FOOTNOTES_URI), CT.WML_FOOTNOTES, root, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    # settings.xml names the separators as Word's own documents do; the schema puts
    # footnotePr just before compat
    settings = doc.settings.element
    properties = parse_xml(
        f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    )
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(properties)
    else:
        settings.append(properties)


def _signature(doc, snapshot: LetterSnapshot) -> None:
    """The signature block under the closing: the sender line (or the coalition)."""
    if not snapshot.sender:
        return
    p = doc.add_paragraph()
    p.paragraph_format.keep_together = True
    run = p.add_run(snapshot.sender)
    run.bold = True


def _signatories(doc, snapshot: LetterSnapshot) -> None:
    listing = build_list(
        snapshot.signatories,
        snapshot.grouping,
        heading=snapshot.list_heading,
        show_places=snapshot.show_places,
    )
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(18)
    p.paragraph_format.keep_with_next = True
    run = p.add_run(listing.heading)
    run.bold, run.font.size = True, Pt(12)
    if snapshot.list_heading and listing.organizations:
        doc.add_paragraph(listing.counts_line).paragraph_format.keep_with_next = True
    # the list in its own continuous section, so only it has columns
    section = doc.add_section(WD_SECTION.CONTINUOUS)
    cols = section._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        section._sectPr.append(cols)
    cols.set(qn("w:num"), str(snapshot.columns))
    cols.set(qn("w:space"), "280")
    # Style ids set directly: python-docx looks a style object up by scanning every style,
    # which made 10,000 names take 15 s.
    group_id = doc.styles["Signatory Group"].style_id
    entry_id = doc.styles["Signatory"].style_id
    for group in listing.groups:
        if group.heading:
            doc.add_paragraph(group.heading)._p.style = group_id
        for entry in group.entries:
            p = doc.add_paragraph(entry.name)
            p._p.style = entry_id
            if entry.place:
                p.add_run(f", {entry.place}").font.color.rgb = _GREY
    if listing.unlisted_note:
        doc.add_paragraph().add_run(listing.unlisted_note).italic = True
    if listing.verified_note:
        doc.add_paragraph().add_run(listing.verified_note).italic = True


def _logo_page(doc, snapshot: LetterSnapshot, store: UploadStore | None) -> None:
    logos = []
    for s in sorted(snapshot.signatories, key=lambda s: name_key(s.name)):
        data = _stored_image(s.logo_sha256, store) if s.listed else None
        if data:
            logos.append((s.name, data))
    if not logos:
        return
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    cols = section._sectPr.find(qn("w:cols"))
    if cols is not None:
        cols.set(qn("w:num"), "1")
    doc.add_paragraph().add_run("Signatory organizations").bold = True
    table = doc.add_table(rows=0, cols=3)
    for i, (name, data) in enumerate(logos):
        if i % 3 == 0:
            cells = table.add_row().cells
        cell = cells[i % 3]
        picture = cell.paragraphs[0]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(data), height=Cm(2))
        caption = cell.add_paragraph(name)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in caption.runs:
            run.font.size = Pt(8)
