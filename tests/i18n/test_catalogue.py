"""The Spanish catalogue is complete: every marked string is in it, and every string a
signer, an invitee or a letter's reader meets has its Spanish text.

When this fails: run `make translations`, then give each new public msgid its Spanish
msgstr in campaign/translations/es/LC_MESSAGES/messages.po (see README "Languages").
"""

from __future__ import annotations

from fnmatch import fnmatch

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from campaign.config import ROOT

PO = ROOT / "campaign" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}

# Where public words live: pages signers and invitees see, their mail, the printed letter.
# Their strings must be translated; staff pages' strings need only be in the catalogue.
PUBLIC_SOURCES = (
    "templates/base.html",
    "templates/public.html",
    "templates/signons/*",
    "templates/directory/unsubscribe.html",
    "templates/errors/*",
    "templates/macros/forms.html",
    "templates/macros/counts.html",
    "templates/macros/coalition.html",
    "templates/email/signon_*",
    "templates/email/_signature.txt",
    "templates/email/response_notice.txt",
    "campaign/directory/invitations.py",
    "templates/email/directory_invitation.txt",
    "templates/pdf/letter.html",
    "campaign/signons/*",
    "campaign/printing/*",
    "campaign/i18n/*",
    "campaign/core/states.py",
    "campaign/campaigns/coalition.py",
    "campaign/web.py",
)


def _extracted() -> dict[str, set[str]]:
    """Every marked msgid in the source, with the files it is in."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, set()).add(filename)
    return found


def _catalogue():
    with PO.open("rb") as fh:
        return read_po(fh, locale="es")


def _public(files: set[str]) -> bool:
    return any(fnmatch(f, pattern) for f in files for pattern in PUBLIC_SOURCES)


def test_every_marked_string_is_in_the_spanish_catalogue():
    catalogue = _catalogue()
    missing = sorted(
        f"{msgid!r} ({', '.join(sorted(files))})"
        for msgid, files in _extracted().items()
        if msgid not in catalogue
    )
    assert not missing, "run `make translations`; not in the catalogue:\n" + "\n".join(missing)


def test_every_public_string_has_its_spanish_text():
    catalogue = _catalogue()
    untranslated = []
    for msgid, files in _extracted().items():
        if not _public(files) or msgid not in catalogue:
            continue
        message = catalogue[msgid]
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(texts):
            untranslated.append(f"{msgid!r} ({', '.join(sorted(files))})")
    assert not untranslated, "no Spanish text yet:\n" + "\n".join(sorted(untranslated))


def test_placeholders_agree_between_english_and_spanish():
    # babel's checkers: a %(name)s in the msgid must be in the msgstr, and no other
    problems = [(message.id, [str(e) for e in errors]) for message, errors in _catalogue().check()]
    assert not problems
