"""Turning what a buyer typed into words every backend searches the same way."""

from __future__ import annotations

from .spelling import correct, words

# PostgreSQL's English stop words (the same list Elasticsearch's English analyzer and this module
# drop), so that "the", "for" and so on never decide a match on one backend and not another.
_STOP_WORD_TEXT = (
    "a about above after again against all am an and any are as at be because been before being "
    "below between both but by can did do does doing down during each few for from further had has "
    "have having he her here hers herself him himself his how i if in into is it its itself just me "
    "more most my myself no nor not now of off on once only or other our ours ourselves out over own "
    "same she should so some such than that the their theirs them themselves then there these they "
    "this those through to too under until up very was we were what when where which while who whom "
    "why will with you your yours yourself yourselves"
)
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())


def search_words(text: str) -> tuple[list[str], str]:
    """The words to search for (corrected, stop words dropped) and the corrected text to show back
    ("" when nothing was corrected)."""
    original = [w for w in words(text) if w not in STOP_WORDS]
    if not original:
        return [], ""
    corrected = correct(" ".join(original)).split()
    shown = " ".join(corrected) if corrected != original else ""
    return corrected, shown
