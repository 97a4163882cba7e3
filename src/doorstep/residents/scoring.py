"""How well typed words match a resident's names: one function for every database.

The database only finds candidates; these functions make every decision, so SQLite and
PostgreSQL give the same answers (docs/decisions/0002-search.md).
"""

import re
from functools import lru_cache

from .name_variants import are_spellings_of_one_name

# A typed word must be at least this close to a name to count as a match.
MIN_SIMILARITY = 0.6
# Another spelling of the same name ("Jon" for John) is nearly as good as the name itself:
# better than any misspelling, below the exact spelling.
VARIANT_SIMILARITY = 0.95


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _edit_distance(a: str, b: str, most: int) -> int:
    """Optimal string alignment distance (insertions, deletions, changes and swaps), or
    `most + 1` as soon as it is sure to be more than `most`."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > most:
            return most + 1
        previous_previous, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=65536)
def word_similarity(typed: str, name: str) -> float:
    """How well a typed word matches one word of a name, from 0 to 1.

    The best of: another spelling of the same name ("sara" for "sarah"), shared trigrams
    (catches longer misspellings), edit distance (catches a slip in a short name), and the
    start of the name ("smi" for "smith").
    """
    if typed == name:
        return 1.0
    if are_spellings_of_one_name(typed, name):
        return VARIANT_SIMILARITY
    if len(typed) == 1:
        return 0.9 if name.startswith(typed) else 0.0
    a, b = trigrams(typed), trigrams(name)
    shared = len(a & b)
    score = shared / (len(a) + len(b) - shared)
    longest = max(len(typed), len(name))
    # Below MIN_SIMILARITY the exact figure does not matter, so give up early.
    most = int(longest * (1 - MIN_SIMILARITY))
    if abs(len(typed) - len(name)) <= most:
        score = max(score, 1 - _edit_distance(typed, name, most) / longest)
    if len(typed) >= 3 and name.startswith(typed):
        score = max(score, 0.5 + 0.4 * len(typed) / len(name))
    return score


def _name_words(name: str) -> list[str]:
    name = name.casefold()
    words = [word for word in re.split(r"[\s-]+", name) if word]
    return [name, *words] if len(words) > 1 else words


def term_similarity(typed: str, term: str) -> float:
    return max((word_similarity(typed, word) for word in _name_words(term)), default=0.0)


def resident_score(words: list[str], first_name: str, last_name: str) -> float | None:
    """The mean of each typed word's best match in the resident's names, or None if any
    typed word matches nothing. Word order does not matter: "Smith John" finds John Smith."""
    names = _name_words(first_name) + _name_words(last_name)
    total = 0.0
    for word in words:
        best = max((word_similarity(word, name) for name in names), default=0.0)
        if best < MIN_SIMILARITY:
            return None
        total += best
    return total / len(words)
