"""Every change to texts, one module per kind of write; other apps import from here.

- `sending`: queue a text to a resident, an automatic text, reminders (nudges).
- `inbound`: texts from residents, STOP and START, linking, read and handled.
- `opt_outs`: numbers opted out of texts and back in.
- `templates`: the texts officers start from.
- `group_texts`: one text to many residents.
- `records`: staff reads of texts, and texts following a merged resident.

What the background tasks run sits beside this package and is re-exported here, so tasks and
actions never import each other in a loop: `messaging.delivery` hands a queued text to the
provider, never twice; `messaging.cohort_sending` queues and sends a group text;
`messaging.receipts` records delivery receipts and texts that never got one.

What a text says and who may get one (reads) is in `messaging.composing`, re-exported here for
the apps that send texts. Other apps call `send_message`, `send_system_text`, `schedule_nudge`,
`cancel_nudges` and the checks; nothing else.
"""

from ..cohort_sending import DISPATCH_TIME_BUDGET, dispatch_cohort, insert_messages, queue_cohort
from ..composing import (
    CALLER_PLACEHOLDERS,
    EXAMPLE_VALUES,
    FIRST_CONTACT_FOOTER,
    NO_CONSENT,
    NO_MOBILE,
    OPTED_OUT,
    STANDARD_PLACEHOLDERS,
    TEMPLATE_PLACEHOLDERS,
    ComposedText,
    NotTextable,
    check_template_body,
    check_textable,
    compose,
    example_values,
    is_first_contact,
    is_opted_out,
    listing,
    mobile_number,
    opted_out_numbers,
    placeholder_values,
    preview_message,
    shorten,
    signature,
    standard_values,
    textable_mobile_numbers,
)
from ..delivery import MAX_ATTEMPTS, Outcome, backoff, deliver_message, send_lease
from ..receipts import expire_unconfirmed, record_status
from .group_texts import create_cohort
from .inbound import (
    link_reply,
    mark_handled,
    mark_read,
    receive_message,
    register_reply_handler,
    reply_as_resident,
    residents_with_number,
)
from .opt_outs import opt_in, opt_out, suppress, unsuppress
from .records import move_messages, record_view
from .sending import (
    cancel_nudges,
    cancel_nudges_matching,
    schedule_nudge,
    send_message,
    send_system_text,
)
from .templates import save_template, set_template_active

__all__ = [
    "CALLER_PLACEHOLDERS",
    "DISPATCH_TIME_BUDGET",
    "EXAMPLE_VALUES",
    "FIRST_CONTACT_FOOTER",
    "MAX_ATTEMPTS",
    "NO_CONSENT",
    "NO_MOBILE",
    "OPTED_OUT",
    "STANDARD_PLACEHOLDERS",
    "TEMPLATE_PLACEHOLDERS",
    "ComposedText",
    "NotTextable",
    "Outcome",
    "backoff",
    "cancel_nudges",
    "cancel_nudges_matching",
    "check_template_body",
    "check_textable",
    "compose",
    "create_cohort",
    "deliver_message",
    "dispatch_cohort",
    "example_values",
    "expire_unconfirmed",
    "insert_messages",
    "is_first_contact",
    "is_opted_out",
    "link_reply",
    "listing",
    "mark_handled",
    "mark_read",
    "mobile_number",
    "move_messages",
    "opt_in",
    "opt_out",
    "opted_out_numbers",
    "placeholder_values",
    "preview_message",
    "queue_cohort",
    "receive_message",
    "record_status",
    "record_view",
    "register_reply_handler",
    "reply_as_resident",
    "residents_with_number",
    "save_template",
    "schedule_nudge",
    "send_lease",
    "send_message",
    "send_system_text",
    "set_template_active",
    "shorten",
    "signature",
    "standard_values",
    "suppress",
    "textable_mobile_numbers",
    "unsuppress",
]
