"""Scoring the "I can…" statements and what would help."""

from doorstep.inclusion import skills


def test_foundation_needs_all_eight_tasks():
    all_eight = list(skills.FOUNDATION_TASKS)
    assert skills.score(all_eight).foundation
    result = skills.score(all_eight[:-1])
    assert not result.foundation
    assert result.foundation_missing == ["change_password"]


def test_skills_for_life_need_one_task_in_each_of_the_five_areas():
    one_each = [next(iter(area.tasks)) for area in skills.LIFE_AREAS]
    assert skills.score(one_each).essential_for_life
    result = skills.score(one_each[:-1])
    assert not result.essential_for_life
    assert result.missing_area_labels == ["Being safe and legal online"]
    assert skills.score([]).areas == []


def test_suggestions_start_with_access_then_friends_and_learning(settings):
    settings.INCLUSION_LEARNING_URL = "https://learn.example/"
    found = skills.what_would_help(
        level=5, result=skills.score([]), has_device=False, connection="none", enough_data=False
    )
    texts = [s.text for s in found]
    assert texts[0].startswith("A device scheme")
    assert texts[1].startswith("Free mobile data")
    topics = [s.topic for s in found if s.topic]
    assert topics == ["getting_started", "uc_journal", "scams", "email"]
    assert found[-1].link == "https://learn.example/"


def test_someone_offline_by_choice_gets_assisted_digital_only():
    found = skills.what_would_help(
        level=1, result=skills.score([]), has_device=True, connection="home", enough_data=True
    )
    assert [s.text.split(":")[0] for s in found] == ["Assisted digital"]


def test_someone_with_every_skill_is_sent_the_link():
    found = skills.what_would_help(
        level=8,
        result=skills.score(skills.ALL_TASKS),
        has_device=True,
        connection="home",
        enough_data=True,
    )
    assert [s.text for s in found] == [
        "They can use online services on their own: send them the link"
    ]
