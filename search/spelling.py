"""Correcting misspelt query words to words the index holds ("consultaton" -> "consultation").

Every backend searches the corrected text, so they agree on what was searched. A word is corrected
only when the index does not hold it, to the nearest indexed word within an edit distance of 1 (short
words) or 2, preferring the more frequent; candidates share the first letter and a similar length,
which keeps the comparison to a few hundred words even at 50,000 listings.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.db.models.functions import Length

from .models import SearchTerm

WORD = re.compile(r"[a-z0-9]+")
MIN_LENGTH = 4  # shorter words are left alone: too many near neighbours


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, giving up past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def correct(text: str) -> str:
    """The text with unknown words replaced by their nearest indexed word; unchanged otherwise. Two
    queries whatever the length of the text: one for the known words, one for every candidate."""
    tokens = words(text)
    if not tokens:
        return ""
    known = set(SearchTerm.objects.filter(term__in=tokens).values_list("term", flat=True))
    unknown = {t for t in tokens if t not in known and len(t) >= MIN_LENGTH and not t.isdigit()}
    limits = {token: 1 if len(token) <= 5 else 2 for token in unknown}
    candidates: list[tuple[str, int]] = []
    if unknown:
        wanted = Q()
        for token, limit in limits.items():
            wanted |= Q(term__startswith=token[0], length__range=(len(token) - limit, len(token) + limit))
        candidates = list(
            SearchTerm.objects.annotate(length=Length("term")).filter(wanted).values_list("term", "frequency")
        )
    corrected = []
    for token in tokens:
        if token not in unknown:
            corrected.append(token)
            continue
        limit = limits[token]
        best = min(
            (
                (distance(token, term, limit), -frequency, term)
                for term, frequency in candidates
                if term[0] == token[0] and abs(len(term) - len(token)) <= limit
            ),
            default=None,
        )
        corrected.append(best[2] if best and best[0] <= limit else token)
    return " ".join(corrected)
