"""Every write about digital inclusion. Keyword-only, atomic, audited; views and the API call these.

Checks raise django ValidationError with a message per field, in the GOV.UK voice, and write
nothing then. Texts go through the messaging service: a learner or Friend who cannot be texted
is not an error, the reason comes back as a warning for the page to show.

One module per kind of write; this package re-exports their public functions so callers import
`doorstep.inclusion.services` only.
"""

from .. import skills
from ..reminders import NUDGE_CONDITION, reminder_needed, send_learner_reminder
from .access_needs import save_access_needs
from .event_signups import Cancelled, cancel_signup, sign_up_for_event
from .events import change_event_capacity, create_event, record_attendance
from .friend_changes import (
    EDITABLE_FRIEND_FIELDS,
    clean_friend_changes,
    set_friend_paused,
    update_friend,
)
from .friends import approve_friend, clean_friend, decline_friend, sign_up_friend
from .help_requests import REFERRAL_CHANNELS, clean_help_request, make_help_request
from .matches import Arranged, accept_match, decline_match, end_match, offer_match
from .merging import move_resident
from .reads import record_check_view, record_list_view, record_resident_view, record_view
from .rules import MAX_CAPACITY, MAX_EVENT_CAPACITY, MAX_MINUTES, MAX_TEXT
from .sessions import log_session
from .skills_checks import clean_routing, record_skills_check

__all__ = [
    "EDITABLE_FRIEND_FIELDS",
    "MAX_CAPACITY",
    "MAX_EVENT_CAPACITY",
    "MAX_MINUTES",
    "MAX_TEXT",
    "NUDGE_CONDITION",
    "REFERRAL_CHANNELS",
    "Arranged",
    "Cancelled",
    "accept_match",
    "approve_friend",
    "cancel_signup",
    "change_event_capacity",
    "clean_friend",
    "clean_friend_changes",
    "clean_help_request",
    "clean_routing",
    "create_event",
    "decline_friend",
    "decline_match",
    "end_match",
    "log_session",
    "make_help_request",
    "move_resident",
    "offer_match",
    "record_attendance",
    "record_check_view",
    "record_list_view",
    "record_resident_view",
    "record_skills_check",
    "record_view",
    "reminder_needed",
    "save_access_needs",
    "send_learner_reminder",
    "set_friend_paused",
    "sign_up_for_event",
    "sign_up_friend",
    "skills",
    "update_friend",
]
