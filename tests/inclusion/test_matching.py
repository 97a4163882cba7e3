"""Ranking Digital Friends: topic, language, place, availability, capacity, pauses, ties."""

import pytest

from doorstep.inclusion.matching import Candidate, area, district, make_need, rank


def friend(id, name="Friend", **kwargs):
    values = {
        "topics": frozenset({"email"}),
        "languages": frozenset({"english"}),
        "places": frozenset({"library"}),
        "slots": frozenset({"mon_am"}),
        "postcode": "",
        "capacity": 2,
        "load": 0,
    }
    values.update({k: frozenset(v) if isinstance(v, set) else v for k, v in kwargs.items()})
    return Candidate(id=id, name=name, **values)


NEED = make_need(
    topics=["email"], language="English", places=["library"], slots=["mon_am"], postcode="E8 1DY"
)


def ids(ranked):
    return [r.candidate.id for r in ranked]


def test_topic_language_place_and_availability_each_count():
    everything = friend(1, "A")
    no_language = friend(2, "B", languages={"bengali"})
    no_place = friend(3, "C", places={"jobcentre"})
    no_time = friend(4, "D", slots={"fri_pm"})
    ranked = rank(NEED, [no_time, no_place, no_language, everything])
    assert ids(ranked)[0] == 1
    # Language (20) outweighs place (15) and time (15); place and time tie, broken by name.
    assert ids(ranked) == [1, 3, 4, 2]
    assert "Speaks English" in ranked[0].reasons
    assert "Does not speak English" in ranked[-1].reasons


def test_more_of_the_topics_ranks_higher():
    need = make_need(
        topics=["email", "scams"], language="English", places=["library"], slots=["mon_am"]
    )
    ranked = rank(need, [friend(1, "A"), friend(2, "B", topics={"email", "scams"})])
    assert ids(ranked) == [2, 1]
    assert ranked[1].reasons[0] == "Helps with e-mail (1 of 2 topics)"


def test_a_friend_with_none_of_the_topics_is_not_offered():
    assert rank(NEED, [friend(1, topics={"scams"})]) == []


def test_nobody_over_capacity_is_offered():
    ranked = rank(
        NEED,
        [
            friend(1, capacity=2, load=2),
            friend(2, capacity=1, load=1),
            friend(3, capacity=3, load=2),
        ],
    )
    assert ids(ranked) == [3]


def test_a_paused_friend_is_never_offered():
    assert rank(NEED, [friend(1, paused=True), friend(2, approved=False)]) == []


def test_home_visits_need_a_dbs_check():
    need = make_need(topics=["email"], language="English", places=["home_visit"], slots=["mon_am"])
    candidates = [
        friend(1, places={"home_visit"}),
        friend(2, places={"home_visit"}, dbs_checked=True),
    ]
    assert ids(rank(need, candidates)) == [2]


def test_distance_by_postcode_district_then_area():
    near = friend(1, "Zed", postcode="E8 3AA")
    same_area = friend(2, "Yan", postcode="E17 4BB")
    far = friend(3, "Abe", postcode="N16 7AA")
    ranked = rank(NEED, [far, same_area, near])
    assert ids(ranked) == [1, 2, 3]
    assert "Same postcode district (E8)" in ranked[0].reasons
    assert "Same postcode area (E)" in ranked[1].reasons


def test_distance_does_not_count_for_phone_help():
    need = make_need(
        topics=["email"], language="English", places=["phone"], slots=["mon_am"], postcode="E8 1DY"
    )
    ranked = rank(
        need,
        [
            friend(1, "B", places={"phone"}, postcode="E8 2AA"),
            friend(2, "A", places={"phone"}, postcode="N1 1AA"),
        ],
    )
    assert ranked[0].score == ranked[1].score
    assert ids(ranked) == [2, 1]


def test_ties_are_broken_by_load_then_name_then_id():
    candidates = [
        friend(5, "Bea", capacity=4, load=1),
        friend(4, "Bea", capacity=4, load=1),
        friend(3, "amy", capacity=4, load=1),
        friend(2, "Cat", capacity=4, load=0),
    ]
    first = ids(rank(NEED, candidates))
    assert first == ids(rank(NEED, list(reversed(candidates))))
    assert first[0] == 2  # fewest people already, and the load points
    assert first[1:] == [3, 4, 5]


def test_limit_and_no_topics():
    candidates = [friend(i, f"F{i:03d}") for i in range(30)]
    assert len(rank(NEED, candidates)) == 10
    assert len(rank(NEED, candidates, limit=None)) == 30
    empty = make_need(topics=[], language="", places=[], slots=[])
    assert rank(empty, candidates) == []


@pytest.mark.parametrize(
    ("postcode", "expected_district", "expected_area"),
    [
        ("E8 1DY", "E8", "E"),
        ("sw1a 1aa", "SW1A", "SW"),
        ("N16", "N16", "N"),
        ("", "", ""),
        ("nonsense", "", ""),
    ],
)
def test_postcode_district_and_area(postcode, expected_district, expected_area):
    assert district(postcode) == expected_district
    assert area(postcode) == expected_area


def test_the_fast_points_always_agree_with_the_explained_ones():
    import random

    from doorstep.inclusion import matching
    from doorstep.inclusion.skills import PLACES, SLOTS, TOPICS

    rng = random.Random(7)
    for _ in range(500):
        candidate = friend(
            1,
            topics=set(rng.sample(list(TOPICS), 3)),
            languages=set(rng.sample(["english", "polish", "bengali"], 1)),
            places=set(rng.sample(list(PLACES), 2)),
            slots=set(rng.sample(list(SLOTS), 3)),
            postcode=rng.choice(["E8 1AA", "E17 2BB", "N16 7AA", ""]),
            capacity=3,
            dbs_checked=rng.random() < 0.5,
        )
        need = make_need(
            topics=rng.sample(list(TOPICS), 2),
            language=rng.choice(["English", "Polish"]),
            places=rng.sample(list(PLACES), rng.randint(0, 2)),
            slots=rng.sample(list(SLOTS), rng.randint(0, 3)),
            postcode=rng.choice(["E8 1DY", "N1 1AA", ""]),
        )
        load = rng.randint(0, 2)
        nd, na = district(need.postcode), area(need.postcode)
        explained, _ = matching._evaluate(candidate, need, nd, na, load, True)
        assert matching._points(candidate, need, nd, na, load) == explained


@pytest.mark.django_db
def test_after_an_edit_the_pool_reads_only_the_friends_that_changed(administrator):
    from doorstep.inclusion import queries, services
    from doorstep.inclusion.models import DigitalFriend

    from .conftest import approved_friend

    queries._POOL["pool"] = None
    first = approved_friend(administrator, full_name="Ann", email="ann@example.org")
    second = approved_friend(administrator, full_name="Bea", email="bea@example.org")
    before = {candidate.id: candidate for candidate in queries.pool().candidates}
    assert set(before) == {first.pk, second.pk}

    details = {
        "email": second.email,
        "phone": second.phone,
        "topics": ["email"],
        "languages": second.languages,
        "places": second.places,
        "availability": second.availability,
        "postcode": second.postcode,
        "capacity": second.capacity,
    }
    services.update_friend(actor=administrator, friend=second, **details)
    after = {candidate.id: candidate for candidate in queries.pool().candidates}
    assert after[first.pk] is before[first.pk]  # untouched: not read again
    assert after[second.pk].topics == frozenset({"email"})

    services.set_friend_paused(actor=administrator, friend=first, paused=True)
    third = approved_friend(administrator, full_name="Cat", email="cat@example.org")
    assert {candidate.id for candidate in queries.pool().candidates} == {second.pk, third.pk}

    DigitalFriend.objects.filter(pk=third.pk).delete()  # gone without a change being seen
    assert {candidate.id for candidate in queries.pool().candidates} == {second.pk}
