import pytest

from search.models import SearchTerm
from search.spelling import correct, distance
from search.text import search_words


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("consultaton", "consultation", 1), ("recieve", "receive", 1), ("video", "video", 0), ("abc", "xyz", 3)],
)
def test_edit_distance_counts_insertions_substitutions_and_swaps(a, b, expected):
    assert distance(a, b, limit=5) == expected


@pytest.mark.django_db
def test_unknown_words_are_corrected_to_the_nearest_indexed_word_and_known_ones_kept():
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=t, frequency=f) for t, f in [("consultation", 50), ("consultant", 3), ("video", 40)]]
    )
    assert correct("online consultaton vidoe") == "online consultation video"
    assert correct("consultant") == "consultant"
    assert correct("zzzzzzzz") == "zzzzzzzz"  # nothing near: left as typed


@pytest.mark.django_db
def test_stop_words_are_dropped_and_corrections_reported():
    SearchTerm.objects.create(term="consultation", frequency=5)
    assert search_words("the consultaton for patients") == (
        ["consultation", "patients"],
        "consultation patients",
    )
    assert search_words("consultation") == (["consultation"], "")
    assert search_words("the of and") == ([], "")
