"""The GOV.UK date input field every form uses for a date a person types."""

import datetime

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.template.loader import render_to_string
from django.utils import timezone

from doorstep.core.dates import DateField, needed_date
from doorstep.core.forms import GovukForm
from tests.dates import date_parts


class DueForm(GovukForm):
    due_date = DateField(label="Due date")


class OptionalForm(GovukForm):
    due_date = DateField(label="Due date (optional)", required=False)


class BirthForm(GovukForm):
    date_of_birth = DateField(
        label="Date of birth", must_be="past", example="31 3 1980", autocomplete="bday"
    )


def _clean(form_class, typed, name="due_date"):
    form = form_class(date_parts(name, typed))
    valid = form.is_valid()
    return valid, form


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("27 3 2026", datetime.date(2026, 3, 27)),
        ("07 03 2026", datetime.date(2026, 3, 7)),
        ("29 2 2028", datetime.date(2028, 2, 29)),
    ],
)
def test_a_typed_date_becomes_a_date(typed, expected):
    valid, form = _clean(DueForm, typed)
    assert valid
    assert form.cleaned_data["due_date"] == expected


def test_spaces_around_the_numbers_are_ignored():
    form = DueForm({"due_date_day": " 27 ", "due_date_month": "3 ", "due_date_year": " 2026"})
    assert form.is_valid()
    assert form.cleaned_data["due_date"] == datetime.date(2026, 3, 27)


@pytest.mark.parametrize("month", ["Mar", "mar", "March", "MARCH", "Mar."])
def test_a_month_can_be_typed_as_a_name(month):
    form = DueForm({"due_date_day": "27", "due_date_month": month, "due_date_year": "2026"})
    assert form.is_valid()
    assert form.cleaned_data["due_date"] == datetime.date(2026, 3, 27)


def test_an_empty_required_date_asks_for_it():
    valid, form = _clean(DueForm, None)
    assert not valid
    assert form.errors["due_date"] == ["Enter the due date"]
    assert form["due_date"].wrong_parts == ("day", "month", "year")


def test_an_empty_optional_date_is_none():
    valid, form = _clean(OptionalForm, None)
    assert valid
    assert form.cleaned_data["due_date"] is None


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (" 3 2026", "Due date must include a day", ("day",)),
        ("27  2026", "Due date must include a month", ("month",)),
        ("27 3 ", "Due date must include a year", ("year",)),
        ("  2026", "Due date must include a day and month", ("day", "month")),
        ("27  ", "Due date must include a month and year", ("month", "year")),
        (" 3 ", "Due date must include a day and year", ("day", "year")),
    ],
)
def test_a_part_missing_is_named_and_only_its_box_is_marked(typed, message, wrong):
    valid, form = _clean(OptionalForm, typed)
    assert not valid
    assert form.errors["due_date"] == [message]
    assert form["due_date"].wrong_parts == wrong


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ("32 3 2026", ("day",)),
        ("0 3 2026", ("day",)),
        ("x 3 2026", ("day",)),
        ("27 13 2026", ("month",)),
        ("27 Marchy 2026", ("month",)),
        ("27 3 20x6", ("year",)),
        ("32 13 2026", ("day", "month")),
        ("27 3 " + "9" * 5000, ("year",)),
    ],
)
def test_a_box_that_cannot_be_right_is_marked(typed, wrong):
    valid, form = _clean(DueForm, typed)
    assert not valid
    assert form.errors["due_date"] == ["Due date must be a real date"]
    assert form["due_date"].wrong_parts == wrong


def test_an_impossible_date_marks_the_whole_date():
    valid, form = _clean(DueForm, "31 2 2026")
    assert not valid
    assert form.errors["due_date"] == ["Due date must be a real date"]
    assert form["due_date"].wrong_parts == ("day", "month", "year")


@pytest.mark.parametrize("year", ["26", "202", "20266"])
def test_a_year_needs_4_numbers(year):
    valid, form = _clean(DueForm, f"27 3 {year}")
    assert not valid
    assert form.errors["due_date"] == ["Year must include 4 numbers"]
    assert form["due_date"].wrong_parts == ("year",)


def test_a_year_before_1900_is_refused_by_default():
    valid, form = _clean(DueForm, "27 3 0226")
    assert not valid
    assert form.errors["due_date"] == ["Due date must be the same as or after 1 January 1900"]


def test_a_date_of_birth_must_be_in_the_past():
    today = timezone.localdate()
    valid, form = _clean(BirthForm, today, name="date_of_birth")
    assert not valid
    assert form.errors["date_of_birth"] == ["Date of birth must be in the past"]
    assert form["date_of_birth"].wrong_parts == ("day", "month", "year")
    valid, form = _clean(BirthForm, today - datetime.timedelta(days=1), name="date_of_birth")
    assert valid


@pytest.mark.parametrize(
    ("must_be", "offset", "message"),
    [
        ("today_or_past", 1, "Start date must be today or in the past"),
        ("future", 0, "Start date must be in the future"),
        ("today_or_future", -1, "Start date must be today or in the future"),
    ],
)
def test_the_other_bounds_against_today(must_be, offset, message):
    field = DateField(label="Start date", must_be=must_be)
    day = timezone.localdate() + datetime.timedelta(days=offset)
    with pytest.raises(forms.ValidationError) as error:
        field.clean([str(day.day), str(day.month), str(day.year)])
    assert error.value.messages == [message]
    other = timezone.localdate() + datetime.timedelta(days=-offset or 1)
    assert field.clean([str(other.day), str(other.month), str(other.year)]) == other


def test_earliest_and_latest_dates():
    field = DateField(
        label="Training date",
        earliest=datetime.date(2020, 1, 1),
        latest=datetime.date(2030, 12, 31),
    )
    with pytest.raises(forms.ValidationError) as error:
        field.clean(["31", "12", "2019"])
    assert error.value.messages == ["Training date must be the same as or after 1 January 2020"]
    with pytest.raises(forms.ValidationError) as error:
        field.clean(["1", "1", "2031"])
    assert error.value.messages == ["Training date must be the same as or before 31 December 2030"]


def test_the_noun_and_the_required_message_can_be_given():
    field = DateField(
        label="When can you start? (optional)",
        noun="Start date",
        error_messages={"required": "Enter the date you can start"},
    )
    with pytest.raises(forms.ValidationError) as error:
        field.clean(["", "", ""])
    assert error.value.messages == ["Enter the date you can start"]
    with pytest.raises(forms.ValidationError) as error:
        field.clean(["1", "", "2026"])
    assert error.value.messages == ["Start date must include a month"]


def test_the_noun_comes_from_the_label():
    assert DateField(label="Date of the session (optional)").noun == "Date of the session"
    assert (
        DateField(label="DBS check date").error_messages["required"] == "Enter the DBS check date"
    )
    assert DateField(label="Your date of birth").error_messages["required"] == (
        "Enter your date of birth"
    )


def test_an_error_the_form_adds_marks_the_whole_date():
    form = DueForm(date_parts("due_date", "27 3 2026"))
    assert form.is_valid()
    form.add_error("due_date", "Due date must be after the case was opened")
    assert form["due_date"].wrong_parts == ("day", "month", "year")
    assert form["due_date"].error_target == "id_due_date_day"


def test_the_page_shows_the_govuk_date_input_with_only_the_wrong_box_marked():
    form = DueForm(date_parts("due_date", "27 13 2026"))
    form.is_valid()
    html = render_crispy_form(form)
    assert 'role="group"' in html
    assert '<legend class="govuk-fieldset__legend">Due date</legend>' in html
    assert '<div id="id_due_date-hint" class="govuk-hint">For example, 27 3 2026</div>' in html
    assert "Error:</span> Due date must be a real date" in html
    assert 'aria-describedby="id_due_date-hint id_due_date-error"' in html
    for part in ("day", "month", "year"):
        assert f'name="due_date_{part}"' in html
        assert f'id="id_due_date_{part}"' in html
    assert html.count('inputmode="numeric"') == 3
    assert html.count("govuk-input--error") == 1
    assert 'govuk-input--width-2 govuk-input--error" id="id_due_date_month"' in html
    # What was typed is shown again, to be put right.
    assert 'value="13"' in html
    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert '<a href="#id_due_date_month">Due date must be a real date</a>' in summary


def test_the_summary_links_to_the_day_box_when_the_date_is_empty():
    form = DueForm({})
    form.is_valid()
    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert '<a href="#id_due_date_day">Enter the due date</a>' in summary


def test_a_date_of_birth_has_the_birthday_autocomplete():
    html = render_crispy_form(BirthForm())
    assert 'autocomplete="bday-day"' in html
    assert 'autocomplete="bday-month"' in html
    assert 'autocomplete="bday-year"' in html
    assert "For example, 31 3 1980" in html


def test_a_saved_date_fills_the_boxes():
    form = DueForm(initial={"due_date": datetime.date(2026, 4, 5)})
    values = [part["value"] for part in form["due_date"].parts]
    assert values == [5, 4, 2026]


def test_the_hand_laid_include_takes_a_heading_and_a_hint():
    form = DueForm()
    html = render_to_string(
        "includes/date_input.html",
        {
            "field": form["due_date"],
            "heading": True,
            "legend_class": "govuk-fieldset__legend--m",
            "hint": "Reminders are texted before it.",
        },
    )
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">' in html
    assert '<h2 class="govuk-fieldset__heading">Due date</h2>' in html
    assert "Reminders are texted before it. For example, 27 3 2026" in html


def test_a_check_page_can_post_the_boxes_again_as_they_were_typed():
    form = DueForm(date_parts("due_date", "27 Mar 2026"))
    html = form["due_date"].as_hidden()
    assert html.count('type="hidden"') == 3
    assert 'name="due_date_day" value="27"' in html
    assert 'name="due_date_month" value="Mar"' in html
    assert 'name="due_date_year" value="2026"' in html


class WhenForm(GovukForm):
    when = forms.ChoiceField(choices=[("now", "Now"), ("later", "Later")])
    send_date = DateField(label="Date", noun="The date to send it", required=False)

    def clean(self):
        data = super().clean()
        data["day"] = needed_date(self, "send_date", data.get("when") == "later")
        return data


@pytest.mark.parametrize(
    ("when", "typed", "errors", "day"),
    [
        ("later", None, ["Enter the date to send it"], None),
        ("later", "31 2 2026", ["The date to send it must be a real date"], None),
        ("later", "27 3 2026", None, datetime.date(2026, 3, 27)),
        ("now", "31 2 2026", None, None),
        ("now", None, None, None),
    ],
)
def test_a_date_needed_only_after_another_answer(when, typed, errors, day):
    form = WhenForm({"when": when, **date_parts("send_date", typed)})
    assert form.is_valid() is (errors is None)
    assert form.errors.get("send_date") == errors
    if errors is None:
        assert form.cleaned_data["day"] == day


def test_input_names_list_the_three_boxes_of_a_date():
    from doorstep.core.forms import input_names

    assert input_names(WhenForm()) == {"when", "send_date_day", "send_date_month", "send_date_year"}
    assert input_names(WhenForm(prefix="x")) >= {"x-when", "x-send_date_day"}
