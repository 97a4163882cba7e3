"""Demo data for texts: a few templates, and conversations with some of the demo residents.
Called by `manage.py seed_demo`.

Texts go through the real services (queued, sent through the local outbox, delivered, replied
to from the "phone"), so each has the audit records and timeline events a real one has. They are
only made with the local outbox: seeding never sends a real text.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from doorstep.cases import queries as case_queries
from doorstep.core import roles
from doorstep.residents.models import Resident

from . import services
from .models import Message, Template
from .services import reply_as_resident
from .simulator import complete_delivery

MOST_CONVERSATIONS = 8

TEMPLATES = [
    (
        "Documents reminder",
        "When documents you asked for have not arrived",
        "Hello ((first name)), we are still waiting for the documents we asked for. Please send "
        "them by ((due date)), or reply to this text if you need help.",
    ),
    (
        "Check in",
        "A friendly text after a visit or a call",
        "Hello ((first name)), it is ((officer name)) from ((council)). How are things going? "
        "Reply to this text if you need anything.",
    ),
    (
        "Appointment reminder",
        "The day before an appointment",
        "Hello ((first name)), a reminder that you have an appointment with us on ((date)) at "
        "((time)). Reply if you cannot come and we will find another time.",
    ),
    (
        "Missed call",
        "After a call the resident did not answer",
        "Hello ((first name)), we tried to ring you about your case ((case reference)). Please "
        "call us back when you can, or reply with a good time to ring.",
    ),
]

# (what the officer sends, what the resident replies, whether the officer has dealt with it)
CONVERSATIONS = [
    ("Check in", {}, "All fine thanks, the new boiler is working", True),
    (
        "Documents reminder",
        {"due date": "Friday"},
        "Sorry, I will bring them in on Thursday",
        False,
    ),
    ("Appointment reminder", {"date": "", "time": "10:30am"}, "", False),  # date: in 2 days
    ("Missed call", {"case reference": "HR-000123"}, "Can you ring after 3pm please?", False),
    ("Check in", {}, "", False),
]


def seed_templates(actor) -> int:
    made = 0
    for name, description, body in TEMPLATES:
        if not Template.objects.filter(name=name).exists():
            services.save_template(actor=actor, name=name, description=description, body=body)
            made += 1
    return made


def _textable(residents: list[Resident]) -> list[Resident]:
    chosen = []
    for resident in residents:
        try:
            services.check_textable(resident)
        except services.NotTextable:
            continue
        chosen.append(resident)
    return chosen


def seed_conversations(*, seed: int, residents: list[Resident], officer) -> int:
    """Text some residents (the demo officer's own first), deliver, and add their replies."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    ids = {resident.pk for resident in residents}
    own = set(
        case_queries.my_open_cases(officer)
        .filter(resident_id__in=ids)
        .values_list("resident_id", flat=True)
    )
    ordered = [r for r in residents if r.pk in own] + [r for r in residents if r.pk not in own]
    chosen = _textable(ordered)[:MOST_CONVERSATIONS]
    templates = {template.name: template for template in Template.objects.all()}
    made = 0
    # Demo texts arrive now, whatever the hour, and without an "out of hours" answer.
    with override_settings(SMS_QUIET_HOURS="", SMS_INBOX_HOURS=""):
        for resident in chosen:
            name, values, reply, handled = rng.choice(CONVERSATIONS)
            if "date" in values:
                day = timezone.localdate() + timedelta(days=2)
                values = {**values, "date": f"{day:%A} {day.day} {day:%B}"}
            key = f"demo:{resident.pk}"
            if Message.objects.filter(idempotency_key=key).exists():
                continue
            message = services.send_message(
                resident=resident,
                actor=officer,
                template=templates.get(name),
                body="" if name in templates else "Hello ((first name)), how are things going?",
                values=values,
                idempotency_key=key,
            )
            services.deliver_message(message.pk)
            message.refresh_from_db()
            if message.provider_id:
                complete_delivery(message.provider_id)
            if reply:
                text = reply_as_resident(number=message.number, body=reply)
                if text is not None and handled:
                    services.mark_handled(message=text, actor=officer)
            made += 1
    return made


def seed(*, seed: int, staff, newest: int) -> str:
    """The seed_demo hook: templates, then conversations with some of the `newest` residents."""
    officer = staff.accounts[roles.OFFICER]
    templates = seed_templates(staff.accounts[roles.ADMINISTRATOR])
    if settings.SMS_PROVIDER != "outbox":
        return (
            f"  {templates:,} text templates added; no demo texts, because SMS_PROVIDER is "
            f"{settings.SMS_PROVIDER!r} and seeding never sends real texts"
        )
    residents = list(
        Resident.objects.filter(merged_into=None, consents_to_text=True)
        .prefetch_related("phones")
        .order_by("-id")[:newest]
    )
    conversations = seed_conversations(seed=seed, residents=residents, officer=officer)
    return (
        f"  {templates:,} text templates and {conversations:,} conversations by text "
        "(see them on the phone simulator, /messages/simulator/)"
    )
