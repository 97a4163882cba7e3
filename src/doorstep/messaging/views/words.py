"""The words the text pages show: character counts, quiet hours, when a text will go."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from doorstep.core.validators import format_phone_for_display

from .. import rules, sms
from ..models import Message


def quiet_hours_words() -> str:
    """'between 9pm and 8am', or '' when texts may go at any hour."""
    quiet = rules.QuietHours.from_setting()
    if quiet is None:
        return ""
    return f"between {rules._clock_words(quiet.start)} and {rules._clock_words(quiet.end)}"


def count_words(info: sms.SmsInfo) -> str:
    """'112 characters, 1 text message. 48 more characters fit before it needs 2 texts'."""
    if info.fragments == 0:
        return info.summary
    left = info.characters_left_in_fragment
    return (
        f"{info.summary}. {left} more character{'' if left == 1 else 's'} "
        f"fit{'s' if left == 1 else ''} before it needs {info.fragments + 1} texts"
    )


def text_preview(text: str) -> dict:
    """The message as the resident will get it through the configured provider, and its
    count, from sms.measure (the count names any character the provider changes)."""
    info = sms.measure(text, settings.SMS_PROVIDER)
    return {
        "text": sms.as_sent(text, settings.SMS_PROVIDER),
        "info": info,
        "count": count_words(info),
    }


def count_payload(counted: str, error: str) -> dict:
    """The live count as JSON, for the text boxes' script."""
    info = sms.measure(counted, settings.SMS_PROVIDER)
    payload = {
        "summary": count_words(info),
        "length": info.length,
        "fragments": info.fragments,
        "encoding": info.encoding,
        "characters_left": info.characters_left_in_fragment,
        "error": error,
    }
    if info.changes:
        # Through GOV.UK Notify: the characters it will change, named in the summary too.
        payload["changes"] = [{"from": char, "to": sent} for char, sent in info.changes]
    return payload


def sent_words(message: Message) -> str:
    number = format_phone_for_display(message.number)
    if message.send_after > timezone.now() + timedelta(minutes=1):
        when = timezone.localtime(message.send_after, rules.UK)
        return (
            f"Your text to {number} will be sent at "
            f"{rules._clock_words(when.time())} on {when:%A} {when.day} {when:%B %Y}"
        )
    return f"Your text to {number} is being sent"
