"""Forms for digital inclusion. Fields are lenient; the services hold the rules and messages.

One module per part of the work; the forms are re-exported here.
"""

from .events import CapacityForm, EventForm, EventSignupForm
from .friends import (
    AdminFriendForm,
    ApproveForm,
    DeclineFriendForm,
    EditFriendForm,
    FriendForm,
)
from .impact import ImpactForm
from .matches import AcceptForm, OfferForm, SessionForm
from .requests import HelpRequestForm, PublicHelpRequestForm, ReferralForm
from .skills import AccessNeedsForm, SkillsCheckForm

__all__ = [
    "AcceptForm",
    "AccessNeedsForm",
    "AdminFriendForm",
    "ApproveForm",
    "CapacityForm",
    "DeclineFriendForm",
    "EditFriendForm",
    "EventForm",
    "EventSignupForm",
    "FriendForm",
    "HelpRequestForm",
    "ImpactForm",
    "OfferForm",
    "PublicHelpRequestForm",
    "ReferralForm",
    "SessionForm",
    "SkillsCheckForm",
]
