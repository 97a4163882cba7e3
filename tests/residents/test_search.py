"""Resident search: the same queries give the same answers on SQLite and PostgreSQL.

The whole suite runs on both databases, so every expectation here is checked on each.
"""

import datetime

import pytest

from doorstep.residents import services
from doorstep.residents.models import Resident
from doorstep.residents.search import (
    naive_search,
    parse_query,
    resident_score,
    search_residents,
    word_similarity,
)
from tests.factories import CaseFactory, PhoneFactory, ResidentFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    # first, last, date of birth, postcode, NI number
    ("John", "Smith", datetime.date(1980, 2, 1), "E8 1DY", "AB123456C"),
    ("Jon", "Smyth", datetime.date(1975, 6, 30), "N1 9GU", ""),
    ("Joan", "Smith", datetime.date(1962, 11, 5), "E8 1DY", ""),
    ("Mary Ann", "O'Brien", datetime.date(1990, 12, 25), "SW1A 1AA", "JK987654D"),
    ("Siobhan", "Murphy-Jones", datetime.date(1980, 2, 1), "E5 0LL", ""),
    ("Oluwaseun", "Adeyemi", datetime.date(2001, 3, 14), "E9 6DU", ""),
    ("Catherine", "Zeta", datetime.date(1969, 9, 25), "CF10 1AA", ""),
    ("Katherine", "Jones", datetime.date(1985, 4, 4), "N16 7AA", ""),
    ("Smith", "Williams", datetime.date(1970, 1, 1), "E1 6AN", ""),
]


def names(results):
    return [f"{resident.first_name} {resident.last_name}" for resident in results]


@pytest.fixture
def people():
    created = {}
    for first, last, born, postcode, ni_number in PEOPLE:
        created[f"{first} {last}"] = ResidentFactory(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            postcode=postcode,
            national_insurance_number=ni_number,
        )
    PhoneFactory(resident=created["John Smith"], number="+447700900982")
    PhoneFactory(resident=created["Mary Ann O'Brien"], number="+441632960001")
    return created


# The expected answer for each query, best match first. Run on each database.
EXPECTED = [
    # Typos, and first and last names in either order. "Jon" is another spelling of John, so
    # John Smith (one slip in the surname) beats Jon Smyth (two).
    ("Jon Smiht", ["John Smith", "Jon Smyth", "Joan Smith"]),
    ("Smiht Jon", ["John Smith", "Jon Smyth", "Joan Smith"]),
    ("john smith", ["John Smith", "Jon Smyth", "Joan Smith"]),
    ("Smith, John", ["John Smith", "Jon Smyth", "Joan Smith"]),
    ("Katherine Jones", ["Katherine Jones"]),
    ("Catherine Jones", ["Katherine Jones"]),
    ("Oluwasuen Adeyemi", ["Oluwaseun Adeyemi"]),
    ("Adeyemi", ["Oluwaseun Adeyemi"]),
    ("adeymi", ["Oluwaseun Adeyemi"]),
    ("Mary O'Brien", ["Mary Ann O'Brien"]),
    ("ann obrien", ["Mary Ann O'Brien"]),
    ("Siobhan Jones", ["Siobhan Murphy-Jones"]),
    ("Smith", ["John Smith", "Joan Smith", "Smith Williams", "Jon Smyth"]),
    ("J Smith", ["John Smith", "Joan Smith", "Jon Smyth"]),
    # Dates of birth in common formats, alone or with a name.
    ("01/02/1980", ["Siobhan Murphy-Jones", "John Smith"]),
    ("1/2/1980", ["Siobhan Murphy-Jones", "John Smith"]),
    ("01-02-1980", ["Siobhan Murphy-Jones", "John Smith"]),
    ("01.02.80", ["Siobhan Murphy-Jones", "John Smith"]),
    ("1 Feb 1980", ["Siobhan Murphy-Jones", "John Smith"]),
    ("1st February 1980", ["Siobhan Murphy-Jones", "John Smith"]),
    ("February 1, 1980", ["Siobhan Murphy-Jones", "John Smith"]),
    ("1980-02-01", ["Siobhan Murphy-Jones", "John Smith"]),
    ("smith 1/2/1980", ["John Smith"]),
    ("25 Dec 1990", ["Mary Ann O'Brien"]),
    # Phone numbers in any format.
    ("07700 900982", ["John Smith"]),
    ("07700900982", ["John Smith"]),
    ("+44 7700 900982", ["John Smith"]),
    ("447700900982", ["John Smith"]),
    ("(07700) 900-982", ["John Smith"]),
    ("01632 960001", ["Mary Ann O'Brien"]),
    # Postcodes with or without a space, alone or with a name.
    ("E8 1DY", ["Joan Smith", "John Smith"]),
    ("e81dy", ["Joan Smith", "John Smith"]),
    ("sw1a 1aa", ["Mary Ann O'Brien"]),
    ("joan e8 1dy", ["Joan Smith", "John Smith"]),
    # National Insurance numbers, however they are typed.
    ("AB123456C", ["John Smith"]),
    ("ab 12 34 56 c", ["John Smith"]),
    ("jk987654d", ["Mary Ann O'Brien"]),
    # Nothing matches.
    ("Xavier Quinton", []),
    ("ZZ999999Z", []),
    ("07700 900000", []),
    ("SE1 9ZZ", []),
    ("2 Feb 1980", []),
]


@pytest.mark.parametrize(("query", "expected"), EXPECTED)
def test_same_answers_on_every_database(people, query, expected):
    assert names(search_residents(query)) == expected


@pytest.mark.parametrize(
    "query",
    ["", "   ", "!!!", "%", "_", "'", '"', "--", "1234", "31/02/1980", "SELECT * FROM", "a" * 500],
)
def test_empty_or_garbage_queries_find_nothing_without_error(people, query):
    assert search_residents(query) == []


def test_garbage_mixed_with_a_name_finds_nothing(people):
    assert search_residents("John Smith 12345") == []


def test_case_reference_finds_the_resident(people):
    CaseFactory(resident=people["Joan Smith"], reference="HR-000123")
    assert names(search_residents("HR-000123")) == ["Joan Smith"]
    assert names(search_residents("hr-000123")) == ["Joan Smith"]
    assert search_residents("HR-999999") == []


def test_resident_reference_finds_the_resident(people):
    resident = people["Katherine Jones"]
    assert search_residents(resident.reference) == [resident]
    assert search_residents(resident.reference.lower()) == [resident]


def test_merged_residents_are_left_out(people):
    duplicate = ResidentFactory(
        first_name="John", last_name="Smith", date_of_birth=datetime.date(1980, 2, 1)
    )
    PhoneFactory(resident=duplicate, number="+447700900983")
    assert duplicate in search_residents("John Smith")
    Resident.objects.filter(pk=duplicate.pk).update(merged_into=people["John Smith"])
    for query in ("John Smith", "Smith", "Jon Smiht", "01/02/1980", "07700 900983", "E8 1DY"):
        assert duplicate not in search_residents(query), query


def test_limit(people):
    for number in range(30):
        ResidentFactory(
            first_name=f"Person{'abcdefghijklmnopqrstuvwxyz'[number % 26]}", last_name="Smith"
        )
    assert len(search_residents("Smith", limit=5)) == 5
    assert len(search_residents("Smith", limit=40)) == 34
    assert len(search_residents("E8 1DY", limit=1)) == 1
    assert search_residents("Smith", limit=0) == []
    # The first results do not change with the limit.
    assert search_residents("Smith", limit=10) == search_residents("Smith", limit=40)[:10]


def test_many_people_with_a_common_name(people):
    """Among many Smiths, a misspelt first name still finds the right one."""
    for number in range(120):
        ResidentFactory(first_name=f"Other{number:03d}", last_name="Smith")
    assert names(search_residents("Jon Smiht"))[:3] == ["John Smith", "Jon Smyth", "Joan Smith"]
    first_page = search_residents("Smith", limit=50)
    assert names(first_page[:2]) == ["John Smith", "Joan Smith"]
    assert len(first_page) == 50


def test_residents_created_and_renamed_through_services_are_found(officer):
    resident = services.create_resident(
        actor=officer,
        data={
            "first_name": "Ezekiel",
            "last_name": "Featherstonehaugh",
            "phones": ["07700 900111"],
        },
    )
    assert search_residents("Ezekiel Featherstonhaugh") == [resident]
    assert search_residents("+447700900111") == [resident]
    services.update_resident(actor=officer, resident=resident, data={"last_name": "Quaresma"})
    assert search_residents("Ezekiel Quaresma") == [resident]
    assert search_residents("Ezekiel Featherstonehaugh") == []


def test_naive_search_is_a_substring_scan(people):
    assert names(naive_search("smi")) == ["Joan Smith", "John Smith", "Smith Williams"]
    assert naive_search("Jon Smiht") == []
    assert naive_search("  ") == []


def test_word_similarity():
    assert word_similarity("smith", "smith") == 1.0
    assert word_similarity("smiht", "smith") >= 0.8
    # No three letters in common, but one letter apart.
    assert word_similarity("jon", "john") >= 0.7
    assert word_similarity("smi", "smith") > word_similarity("smi", "smithson")
    assert word_similarity("jones", "smith") < 0.6


def test_resident_score_ignores_word_order():
    assert resident_score(["smith", "john"], "John", "Smith") == 1.0
    assert resident_score(["john", "smith"], "John", "Smith") == 1.0
    assert resident_score(["john", "brown"], "John", "Smith") is None


def test_parse_query_separates_dates_postcodes_and_names():
    parsed = parse_query("Smith e81dy 1 Feb 1980")
    assert parsed.words == ["smith"]
    assert parsed.postcode == "E8 1DY"
    assert parsed.date_of_birth == datetime.date(1980, 2, 1)
    assert not parsed.unreadable
    assert parse_query("30/02/1980").unreadable


def test_many_close_names_on_both_sides(people):
    """Two words with about ten close names each: some 180 (first, last) pairs to look up."""
    firsts = ["Johnathan", *("Johnathan"[:i] + "Johnathan"[i + 1 :] for i in range(1, 9))]
    lasts = ["Richardson", *("Richardson"[:i] + "Richardson"[i + 1 :] for i in range(1, 10))]
    for number, first in enumerate(firsts):
        ResidentFactory(first_name=first, last_name=lasts[-1 - number])
    wanted = ResidentFactory(first_name="Johnathan", last_name="Richardson")
    results = search_residents("Johnathan Richardson")
    assert results[0] == wanted
    assert len(results) == len(firsts) + 1
    assert search_residents("Richardson Johnathan")[0] == wanted


def test_an_initial_and_a_surname_find_every_one_of_a_few_among_many(people):
    """Scoring must see the M. Howards however many other Howards come first by id."""
    for number in range(150):
        ResidentFactory(first_name=f"Other{number:03d}", last_name="Howard")
    wanted = {
        ResidentFactory(first_name="Michael", last_name="Howard").pk,
        ResidentFactory(first_name="Maria", last_name="Howard").pk,
        ResidentFactory(first_name="Mo", last_name="Howard").pk,
    }
    for query in ("M Howard", "Howard M", "m. howard"):
        assert wanted <= {resident.pk for resident in search_residents(query)[:5]}, query


def test_a_surname_initial_with_a_first_name_finds_them_among_many(people):
    for number in range(150):
        ResidentFactory(first_name="Tariq", last_name=f"Other{number:03d}")
    wanted = ResidentFactory(first_name="Tariq", last_name="Zaman").pk
    assert wanted in [resident.pk for resident in search_residents("Tariq Z")[:5]]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Stephen", "Steven"), ("Steven", "Stephen"), ("Sara", "Sarah"), ("Jon", "John")],
)
def test_another_spelling_of_a_first_name_counts_nearly_as_much_as_the_name(typed, stored):
    """Among many people sharing the surname, another spelling of the first name ranks the
    person above every misspelt or merely similar name."""
    for first in ("Stella", "Stefan", "Seth", "Sam", "Joe", "Jonas", "Joan", "Shara", "Saran"):
        for number in range(4):
            ResidentFactory(first_name=first, last_name=f"Clarke{'e' * number}")
    wanted = ResidentFactory(first_name=stored, last_name="Clarke").pk
    found = [resident.pk for resident in search_residents(f"{typed} Clarke")]
    assert found[0] == wanted


def test_spellings_of_one_name_score_below_the_name_and_above_a_typo():
    assert word_similarity("sara", "sara") == 1.0
    assert word_similarity("sara", "sarah") == word_similarity("steven", "stephen") == 0.95
    assert word_similarity("sarha", "sarah") < 0.95
    assert word_similarity("john", "jonathan") < 0.95  # a related name, not a spelling of it


def test_between_equal_scores_the_order_typed_decides():
    """Typed "J Martin", a J. Martin comes first, then any Martin J."""
    martins = [ResidentFactory(first_name="Martin", last_name=f"J{x}ones").pk for x in "abc"]
    wanted = ResidentFactory(first_name="Jo", last_name="Martin").pk
    found = [resident.pk for resident in search_residents("J Martin")]
    assert found[0] == wanted
    assert set(found[1:4]) == set(martins)
