"""A letter's text in a language: the Spanish one beside the English when it has it.

A letter is one letter whatever the language its signers read: one history of versions,
one list of signatories, one count. These helpers pick the words to show a reader.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "es")
# what the PDF prints: each text, or both followed by one list of signatories
PRINT_LANGUAGES = {"en": ("en",), "es": ("es",), "both": ("en", "es")}


def has_spanish(letter) -> bool:
    """Whether the letter has a Spanish text to show (a title and a body)."""
    return bool(getattr(letter, "title_es", "") and getattr(letter, "body_es", ""))


def title_in(letter, language: str) -> str:
    """The title a reader of ``language`` sees (the English one when there is no other)."""
    spanish = getattr(letter, "title_es", "")
    return spanish if language == "es" and spanish else letter.title


@dataclass(frozen=True)
class LetterText:
    """The words of a letter in one language, as a page or the PDF shows them."""

    language: str
    title: str
    addressees: str
    body: str
    closing: str
    sender: str


def text_in(letter, version, language: str) -> LetterText:
    """``letter`` as of ``version`` in ``language``; English where Spanish is missing."""
    if language == "es" and has_spanish(letter) and version.body_es:
        return LetterText(
            "es",
            letter.title_es,
            letter.addressees_es or letter.addressees,
            version.body_es,
            letter.closing_es or letter.closing,
            letter.sender_es or letter.sender,
        )
    return LetterText(
        "en", letter.title, letter.addressees, version.body, letter.closing, letter.sender
    )
