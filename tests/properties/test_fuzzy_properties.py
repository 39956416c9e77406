"""The fast probable-duplicate search gives the answer of scoring every candidate."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.signons.fuzzy import THRESHOLD, probable_duplicate, similarity

WORDS = ["aclu", "american", "civil", "liberties", "union", "of", "texas", "the", "fund",
         "action", "immigrant", "rights", "coalition", "irc", "tx", "la", "raza", "center",
         "acl", "naacp", "national", "for", "advancement"]  # fmt: skip
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)


def brute_force(key: str, candidates: list[tuple[int, str]]) -> int | None:
    best_id, best_score = None, THRESHOLD
    for cand_id, cand_key in candidates:
        if cand_key == key:
            continue
        score = similarity(key, cand_key)
        if score >= best_score and (best_id is None or score > best_score):
            best_id, best_score = cand_id, score
    return best_id


@settings(max_examples=300)
@given(names, st.lists(names, max_size=40))
def test_same_answer_as_scoring_every_candidate(key, others):
    candidates = list(enumerate(others, start=1))
    assert probable_duplicate(key, candidates) == brute_force(key, candidates)


def test_acronyms_are_found_among_many_unrelated_names():
    unrelated = [(i, f"organization number {i} of texas") for i in range(1, 3000)]
    wanted = (5000, "american civil liberties union of texas")
    assert probable_duplicate("aclu of texas", [*unrelated, wanted]) == 5000
    assert probable_duplicate("aclu of texas", unrelated) is None


def test_an_acronym_among_the_candidates_is_found_from_the_long_name():
    unrelated = [(i, f"organization number {i} of texas") for i in range(1, 3000)]
    # the acronym is the first, a middle and the last name of the joined candidates
    for place in (0, 1500, 2999):
        candidates = [*unrelated[:place], (5000, "aclu of texas"), *unrelated[place:]]
        assert probable_duplicate("american civil liberties union of texas", candidates) == 5000
    assert probable_duplicate("american civil liberties union of texas", unrelated) is None
