"""Properties of name normalisation: what de-duplication may and may not ignore."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from campaign.core.names import fold, org_key, sort_key

# Latin letters with and without accents, digits and spaces: what organization names are made of.
WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzáéíóúñçüàèâêîôûABCDEFGHXYZÉÑ0123456789"),
    min_size=1,
    max_size=12,
).filter(
    lambda w: (
        w.lower() not in {"the", "inc", "incorporated", "llc", "corp", "corporation", "ltd", "co"}
    )
)
NAME = st.lists(WORD, min_size=1, max_size=6).map(" ".join)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@given(NAME)
def test_case_and_accents_do_not_matter(name):
    assert org_key(name.upper()) == org_key(name.lower()) == org_key(strip_accents(name))


@given(
    NAME,
    st.sampled_from(["The ", "the ", "THE  "]),
    st.sampled_from(["", ", Inc.", " Inc", " LLC"]),
)
def test_leading_the_and_company_suffixes_do_not_matter(name, the, suffix):
    assert org_key(f"{the}{name}{suffix}") == org_key(name)


@given(
    st.lists(WORD, min_size=2, max_size=5),
    st.sampled_from([" ", "  ", " - ", ", ", ". ", "\u00a0"]),
)
def test_punctuation_and_spacing_between_words_do_not_matter(words, sep):
    assert org_key(sep.join(words)) == org_key(" ".join(words))


@given(NAME, NAME)
def test_different_words_give_different_keys(a, b):
    if strip_accents(a).casefold().split() != strip_accents(b).casefold().split():
        assert org_key(a) != org_key(b)


@given(st.text(max_size=300))
def test_any_text_gives_a_key_without_error(text):
    key = org_key(text)
    assert key == key.strip() and "  " not in key
    assert fold(text) == fold(fold(text))
    assert isinstance(sort_key(text), str)
