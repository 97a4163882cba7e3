"""Every change to shared plans, one module per kind of change:

history        the version, change rows, snapshot, timeline event and audit each change leaves
plans          making a plan, changing its details, agreeing it, moving plans on a merge
goals_actions  goals and their actions
comments       comments on actions
sharing        texting the resident a link, stopping a link
links          the kind of link a plan's is, and the one-time code that opens it
reminders      texts before and after an action's due date
templates      plan templates (Administrators)

Callers import from here: `from doorstep.plans import services`.
"""

from .comments import add_comment
from .goals_actions import (
    add_action,
    add_goal,
    remove_action,
    remove_goal,
    set_action_status,
    update_action,
    update_goal,
)
from .history import (
    RESIDENT_AUDIT_ACTOR,
    RESIDENT_LABEL,
    SERVICE,
    UK,
    Change,
    StaleEdit,
    actor_label,
    date_words,
    mark_resident_changes_seen,
    record_read,
    snapshot,
    when_words,
)
from .links import CODE_SALT, LINK, CodeResult, LinkDead, check_code, send_code
from .plans import AGREEMENT_CHANNELS, agree_plan, create_plan, move_plans, update_plan
from .reminders import (
    REMINDER_CONDITION,
    REMINDER_HOUR,
    REMINDER_KINDS,
    _schedule_reminders,
    reminder_condition,
    reminder_still_needed,
)
from .sharing import SHARE_TEXT, link_url, revoke_link, share_plan
from .templates import save_template

__all__ = [
    "AGREEMENT_CHANNELS",
    "CODE_SALT",
    "LINK",
    "REMINDER_CONDITION",
    "REMINDER_HOUR",
    "REMINDER_KINDS",
    "RESIDENT_AUDIT_ACTOR",
    "RESIDENT_LABEL",
    "SERVICE",
    "SHARE_TEXT",
    "UK",
    "Change",
    "CodeResult",
    "LinkDead",
    "StaleEdit",
    "_schedule_reminders",
    "actor_label",
    "add_action",
    "add_comment",
    "add_goal",
    "agree_plan",
    "check_code",
    "create_plan",
    "date_words",
    "link_url",
    "mark_resident_changes_seen",
    "move_plans",
    "record_read",
    "remove_action",
    "remove_goal",
    "reminder_condition",
    "reminder_still_needed",
    "revoke_link",
    "save_template",
    "send_code",
    "set_action_status",
    "share_plan",
    "snapshot",
    "update_action",
    "update_goal",
    "update_plan",
    "when_words",
]
