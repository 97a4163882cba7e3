import pytest
from django.core.exceptions import ValidationError

from doorstep.core.validators import (
    GEOGRAPHIC_AREAS,
    POSTCODE_AREAS,
    looks_like_postcode,
    normalise_ni_number,
    normalise_phone,
    normalise_postcode,
    parse_phone,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07700 900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("0044 (0)7700-900982".replace("(0)", ""), "+447700900982"),
        ("020 7946 0018", "+442079460018"),
        ("(01632) 960 001", "+441632960001"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed, expected):
    assert normalise_phone(typed) == expected


def test_mobiles_and_landlines_are_told_apart():
    assert parse_phone("07700 900982").is_mobile is True
    assert parse_phone("020 7946 0018").is_mobile is False


@pytest.mark.parametrize("typed", ["", "12345", "0770090098", "not a number", "+44 20 1"])
def test_bad_phone_numbers_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as error:
        normalise_phone(typed)
    assert "phone number" in error.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("e81dy", "E8 1DY"), ("  sw1a 1aa ", "SW1A 1AA"), ("M1 1AE", "M1 1AE"), ("cr26xh", "CR2 6XH")],
)
def test_postcodes_are_normalised(typed, expected):
    assert normalise_postcode(typed) == expected


def test_every_area_is_two_letters_at_most_and_the_list_is_complete():
    assert len(GEOGRAPHIC_AREAS) == 121
    assert all(1 <= len(area) <= 2 and area.isalpha() for area in POSTCODE_AREAS)


def test_looks_like_postcode_uses_the_same_areas():
    assert looks_like_postcode("e8 1dy")
    assert not looks_like_postcode("NF1 1AA")


@pytest.mark.parametrize(
    "typed", ["je2 3ab", "GY1 1AA", "IM1 1AA", "BT1 1AA", "ZE1 0AA", "GIR 0AA"]
)
def test_crown_dependency_northern_ireland_and_island_postcodes_are_accepted(typed):
    assert normalise_postcode(typed) == typed.upper()


@pytest.mark.parametrize(
    "typed",
    # NF, XY and EJ have the right shape but are no postcode area; BF1 and BX1 are not homes.
    ["E8", "ABC 123", "E8 1DYY", "Q1 1AA", "12345", "NF1 1AA", "EJ1 1AA", "BF1 1AA", "BX1 1LT"],
)
def test_bad_postcodes_are_refused(typed):
    with pytest.raises(ValidationError, match="real postcode"):
        normalise_postcode(typed)


@pytest.mark.parametrize(
    ("typed", "expected"), [("ab 12 34 56 c", "AB123456C"), ("JH-123456-A", "JH123456A")]
)
def test_ni_numbers_are_normalised(typed, expected):
    assert normalise_ni_number(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "QQ123456C",  # Q is never a first letter
        "AO123456C",  # O is never a second letter
        "GB123456A",  # a prefix HMRC does not issue
        "NK123456A",
        "AB123456E",  # suffix must be A to D
        "AB12345C",  # too short
    ],
)
def test_ni_numbers_breaking_the_prefix_rules_are_refused(typed):
    with pytest.raises(ValidationError, match="correct format"):
        normalise_ni_number(typed)


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+447700900982", "07700 900982"),
        ("+442079460018", "020 7946 0018"),
        ("+33612345678", "+33 6 12 34 56 78"),
    ],
)
def test_phone_numbers_are_shown_as_people_write_them(e164, shown):
    from doorstep.core.validators import format_phone_for_display

    assert format_phone_for_display(e164) == shown
