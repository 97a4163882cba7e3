"""Who may open each inclusion page; merged into tests/core/test_permission_matrix.py.

Digital Friends reach only their own list and their own matches: the visitor here is a Friend
with no matches, so every match page answers them 403, as it answers staff. Resident pages,
cases, documents and assessments are already closed to them in the main table.
"""

import datetime

from django.utils import timezone

from doorstep.core import roles
from doorstep.inclusion import services
from doorstep.inclusion.models import DigitalFriend

STAFF = [roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR]
COORDINATORS = [roles.TEAM_LEADER, roles.ADMINISTRATOR]
FRIENDS = [roles.DIGITAL_FRIEND]
NOBODY: list[str] = []

MATRIX = {
    "inclusion:skills_check": (STAFF, 200, "resident_pk"),
    "inclusion:history": (STAFF, 200, "resident_pk"),
    "inclusion:access_needs": (STAFF, 200, "resident_pk"),
    "inclusion:refer": (STAFF, 200, "resident_pk"),
    "inclusion:check": (STAFF, 200, "skills_check"),
    "inclusion:colleague_request": (STAFF, 200, None),
    "inclusion:public_check": ("public", 200, None),
    "inclusion:ask_for_help": ("public", 200, None),
    "inclusion:ask_for_help_sent": ("public", 200, None),
    "inclusion:volunteer": ("public", 200, None),
    "inclusion:volunteer_sent": ("public", 200, None),
    "inclusion:events": ("public", 200, None),
    "inclusion:event": ("public", 200, "digital_event"),
    "inclusion:coordinate": (COORDINATORS, 200, None),
    "inclusion:request": (COORDINATORS, 200, "help_request"),
    "inclusion:offer": (COORDINATORS, 405, "help_request"),
    "inclusion:arrange": (COORDINATORS, 200, "match"),
    "inclusion:friends": (COORDINATORS, 200, None),
    "inclusion:friend_new": (COORDINATORS, 200, None),
    "inclusion:friend": (COORDINATORS, 200, "friend"),
    "inclusion:friend_pause": (COORDINATORS, 405, "friend"),
    "inclusion:friend_edit": (COORDINATORS, 200, "friend"),
    "inclusion:friend_decline": (COORDINATORS, 200, "friend"),
    "inclusion:events_manage": (COORDINATORS, 200, None),
    "inclusion:event_manage": (COORDINATORS, 200, "digital_event"),
    "inclusion:booking_cancel": (COORDINATORS, 405, "event_signup"),
    "inclusion:impact": (COORDINATORS, 200, None),
    "inclusion:my_learners": (FRIENDS, 200, None),
    # Another Friend's match: nobody but that Friend.
    "inclusion:learner": (NOBODY, 200, "match"),
    "inclusion:log_session": (NOBODY, 200, "match"),
    # POST only; a GET from a Friend reaches the method check (405), anyone else gets 403.
    "inclusion:decline": (FRIENDS, 405, "match"),
    "inclusion:finish": (FRIENDS, 405, "match"),
}


def friend_details(**overrides) -> dict:
    details = {
        "full_name": "Fatima Friend",
        "email": "fatima@example.org",
        "phone": "07700 900 123",
        "kind": DigitalFriend.Kind.COMMUNITY,
        "topics": ["email", "uc_journal"],
        "languages": ["English"],
        "places": ["library"],
        "availability": ["mon_am", "wed_pm"],
        "postcode": "E8 2AA",
        "capacity": 2,
        "available_from": None,
    }
    return {**details, **overrides}


def objects(*, resident, other, case, team, administrator):
    """The URL arguments this app's pages need, keyed by the names used in MATRIX."""
    friend = services.sign_up_friend(actor=administrator, **friend_details())
    today = timezone.localdate()
    friend = services.approve_friend(
        actor=administrator,
        friend=friend,
        safeguarding_trained_on=today,
        data_protection_trained_on=today,
    )
    help_request = services.make_help_request(
        actor=administrator,
        source="officer",
        resident=resident,
        name=resident.full_name,
        goal="Use the Universal Credit journal",
        topics=["uc_journal"],
        places=["library"],
        availability=["mon_am"],
    )
    match = services.offer_match(actor=administrator, help_request=help_request, friend=friend)
    check = services.record_skills_check(
        actor=administrator,
        resident=resident,
        tasks=["send_email"],
        routing={"ever_used": True, "still_uses": True, "likes_using": True, "basics": "some"},
        has_device=True,
        connection="mobile",
        enough_data=True,
        confidence=3,
    )
    event = services.create_event(
        actor=administrator,
        title="Digital speed dating",
        place="Central Library",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        ends_at=timezone.now() + datetime.timedelta(days=7, hours=2),
        capacity=10,
        topics=["smartphone"],
    )
    signup = services.sign_up_for_event(
        actor=None, event=event, name="Sam Booker", email="sam@example.org"
    )
    return {
        "event_signup": {"pk": signup.pk},
        "skills_check": {"pk": check.pk},
        "help_request": {"pk": help_request.pk},
        "match": {"pk": match.pk},
        "friend": {"pk": friend.pk},
        "digital_event": {"pk": event.pk},
    }
