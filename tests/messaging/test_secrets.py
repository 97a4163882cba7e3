"""Texts carrying a secret (a link with its token, a one-time code): staff never see the secret,
the stored text never holds it, and only the provider request carries it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core.models import TimelineEvent
from doorstep.messaging import sealing, services
from doorstep.messaging.models import Message, OutboxEntry
from doorstep.messaging.providers import TemporaryError

from .test_sending import ScriptedProvider

pytestmark = pytest.mark.django_db

LINK = "https://doorstep.example.gov.uk/p/q3Xv9LkT2mRw8YpB4nHs6A/"
TOKEN = "q3Xv9LkT2mRw8YpB4nHs6A"
CODE = "483920"


def _send_link(resident, officer):
    return services.send_message(
        resident=resident,
        actor=officer,
        body="Your plan: ((link))",
        secrets={"link": LINK},
        idempotency_key="plan-link:1",
    )


def test_redacted_forms():
    assert sealing.redact(LINK) == "https://.../p/••••••"
    assert sealing.redact("https://x.example/u/abc") == "https://.../u/••••••"
    assert sealing.redact(CODE) == "••••••"
    assert sealing.unseal(sealing.seal("hello")) == "hello"


def test_the_stored_text_never_holds_the_secret(textable_resident, officer):
    message = _send_link(textable_resident, officer)
    assert TOKEN not in message.body
    assert "Your plan: https://.../p/••••••" in message.body
    assert message.sealed_body and TOKEN not in message.sealed_body
    # Counted as the resident gets it: the redacted form would be a UCS-2 text.
    assert message.encoding == "GSM"
    services.deliver_message(message.pk)
    message.refresh_from_db()
    assert message.status in {Message.Status.SENT, Message.Status.DELIVERED}
    assert TOKEN in OutboxEntry.objects.get().body
    assert TOKEN not in message.body
    assert message.sealed_body == ""  # nothing left to decrypt once the provider accepted it
    timeline = " ".join(TimelineEvent.objects.values_list("body", flat=True))
    assert "https://.../p/••••••" in timeline and TOKEN not in timeline


def test_staff_pages_never_show_the_secret(textable_resident, officer, client):
    services.deliver_message(_send_link(textable_resident, officer).pk)
    client.force_login(officer)
    for url in (
        reverse("messaging:conversation", args=[textable_resident.pk]),
        textable_resident.get_absolute_url(),  # the Single View, with its panel and timeline
        reverse("messaging:inbox"),
    ):
        page = client.get(url).content.decode()
        assert TOKEN not in page, url
    page = client.get(textable_resident.get_absolute_url()).content.decode()
    assert "••••••" in page


def test_a_code_text_shows_that_a_code_was_sent(textable_resident):
    message = services.send_system_text(
        number="+447700900982",
        resident=textable_resident,
        body="((code)) is your code. Do not share it.",
        secrets={"code": CODE},
        idempotency_key="plan-code:1",
    )
    assert message.body == "•••••• is your code. Do not share it."
    services.deliver_message(message.pk)
    assert OutboxEntry.objects.get().body == f"{CODE} is your code. Do not share it."
    assert Message.objects.get().sealed_body == ""


def test_a_retried_send_still_carries_the_secret(textable_resident, officer):
    message = _send_link(textable_resident, officer)
    provider = ScriptedProvider(TemporaryError("503 from provider"))
    assert services.deliver_message(message.pk, provider=provider).result == "retry"
    message.refresh_from_db()
    assert message.sealed_body  # still needed for the next try
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    assert services.deliver_message(message.pk, provider=provider).result == "sent"
    [(_reference, _number, body)] = provider.sent
    assert TOKEN in body
    message.refresh_from_db()
    assert message.sealed_body == "" and TOKEN not in message.body


def test_a_crash_after_the_provider_accepted_clears_the_secret_on_recovery(
    textable_resident, officer
):
    message = _send_link(textable_resident, officer)
    provider = ScriptedProvider()

    def send_then_die(**kwargs):
        ScriptedProvider.send(provider, **kwargs)
        raise TemporaryError("Timed out waiting for the provider")

    provider.send = send_then_die
    services.deliver_message(message.pk, provider=provider)
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    assert services.deliver_message(message.pk, provider=provider).result == "sent"
    assert TOKEN in provider.sent[0][2]
    assert Message.objects.get(pk=message.pk).sealed_body == ""


def test_a_cancelled_text_forgets_the_secret(textable_resident, officer):
    message = _send_link(textable_resident, officer)
    textable_resident.consents_to_text = False
    textable_resident.save()
    assert services.deliver_message(message.pk, provider=ScriptedProvider()).result == "cancelled"
    assert Message.objects.get(pk=message.pk).sealed_body == ""
