import math

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from doorstep.messaging.sms import (
    GSM_BASIC,
    GSM_EXTENSION,
    LINE_SEPARATORS,
    LOOK_ALIKES,
    MAX_LENGTH,
    measure,
    normalise,
    placeholders,
    render,
)

GSM_CHARS = "".join(sorted(GSM_BASIC))
EXTENSION_CHARS = "".join(sorted(GSM_EXTENSION))
NON_GSM = st.characters(
    exclude_characters=GSM_CHARS + EXTENSION_CHARS + "".join(LOOK_ALIKES) + LINE_SEPARATORS
)


def messages(text):
    return [message for error in text.value.error_list for message in error.messages]


# --- Character sets ---------------------------------------------------------------------


def test_character_sets_are_the_gsm_03_38_tables():
    # 128 code points in the default alphabet, less ESC; 9 printable extension characters.
    assert len(GSM_BASIC) == 127
    assert GSM_EXTENSION == set("^{}\\[~]|€")
    assert not GSM_BASIC & GSM_EXTENSION
    assert {"@", "£", "¥", "Ç", "Δ", "¤", "¡", "§", "¿", "à", "\n", "\r"} <= GSM_BASIC
    assert {"`", "ç", "á", "ł", "\x1b", "\t"}.isdisjoint(GSM_BASIC | GSM_EXTENSION)


# --- normalise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u2018quoted\u2019", "'quoted'"),
        ("\u201aquoted\u201b", "'quoted'"),
        ("\u201cquoted\u201d", '"quoted"'),
        ("\u201equoted\u201f", '"quoted"'),
        ("9\u201317 May", "9-17 May"),  # en dash
        ("wait\u2014no", "wait-no"),  # em dash
        ("a\u2010b\u2011c\u2012d\u2015e", "a-b-c-d-e"),
        ("\u22125", "-5"),  # minus sign
        ("and so\u2026", "and so..."),
        ("zero\u200bwidth", "zerowidth"),
        ("zero\u200cwidth", "zerowidth"),
        ("zero\u200dwidth", "zerowidth"),
        ("zero\u2060width", "zerowidth"),
        ("\ufeffstart", "start"),
        ("tab\there", "tab here"),
        ("no\u00a0break", "no break"),
        ("narrow\u202fspace", "narrow space"),
        ("thin\u2009space", "thin space"),
        ("ideographic\u3000space", "ideographic space"),
        ("line\r\nbreak", "line\nbreak"),
        ("old\rmac", "old\nmac"),
        ("Dear Ms Müller, £5 ok?", "Dear Ms Müller, £5 ok?"),  # already GSM: unchanged
        ("emoji 😀 stays", "emoji 😀 stays"),  # no look-alike: left for measure to flag
    ],
)
def test_normalise_replaces_look_alikes(raw, expected):
    assert normalise(raw) == expected


def test_every_look_alike_becomes_gsm_or_disappears():
    for char, replacement in LOOK_ALIKES.items():
        assert measure(f"a{char}b").encoding == "GSM", repr(char)
        assert normalise(char) == (replacement or "")


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


# --- measure: table tests ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "length", "fragments", "left"),
    [
        ("", "GSM", 0, 0, 160),
        ("a", "GSM", 1, 1, 159),
        ("a" * 160, "GSM", 160, 1, 0),
        ("a" * 161, "GSM", 161, 2, 145),
        ("a" * 306, "GSM", 306, 2, 0),
        ("a" * 307, "GSM", 307, 3, 152),
        ("a" * 918, "GSM", 918, 6, 0),
        ("€" * 80, "GSM", 160, 1, 0),  # extension characters count double
        ("€" * 81, "GSM", 162, 2, 144),
        ("{}" * 40 + "a", "GSM", 161, 2, 145),
        ("ł" * 70, "UCS-2", 70, 1, 0),
        ("ł" * 71, "UCS-2", 71, 2, 63),
        ("ł" * 134, "UCS-2", 134, 2, 0),
        ("ł" * 135, "UCS-2", 135, 3, 66),
        ("😀", "UCS-2", 2, 1, 68),  # outside the BMP: two UTF-16 code units
        ("😀" * 35, "UCS-2", 70, 1, 0),
        ("😀" * 35 + "a", "UCS-2", 71, 2, 63),
        ("€ł", "UCS-2", 2, 1, 68),  # in UCS-2 an extension character is just one unit
    ],
)
def test_measure(text, encoding, length, fragments, left):
    info = measure(text)
    assert (info.encoding, info.length, info.fragments) == (encoding, length, fragments)
    assert info.characters_left_in_fragment == left


def test_one_non_gsm_character_makes_the_whole_message_ucs2_and_is_named():
    info = measure("a" * 100 + "ç" + "b" * 10 + "ł")
    assert info.encoding == "UCS-2"
    assert info.first_non_gsm_character == "ç"
    assert info.fragments == 2
    assert "“ç” (latin small letter c with cedilla)" in info.summary


def test_gsm_message_names_no_character():
    info = measure("Your appointment is at 10am")
    assert info.first_non_gsm_character is None
    assert info.summary == "27 characters, 1 text message"


def test_measure_counts_the_normalised_text():
    # Curly quotes alone must not push a message into UCS-2.
    info = measure("\u201cHello\u201d \u2013 it\u2019s done\u2026")
    assert info.encoding == "GSM"
    assert info.length == len('"Hello" - it\'s done...')


# --- measure: properties ----------------------------------------------------------------


@given(st.text())
def test_fragments_match_the_limits(text):
    info = measure(text)
    single, part = (160, 153) if info.encoding == "GSM" else (70, 67)
    if info.length == 0:
        assert info.fragments == 0
    elif info.length <= single:
        assert info.fragments == 1
    else:
        assert info.fragments == math.ceil(info.length / part) >= 2
        assert info.fragments * part >= info.length > (info.fragments - 1) * part
    assert info.characters_left_in_fragment >= 0


@given(st.text(alphabet=st.sampled_from(sorted(GSM_BASIC - {"\r"}))))
def test_gsm_basic_text_is_gsm_with_one_septet_a_character(text):
    info = measure(text)
    assert info.encoding == "GSM"
    assert info.length == len(text)
    assert info.first_non_gsm_character is None


@given(
    st.text(alphabet=st.sampled_from(sorted(GSM_BASIC - {"\r"}))),
    st.text(alphabet=st.sampled_from(EXTENSION_CHARS)),
)
def test_extension_characters_count_two_septets(basic, extension):
    assert measure(basic + extension).length == len(basic) + 2 * len(extension)


@given(st.text(alphabet=st.sampled_from(GSM_CHARS + EXTENSION_CHARS)), NON_GSM, st.data())
def test_adding_a_non_gsm_character_switches_to_ucs2(text, char, data):
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    info = measure(text[:at] + char + text[at:])
    assert info.encoding == "UCS-2"
    assert info.first_non_gsm_character == char
    assert info.length >= len(normalise(text)) + 1


# --- placeholders -------------------------------------------------------------------------


def test_placeholders_in_order_once_each_case_and_spaces_ignored():
    text = "Hi ((First Name)), ((officer  name)) here. ((first name)): due ((DUE DATE)) ((link))"
    assert placeholders(text) == ["first name", "officer name", "due date", "link"]


def test_placeholders_ignore_blank_and_bracketed_text():
    assert placeholders("(( )) (not one) ((a\nb)) (((x)))") == ["x"]


def test_render_fills_placeholders_whatever_their_case():
    text = render(
        "Hi ((First Name)), please send your payslips by ((due date)): ((link))",
        {"first name": "Amina", "Due  Date": "5 May", "link": "https://e.example/u/1"},
    )
    assert text == "Hi Amina, please send your payslips by 5 May: https://e.example/u/1"


def test_render_normalises_the_result():
    assert render("((name))\u2019s form \u2013 done", {"name": "O\u2019Brien"}) == (
        "O'Brien's form - done"
    )


def test_render_refuses_missing_values():
    with pytest.raises(ValidationError) as error:
        render("Hi ((first name)), due ((due date)) ((link))", {"first name": "Amina"})
    assert messages(error) == ["There is no value for ((due date)) and ((link))"]
    assert error.value.error_list[0].code == "missing_value"


def test_render_treats_none_as_missing_but_empty_as_given():
    with pytest.raises(ValidationError):
        render("Hi ((name))", {"name": None})
    assert render("Hi ((name))", {"name": ""}) == "Hi "


def test_render_refuses_unknown_placeholders():
    with pytest.raises(ValidationError) as error:
        render(
            "Hi ((first name)), your ((shoe size))",
            {"first name": "Amina"},
            allowed={"first name", "due date"},
        )
    # Unknown, so not reported a second time as missing a value.
    assert messages(error) == [
        "Remove ((shoe size)) or change it to a placeholder you can use: "
        "((due date)), ((first name))"
    ]
    assert error.value.error_list[0].code == "unknown_placeholder"


def test_render_reports_unknown_and_missing_together():
    with pytest.raises(ValidationError) as error:
        render("((a)) ((b)) ((c))", {}, allowed={"a"})
    assert messages(error) == [
        "Remove ((b)) and ((c)) or change them to a placeholder you can use: ((a))",
        "There is no value for ((a))",
    ]


def test_render_with_no_placeholders_allowed():
    with pytest.raises(ValidationError) as error:
        render("Hi ((name))", {"name": "Amina"}, allowed=set())
    assert messages(error) == ["Remove ((name)): this message cannot have placeholders"]


def test_render_allowed_names_are_normalised_too():
    assert render("((First Name))", {"first name": "Amina"}, allowed={"First  Name"}) == "Amina"


def test_values_cannot_inject_placeholders():
    text = render(
        "Hi ((name)), from ((officer))",
        {"name": "((officer)) ((secret))", "officer": "Sam"},
        allowed={"name", "officer"},
    )
    assert text == "Hi ((officer)) ((secret)), from Sam"


def test_render_allows_exactly_918_characters():
    assert len(render("((body))", {"body": "a" * MAX_LENGTH})) == MAX_LENGTH


def test_render_refuses_more_than_918_characters():
    with pytest.raises(ValidationError) as error:
        render("((body))", {"body": "a" * 950})
    assert messages(error) == [
        "The message is 950 characters long. The most a text can be is 918 characters: "
        "remove 32 characters"
    ]
    with pytest.raises(ValidationError) as error:
        render("x((body))", {"body": "a" * MAX_LENGTH})
    assert messages(error)[0].endswith("remove 1 character")


def test_length_limit_counts_after_normalising():
    # 918 ellipses become 2,754 dots; 918 zero-width spaces become nothing.
    with pytest.raises(ValidationError):
        render("((body))", {"body": "\u2026" * MAX_LENGTH})
    assert render("a((body))", {"body": "\u200b" * 2000}) == "a"


@given(
    st.text(alphabet=st.characters(exclude_characters="()\r"), max_size=50),
    st.text(alphabet=st.characters(exclude_characters="\r"), max_size=50),
    st.text(min_size=1, max_size=20).filter(lambda name: "(" not in name and ")" not in name),
)
def test_values_are_inserted_verbatim_never_expanded(prefix, value, inner):
    injected = f"{value}(({inner}))"
    text = render(f"{prefix}((x))", {"x": injected}, allowed={"x"})
    assert normalise(injected) in text
    assert text == normalise(prefix) + normalise(injected)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\r\n", "\r"])
def test_pasted_line_separators_become_line_breaks_and_keep_the_text_gsm(separator):
    text = f"Your appointment is on Monday.{separator}Bring your letter."
    assert normalise(text) == "Your appointment is on Monday.\nBring your letter."
    info = measure(normalise(text))
    assert info.encoding == "GSM"
    assert info.fragments == 1


def test_notify_replaces_what_it_cannot_send():
    from doorstep.messaging.sms import as_sent, changed_characters

    assert as_sent("😬 Łódź ŵ ś é", "notify") == "? Lódz ŵ s é"
    assert as_sent("😬 Łódź", "outbox") == "😬 Łódź"
    assert changed_characters("😬😬 ł", "notify") == (("😬", "?"), ("ł", "l"))
    assert changed_characters("😬", "twilio") == ()
    assert measure("Hi 😬", "notify").encoding == "GSM"
    assert measure("Hi 😬").encoding == "UCS-2"
