"""Quiet hours, inbox hours and the words that opt a number out or in."""

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doorstep.messaging import rules
from doorstep.messaging.rules import UK, InboxHours, QuietHours

QUIET = QuietHours.from_setting("21:00-08:00")


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 11, 23, 20, 59), datetime(2026, 11, 23, 20, 59)),
        (datetime(2026, 11, 23, 21, 0), datetime(2026, 11, 24, 8, 0)),
        (datetime(2026, 11, 23, 23, 30), datetime(2026, 11, 24, 8, 0)),
        (datetime(2026, 11, 24, 3, 0), datetime(2026, 11, 24, 8, 0)),
        (datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 8, 0)),
        # The clocks go forward on 29 March 2026: still 08:00 on the wall clock.
        (datetime(2026, 3, 28, 22, 0), datetime(2026, 3, 29, 8, 0)),
    ],
)
def test_quiet_hours(local, expected):
    assert QUIET.next_allowed(local.replace(tzinfo=UK)) == expected.replace(tzinfo=UK)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1)))
def test_the_next_allowed_time_is_never_quiet_nor_earlier(naive):
    moment = naive.replace(tzinfo=UK)
    allowed = QUIET.next_allowed(moment)
    assert allowed >= moment
    assert not QUIET.contains(allowed)


def test_empty_setting_means_no_quiet_hours(settings):
    settings.SMS_QUIET_HOURS = ""
    moment = datetime(2026, 11, 23, 23, 0, tzinfo=UK)
    assert rules.next_send_time(moment) == moment


def test_inbox_hours():
    hours = InboxHours.from_setting("Mon-Fri 09:00-17:00")
    assert hours.is_open(datetime(2026, 11, 23, 9, 0, tzinfo=UK))  # a Monday
    assert not hours.is_open(datetime(2026, 11, 23, 17, 0, tzinfo=UK))
    assert not hours.is_open(datetime(2026, 11, 28, 12, 0, tzinfo=UK))  # Saturday
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UK)
    assert hours.last_closed(saturday) == datetime(2026, 11, 27, 17, 0, tzinfo=UK)
    assert hours.describe() == "Monday to Friday, 9am to 5pm"
    assert InboxHours.from_setting("Sat 10:30-13:00").describe() == "Saturday, 10:30am to 1pm"


@pytest.mark.parametrize(
    "text", ["STOP", "stop", "Stop.", "STOP ALL", "stop thank you", "Unsubscribe", "opt out", "END"]
)
def test_stop_words(text):
    assert rules.is_stop_request(text)


@pytest.mark.parametrize("text", ["", "stopping by later", "Don't stop", "Thanks", "ok stop"])
def test_not_stop_words(text):
    assert not rules.is_stop_request(text)


@pytest.mark.parametrize("text", ["START", "start", "Unstop", "start please"])
def test_start_words(text):
    assert rules.is_start_request(text)
