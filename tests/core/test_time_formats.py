"""Times are written for people one way, the GOV.UK way: "7:48am", "3pm", "midday".

The templates and the code that writes texts and messages go through core.formats; the checks
below fail when a page or a text formats a time some other way.
"""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from doorstep.core.formats import govuk_datetime, govuk_time

SRC = Path(__file__).resolve().parents[2] / "src" / "doorstep"
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("clock", "words"),
    [
        (datetime.time(7, 48), "7:48am"),
        (datetime.time(15, 0), "3pm"),
        (datetime.time(9, 5), "9:05am"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(12, 30), "12:30pm"),
        (datetime.time(0, 0), "midnight"),
        (datetime.time(0, 15), "12:15am"),
        (datetime.time(23, 59), "11:59pm"),
    ],
)
def test_times_in_govuk_style(clock, words):
    assert govuk_time(clock) == words


def test_times_are_shown_in_uk_time():
    summer = datetime.datetime(2026, 7, 1, 6, 48, tzinfo=UTC)  # 7:48am BST
    assert govuk_time(summer) == "7:48am"
    assert govuk_datetime(summer) == "1 July 2026 at 7:48am"
    assert govuk_datetime(summer, "l j F") == "Wednesday 1 July at 7:48am"
    winter = datetime.datetime(2026, 12, 3, 14, 0, tzinfo=ZoneInfo("Europe/London"))
    assert govuk_datetime(winter, "j M Y") == "3 Dec 2026 at 2pm"
    assert govuk_time(None) == "" and govuk_datetime(None) == ""


def test_every_template_has_the_time_filters():
    moment = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=UTC)
    page = Template('{{ moment|govuk_datetime:"j M Y" }}; {{ moment|govuk_time }}').render(
        Context({"moment": moment})
    )
    assert page == "3 Dec 2026 at 12:30pm; 12:30pm"


# Django date-format characters that write a time (or a time zone): not for people's eyes.
TIME_CHARACTERS = set("aAfgGhHiPsuTeOZrU")
# Machine-readable formats, such as a <time datetime="..."> attribute.
MACHINE_FORMATS = {"c", "Y-m-d"}
DATE_FORMAT_IN_TEMPLATE = re.compile(r"""(?:\|date:|\{%\s*now\s+)(["'])(.*?)\1""")


def _templates():
    return [*SRC.rglob("templates/**/*.html"), *SRC.rglob("templates/**/*.txt")]


def test_no_template_writes_a_time_with_the_date_filter():
    found = []
    for path in _templates():
        text = path.read_text()
        for _quote, fmt in DATE_FORMAT_IN_TEMPLATE.findall(text):
            unescaped = re.sub(r"\\.", "", fmt)
            if fmt not in MACHINE_FORMATS and TIME_CHARACTERS & set(unescaped):
                found.append(f"{path.relative_to(SRC)}: {fmt}")
        if re.search(r"\|time\b", text):
            found.append(f"{path.relative_to(SRC)}: |time")
    assert not found, "Use |govuk_time or |govuk_datetime for times:\n" + "\n".join(found)


# strftime codes of a clock in Python (an f-string or strftime): %H:%M, %I, %p.
PYTHON_TIME = re.compile(r"%H:%M|%I|%p")
# Sortable stamps in file names and object names, and the formats a form reads a time in.
PYTHON_ALLOWED = re.compile(r"%Y-%m-%d %H:%M|input_formats")


def test_no_code_writes_a_time_with_strftime():
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if PYTHON_TIME.search(line) and not PYTHON_ALLOWED.search(line):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "Use core.formats.govuk_time for times:\n" + "\n".join(found)
