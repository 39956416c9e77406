"""The words a letter prints in its language(s): "en", "es", or "both" (the English text,
then the Spanish one, then one list whose headings say both)."""

from __future__ import annotations

from dataclasses import replace

from campaign.i18n import force_locale
from campaign.printing.grouping import Group, SignatoryList, printed_list
from campaign.printing.snapshot import LetterSnapshot


def words_language(snapshot: LetterSnapshot) -> str:
    """The language of the page's own words (a bilingual letter's are English first)."""
    return "es" if snapshot.language == "es" else "en"


def _both(first: str, second: str) -> str:
    return first if first == second else f"{first} / {second}"


def list_in_languages(snapshot: LetterSnapshot) -> SignatoryList:
    """The printed list: in the letter's language, or, for both, grouped and ordered as in
    English with each heading and count in English and Spanish ("New Mexico / Nuevo México")."""
    if snapshot.language != "both":
        with force_locale(words_language(snapshot)):
            return printed_list(snapshot)
    # each list's lines are written in the language current when they are read: read here
    with force_locale("en"):
        english = printed_list(snapshot)
        english_lines = (english.heading, english.counts_line, english.unlisted_note)
    with force_locale("es"):
        spanish = printed_list(snapshot)
        spanish_lines = (spanish.heading, spanish.counts_line, spanish.unlisted_note)
    # the same names fall in the same groups: a group is known by its first entry
    spanish_heading = {g.entries[0]: g.heading for g in spanish.groups if g.entries}
    groups = tuple(
        Group(_both(g.heading, spanish_heading.get(g.entries[0], g.heading)), g.entries)
        if g.entries
        else g
        for g in english.groups
    )
    return replace(
        english,
        heading=_both(english_lines[0], spanish_lines[0]),
        groups=groups,
        fixed_counts=_both(english_lines[1], spanish_lines[1]),
        fixed_note=_both(english_lines[2], spanish_lines[2]) if english.unlisted else "",
    )
