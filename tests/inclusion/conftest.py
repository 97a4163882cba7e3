import datetime

import pytest
from django.utils import timezone

from doorstep.inclusion import services

from ..factories import PhoneFactory, ResidentFactory
from .matrix import friend_details


@pytest.fixture(autouse=True)
def _texts(texting_any_time):
    """Texts go to the outbox at once, at any hour."""


@pytest.fixture
def learner(db):
    resident = ResidentFactory(first_name="Amina", last_name="Khan", postcode="E8 1DY")
    PhoneFactory(resident=resident, number="+447700900982")
    return resident


def approved_friend(actor, **overrides):
    friend = services.sign_up_friend(actor=actor, **friend_details(**overrides))
    today = timezone.localdate()
    return services.approve_friend(
        actor=actor,
        friend=friend,
        safeguarding_trained_on=today,
        data_protection_trained_on=today,
        dbs_checked_on=today if "home_visit" in friend.places else None,
    )


@pytest.fixture
def friend(administrator):
    return approved_friend(administrator)


@pytest.fixture
def help_request(officer, learner):
    return services.make_help_request(
        actor=officer,
        source="officer",
        resident=learner,
        name=learner.full_name,
        phone="07700 900982",
        goal="Use the Universal Credit journal on my own",
        topics=["uc_journal"],
        places=["library"],
        availability=["mon_am"],
        postcode="E8 1DY",
    )


def meeting_time(days=3):
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


@pytest.fixture
def accepted(team_leader, help_request, friend):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    return services.accept_match(
        actor=team_leader,
        match=match,
        first_meeting_at=meeting_time(),
        meeting_place="Central Library",
    ).match
