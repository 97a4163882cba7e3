"""Shortening words to fit a text: cut between words, never inside one."""

from doorstep.messaging.composing import listing, shorten


def test_shorten_keeps_short_text_and_cuts_between_words():
    assert shorten("Find  your\npassport", 40) == "Find your passport"
    assert shorten("Send photos of your documents", 20) == "Send photos of..."
    assert shorten("Send photos, documents", 16) == "Send photos..."
    assert len(shorten("Send photos of your documents", 20)) <= 20
    assert shorten("Supercalifragilistic words", 10) == ""


def test_listing():
    assert listing([]) == "" and listing(["a"]) == "a"
    assert listing(["a", "b", "c"]) == "a, b and c"
