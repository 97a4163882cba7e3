"""The digital inclusion scale rule, table-driven: answers in, level out."""

import pytest

from doorstep.inclusion.scale import LEVELS, RULE, MissingAnswer, RoutingAnswers, place

Y, N = True, False

CASES = [
    # ever, wants, still, likes, basics, help, advanced -> level
    ((N, N, None, None, None, None, None), 1),
    ((N, Y, None, None, None, None, None), 3),
    ((Y, None, N, None, None, None, None), 2),
    ((Y, None, Y, N, None, None, None), 4),
    ((Y, None, Y, Y, "none", None, None), 5),
    ((Y, None, Y, Y, "some", None, None), 6),
    ((Y, None, Y, Y, "all", Y, None), 7),
    ((Y, None, Y, Y, "all", N, N), 8),
    ((Y, None, Y, Y, "all", N, Y), 9),
    # Edge cases: answers the rule does not reach are ignored, whatever they say.
    ((N, Y, Y, Y, "all", N, Y), 3),
    ((Y, N, N, Y, "all", N, Y), 2),
    ((Y, None, Y, N, "all", N, Y), 4),
    ((Y, None, Y, Y, "some", N, Y), 6),
    ((Y, None, Y, Y, "none", N, Y), 5),
    ((Y, None, Y, Y, "all", Y, Y), 7),
]


@pytest.mark.parametrize(("answers", "level"), CASES)
def test_answers_place_the_level(answers, level):
    placement = place(RoutingAnswers(*answers))
    assert placement.level == level
    assert placement.label == LEVELS[level][0]
    assert placement.reason


MISSING = [
    ((None,), "ever_used"),
    ((N,), "wants_to_be_online"),
    ((Y,), "still_uses"),
    ((Y, None, Y), "likes_using"),
    ((Y, None, Y, Y), "basics"),
    ((Y, None, Y, Y, "lots"), "basics"),
    ((Y, None, Y, Y, "all"), "needs_help"),
    ((Y, None, Y, Y, "all", N), "advanced"),
]


@pytest.mark.parametrize(("answers", "field"), MISSING)
def test_a_question_the_rule_needs_must_be_answered(answers, field):
    with pytest.raises(MissingAnswer) as raised:
        place(RoutingAnswers(*answers))
    assert raised.value.field == field
    assert raised.value.message.startswith("Select")


def test_the_rule_shown_covers_every_level_once():
    assert sorted(level for _, level in RULE) == list(range(1, 10))
