"""Finding residents from one search box.

`search_residents(text)` is the only entry point: views, the API and the benchmarks call it.
It works out what the text looks like (NI number, phone, resident reference, an identifier
another capability registers such as a case reference, postcode, date of birth, names, or names
with a date of birth or postcode) and returns live (not merged) residents, best match first.

Names are matched in two steps (docs/decisions/0002-search.md):
1. each word typed is compared with the vocabulary of distinct first and last names
   (`residents_name_term`, kept up to date by database triggers) through the database's
   trigram index, and the closest few names are kept, scored in Python;
2. residents whose first and last names are among those names are fetched through plain
   indexes, scored in Python with the same function, and sorted by score then id.
The database only finds candidates; every decision is made here, so SQLite and PostgreSQL
give the same answers.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import permutations

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from doorstep.core.validators import (
    looks_like_ni_number,
    looks_like_phone,
    normalise_ni_number,
    normalise_phone,
)

from .models import Resident
from .name_variants import spellings_of
from .query_parsing import ParsedQuery, parse_query
from .scoring import MIN_SIMILARITY, resident_score, term_similarity, trigrams, word_similarity

__all__ = [
    "naive_search",
    "ParsedQuery",
    "parse_query",
    "register_identifier_search",
    "resident_score",
    "search_residents",
    "term_similarity",
    "word_similarity",
]

# Names from the vocabulary kept per typed word; trigram candidates looked at per typed word.
TERMS_PER_WORD = 10
TERM_CANDIDATES = 200
# Residents fetched for scoring when two or more words are typed, or for exact-key lookups.
RESIDENT_CANDIDATES = 1000
# More name words than this are ignored when looking up candidates (all are still scored).
MAX_LOOKUP_WORDS = 3

RESIDENT_REFERENCE_RE = re.compile(r"^R(\d{1,9})$", re.IGNORECASE)


def search_residents(query: str, *, limit: int = 50) -> list[Resident]:
    text = " ".join((query or "").split())
    if not text or limit <= 0:
        return []
    ids = _exact_identifier_ids(text)
    if ids is None:
        ids = _parsed_search_ids(text, limit)
    return _load(ids[:limit])


def naive_search(query: str, *, limit: int = 50) -> list[Resident]:
    """A plain substring scan over names: the baseline the benchmarks compare against."""
    words = query.split()
    if not words:
        return []
    residents = Resident.objects.filter(merged_into=None)
    for word in words:
        residents = residents.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(residents.order_by("last_name", "first_name", "id")[:limit])


# --- Identifiers that make up the whole query ------------------------------------------------


@dataclass(frozen=True)
class IdentifierSearch:
    looks_like: Callable[[str], bool]
    resident_ids: Callable[[str], list[int]]


# Identifiers other capabilities give residents (a case reference...), by name.
_IDENTIFIER_SEARCHES: dict[str, IdentifierSearch] = {}


def register_identifier_search(
    *, name: str, looks_like: Callable[[str], bool], resident_ids: Callable[[str], list[int]]
) -> None:
    """A kind of identifier a capability gives residents, found from the search box.

    `looks_like(text)` says whether the whole query (spaces removed) is one; `resident_ids(text)`
    returns the residents it belongs to. Checked after NI numbers and resident references and
    before phone numbers, in the order registered. Capabilities register in AppConfig.ready().
    """
    _IDENTIFIER_SEARCHES[name] = IdentifierSearch(looks_like, resident_ids)


def _exact_identifier_ids(text: str) -> list[int] | None:
    """Ids for a query that is one identifier, or None when the text is not one."""
    compact = text.replace(" ", "")
    if looks_like_ni_number(text):
        number = normalise_ni_number(text)
        return _ids_where(Q(national_insurance_number=number))
    if match := RESIDENT_REFERENCE_RE.match(compact):
        return _ids_where(Q(pk=int(match.group(1))))
    for search in _IDENTIFIER_SEARCHES.values():
        if search.looks_like(compact):
            return _ids_where(Q(pk__in=search.resident_ids(compact)))
    if looks_like_phone(text):
        number = _phone_or_none(text)
        return _ids_where(Q(phones__number=number)) if number else []
    return None


def _phone_or_none(text: str) -> str | None:
    digits = re.sub(r"[^\d+]", "", text)
    # "447700900982" is an international number typed without its plus sign.
    for candidate in (text, "+" + digits.lstrip("+")):
        try:
            return normalise_phone(candidate)
        except ValidationError:
            continue
    return None


def _ids_where(condition: Q) -> list[int]:
    """Live residents matching an exact key, in name order (the same on every database)."""
    rows = (
        Resident.objects.filter(condition, merged_into=None)
        .order_by("id")
        .values_list("id", "first_name", "last_name")
        .distinct()[:RESIDENT_CANDIDATES]
    )
    return [pk for pk, first, last in sorted(rows, key=_name_order)]


def _name_order(row: tuple[int, str, str]) -> tuple[str, str, int]:
    pk, first, last = row
    return (last.casefold(), first.casefold(), pk)


# --- Dates, postcodes and names --------------------------------------------------------------


def _parsed_search_ids(text: str, limit: int) -> list[int]:
    parsed = parse_query(text)
    if parsed.unreadable or not (parsed.words or parsed.date_of_birth or parsed.postcode):
        return []
    if parsed.date_of_birth or parsed.postcode:
        condition = Q()
        if parsed.date_of_birth:
            condition &= Q(date_of_birth=parsed.date_of_birth)
        if parsed.postcode:
            condition &= Q(postcode=parsed.postcode)
        if not parsed.words:
            return _ids_where(condition)
        rows = (
            Resident.objects.filter(condition, merged_into=None)
            .order_by("id")
            .values_list("id", "first_name", "last_name")[:RESIDENT_CANDIDATES]
        )
        return _rank(parsed.words, rows, limit)
    return _name_search_ids(parsed.words, limit)


# --- Names -----------------------------------------------------------------------------------


def _name_search_ids(words: list[str], limit: int) -> list[int]:
    initials = [word for word in words if len(word) == 1]
    lookup_words = sorted((w for w in words if len(w) > 1), key=len, reverse=True)
    lookup_words = lookup_words[:MAX_LOOKUP_WORDS]
    if not lookup_words:
        return []
    expansions = [_similar_terms(word) for word in lookup_words]
    if not all(expansions):
        return []
    if len(expansions) == 1:
        if initials:
            rows = _rows_for_terms_and_initial(
                expansions[0], initials[0], RESIDENT_CANDIDATES // TERMS_PER_WORD
            )
        else:
            rows = _rows_for_terms(expansions[0], limit)
        return _rank(words, rows, limit)
    if connection.vendor == "sqlite":
        sql, params = _sqlite_pairs_query(expansions)
    else:
        sql, params = _postgres_pairs_query(expansions)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _rank(words, rows, limit)


def _postgres_pairs_query(expansions) -> tuple[str, list[str]]:
    """(first name IN ... AND last name IN ...) for each order of the words: index scans on
    (lower(last_name), lower(first_name)) with both lists as index conditions."""
    selects = []
    params: list[str] = []
    for first, last in permutations(expansions, 2):
        selects.append(
            "SELECT id, first_name, last_name FROM residents_resident "  # noqa: S608 - placeholders only
            f"WHERE merged_into_id IS NULL AND lower(first_name) IN ({_placeholders(first)}) "
            f"AND lower(last_name) IN ({_placeholders(last)})"
        )
        params += [*first, *last]
    sql = (
        f"SELECT * FROM ({' UNION ALL '.join(selects)}) AS candidates "  # noqa: S608 - placeholders only
        f"ORDER BY id LIMIT {RESIDENT_CANDIDATES}"
    )
    return sql, params


def _sqlite_pairs_query(expansions) -> tuple[str, list[str]]:
    """The same rows as on PostgreSQL, as a join with the list of (first, last) pairs.

    Given IN lists (or OR), SQLite's planner reads every resident with one of the last
    names ("Smith": tens of thousands at a million residents) and filters; one index seek
    per pair is far cheaper.
    """
    pairs = dict.fromkeys(
        (first, last)
        for firsts, lasts in permutations(expansions, 2)
        for first in firsts
        for last in lasts
    )
    # The pairs go in as one JSON parameter: a long multi-row VALUES list gave wrong
    # answers on SQLite 3.40 (rows missing from the join).
    sql = (
        "WITH pairs AS (SELECT json_extract(value, '$[0]') AS first, "  # noqa: S608 - no user text
        "json_extract(value, '$[1]') AS last FROM json_each(%s)) "
        "SELECT DISTINCT r.id, r.first_name, r.last_name FROM pairs "
        "CROSS JOIN residents_resident AS r INDEXED BY residents_live_last_first "
        "WHERE r.merged_into_id IS NULL "
        "AND lower(r.last_name) = pairs.last AND lower(r.first_name) = pairs.first "
        f"ORDER BY r.id LIMIT {RESIDENT_CANDIDATES}"
    )
    return sql, [json.dumps(list(pairs))]


def _rows_for_terms(terms, per_term: int) -> list[tuple[int, str, str]]:
    """Residents whose first or last name is one of `terms`: the first `per_term` by id for
    each name and column, in one round trip.

    Cutting each name's list in id order keeps the answer the same on every database and
    common names ("Smith") quick: anyone left out has as good a score as, and a higher id
    than, `per_term` residents already fetched.
    """
    selects = [
        f"SELECT * FROM (SELECT id, first_name, last_name FROM {_table(index)} "  # noqa: S608 - fixed names
        f"WHERE merged_into_id IS NULL AND lower({column}) = %s ORDER BY id LIMIT {int(per_term)}"
        ") AS t"
        for _ in terms
        for column, index in (
            ("last_name", "residents_live_last_id"),
            ("first_name", "residents_live_first_id"),
        )
    ]
    params = [term for term in terms for _ in ("last_name", "first_name")]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return cursor.fetchall()


def _rows_for_terms_and_initial(terms, initial: str, per_term: int) -> list[tuple[int, str, str]]:
    """Residents with one of `terms` as a name and `initial` starting the other ("M Howard",
    "Howard M"): the initial is part of the lookup, so every M. Howard is found however many
    other Howards there are. The first `per_term` by id for each name and order."""
    after = chr(ord(initial) + 1)
    selects = []
    params: list[str] = []
    for term in terms:
        for column, other, index in (
            ("last_name", "first_name", "residents_live_last_first"),
            ("first_name", "last_name", "residents_live_first_id"),
        ):
            selects.append(
                f"SELECT * FROM (SELECT id, first_name, last_name FROM {_table(index)} "  # noqa: S608 - fixed names
                f"WHERE merged_into_id IS NULL AND lower({column}) = %s "
                f"AND lower({other}) >= %s AND lower({other}) < %s "
                f"ORDER BY id LIMIT {int(per_term)}) AS t"
            )
            params += [term, initial, after]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return cursor.fetchall()


def _rank(words: list[str], rows, limit: int) -> list[int]:
    scored = []
    seen = set()
    for pk, first, last in rows:
        if pk in seen:
            continue
        seen.add(pk)
        score = resident_score(words, first, last)
        if score is not None:
            scored.append((-score, not _typed_in_order(words, first), pk))
    scored.sort()
    return [pk for *_, pk in scored[:limit]]


def _typed_in_order(words: list[str], first_name: str) -> bool:
    """Whether the first of two or more words typed matches the first name: between equal
    scores, "J Martin" means a J. Martin before a Martin J."""
    first_words = first_name.casefold().split()
    if len(words) < 2 or not first_words:
        return False
    return word_similarity(words[0], first_words[0]) >= MIN_SIMILARITY


def _similar_terms(word: str) -> dict[str, float]:
    """The names in the vocabulary closest to a typed word, with their similarity."""
    if connection.vendor == "postgresql":
        sql = "SELECT term FROM residents_name_term ORDER BY term <-> %s LIMIT %s"
        params: list = [word, TERM_CANDIDATES]
    else:
        grams = sorted(trigrams(word))
        # Count the trigrams each name shares with the word (as pg_trgm does), closest first.
        matches = " UNION ALL ".join(
            "SELECT rowid FROM residents_name_term_fts WHERE residents_name_term_fts MATCH %s"
            for _ in grams
        )
        sql = (
            "SELECT t.term FROM (" + matches + ") AS m "  # noqa: S608 - placeholders only
            "JOIN residents_name_term AS t ON t.id = m.rowid "
            "GROUP BY t.id, t.term "
            "ORDER BY count(*) * 1.0 / (%s + length(t.term) + 1 - count(*)) DESC, t.term "
            "LIMIT %s"
        )
        params = [*('"' + gram.replace('"', '""') + '"' for gram in grams)]
        params += [len(grams), TERM_CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        terms = [row[0] for row in cursor.fetchall()]
    # Other spellings of a given name may share few trigrams with it ("steven", "stephen").
    terms += [spelling for spelling in sorted(spellings_of(word)) if spelling not in terms]
    scored = []
    for term in terms:
        score = term_similarity(word, term)
        if score >= MIN_SIMILARITY:
            scored.append((-score, term))
    scored.sort()
    return {term: -negative for negative, term in scored[:TERMS_PER_WORD]}


def _table(index: str) -> str:
    """The residents table, telling SQLite which index to use: with sampled statistics its
    planner may pick the last-name index for a (first, last) lookup and read every Smith."""
    if connection.vendor == "sqlite":
        return f"residents_resident INDEXED BY {index}"
    return "residents_resident"


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _load(ids: list[int]) -> list[Resident]:
    residents = Resident.objects.in_bulk(ids)
    return [residents[pk] for pk in ids if pk in residents]
