"""Slugs people can read aloud and type."""

import pytest

from campaign.core.text import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("End ICE's 287(g) agreements now", "end-ices-287g-agreements-now"),
        ("End ICE’s 287(g) agreements now", "end-ices-287g-agreements-now"),  # curly apostrophe
        ("End 287(g)", "end-287g"),
        ("U.S. Department of Homeland Security", "us-department-of-homeland-security"),
        ("Faith & Justice", "faith-and-justice"),
        ("Élan Vital — Texas", "elan-vital-texas"),
        ("!!!", "item"),
    ],
)
def test_slugs_keep_words_whole(title, slug):
    assert slugify(title) == slug


def test_a_long_title_is_cut_at_a_word_end():
    slug = slugify("End the 287(g) program in every county of the great state of Texas now")
    assert slug == "end-the-287g-program-in-every-county-of-the-great-state-of"
    assert len(slug) <= 60
    assert slugify("x" * 80) == "x" * 60  # one long word: cut where it must
