"""Sending a text: who may be texted, composing, the state machine, retries that never repeat."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent
from doorstep.messaging import services
from doorstep.messaging.models import Message, OutboxEntry, Suppression, Template
from doorstep.messaging.providers import (
    PermanentError,
    RateLimited,
    SendResult,
    TemporaryError,
)
from doorstep.messaging.providers.outbox import OutboxProvider
from doorstep.messaging.rules import UK

from ..factories import PhoneFactory, ResidentFactory

pytestmark = pytest.mark.django_db


class ScriptedProvider:
    """A provider whose answers the test writes in advance: a list of results or errors."""

    name = "scripted"
    default_rate_per_minute = None

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent: list[tuple[str, str, str]] = []
        self.accepted: dict[str, SendResult] = {}

    def send(self, *, reference, number, body):
        answer = self.answers.pop(0) if self.answers else SendResult(f"id-{len(self.sent)}")
        if isinstance(answer, Exception):
            raise answer
        self.sent.append((reference, number, body))
        self.accepted[reference] = answer
        return answer

    def find_sent(self, reference):
        return self.accepted.get(reference)

    def fetch_status(self, provider_id):
        return None

    def fetch_inbound(self):
        return []


def test_send_queues_then_delivers_through_the_outbox(
    textable_resident, officer, team, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_message(
            resident=textable_resident, actor=officer, body="Hello ((first name))", team=team
        )
    assert message.status == Message.Status.QUEUED
    assert message.number == "+447700900982"
    first_name = officer.get_short_name()
    assert message.body == (
        f"Hello Amina\n- {first_name}, {team.name}\n{services.FIRST_CONTACT_FOOTER}"
    )
    run_tasks()
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
    assert message.sent_at and message.completed_at
    assert OutboxEntry.objects.get().body == message.body
    assert TimelineEvent.objects.filter(resident_id=textable_resident.pk, kind="text").count() == 1
    assert AuditEvent.objects.filter(object_type="message", action="create").exists()
    assert set(ServiceEvent.objects.values_list("name", flat=True)) == {
        "sms.sent",
        "sms.delivered",
    }


def test_second_text_has_no_opt_out_footer(textable_resident, officer):
    services.send_message(resident=textable_resident, actor=officer, body="One")
    second = services.send_message(resident=textable_resident, actor=officer, body="Two")
    assert services.FIRST_CONTACT_FOOTER not in second.body


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("no_phone", "no_mobile"),
        ("landline_only", "no_mobile"),
        ("no_consent", "no_consent"),
        ("opted_out", "opted_out"),
    ],
)
def test_refused_sends_write_nothing(change, code, officer):
    resident = ResidentFactory(consents_to_text=change != "no_consent")
    if change == "landline_only":
        PhoneFactory(resident=resident, number="+441632960001", is_mobile=False)
    elif change != "no_phone":
        PhoneFactory(resident=resident, number="+447700900123")
    if change == "opted_out":
        Suppression.objects.create(number="+447700900123", reason="resident")
    with pytest.raises(services.NotTextable) as raised:
        services.send_message(resident=resident, actor=officer, body="Hello")
    assert raised.value.code == code
    assert not Message.objects.exists()
    assert not AuditEvent.objects.filter(object_type="message").exists()


def test_a_landline_chosen_by_hand_is_refused(officer):
    resident = ResidentFactory()
    PhoneFactory(resident=resident, number="+441632960001", is_mobile=False)
    with pytest.raises(services.NotTextable, match="landline"):
        services.send_message(
            resident=resident, actor=officer, body="Hello", number="+441632960001"
        )


def test_someone_elses_number_is_refused(textable_resident, officer):
    with pytest.raises(services.NotTextable, match="own numbers"):
        services.send_message(
            resident=textable_resident, actor=officer, body="Hi", number="+447700900111"
        )


def test_unknown_placeholder_and_empty_text_are_refused(textable_resident, officer):
    with pytest.raises(ValidationError, match=r"Remove \(\(case number\)\)"):
        services.send_message(resident=textable_resident, actor=officer, body="((case number))")
    with pytest.raises(ValidationError, match="Enter the message"):
        services.send_message(resident=textable_resident, actor=officer, body="   ")
    with pytest.raises(ValidationError, match="918"):
        services.send_message(resident=textable_resident, actor=officer, body="x" * 918)
    assert not Message.objects.exists()


def test_template_values_from_the_caller_are_allowed(textable_resident, officer):
    template = Template.objects.create(name="Due", body="Due on ((due date)), ((first name))")
    message = services.send_message(
        resident=textable_resident,
        actor=officer,
        template=template,
        values={"due date": "1 May"},
        kind=Message.Kind.NUDGE,
    )
    assert message.body.startswith("Due on 1 May, Amina")
    assert message.template == template


def test_inactive_template_is_refused(textable_resident, officer):
    template = Template.objects.create(name="Old", body="Hi", is_active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        services.send_message(resident=textable_resident, actor=officer, template=template)


def test_same_idempotency_key_gives_the_same_message(textable_resident, officer):
    first = services.send_message(
        resident=textable_resident, actor=officer, body="Hi", idempotency_key="api:abc"
    )
    again = services.send_message(
        resident=textable_resident, actor=officer, body="Different", idempotency_key="api:abc"
    )
    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_delivery_twice_sends_once(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    provider = ScriptedProvider()
    assert services.deliver_message(message.pk, provider=provider).result == "sent"
    assert services.deliver_message(message.pk, provider=provider).result == "skipped"
    assert len(provider.sent) == 1


def test_a_worker_that_died_mid_send_is_recovered_without_a_second_text(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    provider = OutboxProvider()
    # The worker marked it sending and reached the provider, then died before recording it.
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING,
        attempts=1,
        sending_at=timezone.now() - services.send_lease() - timedelta(seconds=1),
    )
    provider.send(reference=str(message.reference), number=message.number, body=message.body)
    outcome = services.deliver_message(message.pk, provider=provider)
    assert outcome.result == "sent"
    assert OutboxEntry.objects.count() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == OutboxEntry.objects.get().provider_id


def test_a_send_in_flight_is_left_to_its_worker(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, attempts=1, sending_at=timezone.now()
    )
    provider = ScriptedProvider()
    assert services.deliver_message(message.pk, provider=provider).result == "skipped"
    assert provider.sent == []


def test_timeout_then_retry_asks_the_provider_first(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    provider = ScriptedProvider()

    def send_then_time_out(**kwargs):
        ScriptedProvider.send(provider, **kwargs)
        raise TemporaryError("Timed out waiting for the provider")

    provider.send = send_then_time_out
    outcome = services.deliver_message(message.pk, provider=provider)
    assert outcome.result == "retry" and outcome.retry_at > timezone.now()
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    assert services.deliver_message(message.pk, provider=provider).result == "sent"
    assert len(provider.sent) == 1  # accepted the first time; never sent again


def test_temporary_errors_back_off_then_give_up(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    provider = ScriptedProvider(*[TemporaryError("503 from provider")] * services.MAX_ATTEMPTS)
    gaps = []
    for _ in range(services.MAX_ATTEMPTS):
        outcome = services.deliver_message(message.pk, provider=provider)
        if outcome.retry_at:
            gaps.append(outcome.retry_at - timezone.now())
        Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    message.refresh_from_db()
    assert message.status == Message.Status.TECHNICAL_FAILURE
    assert "Gave up" in message.error
    assert gaps == sorted(gaps) and len(gaps) == services.MAX_ATTEMPTS - 1


def test_permanent_error_is_shown_to_the_officer(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    provider = ScriptedProvider(PermanentError("Can't send to this recipient using a team key"))
    assert services.deliver_message(message.pk, provider=provider).result == "failed"
    message.refresh_from_db()
    assert message.status == Message.Status.TECHNICAL_FAILURE
    assert message.error == "Can't send to this recipient using a team key"


def test_rate_limit_waits_instead_of_failing(textable_resident, officer, settings):
    settings.SMS_RATE_PER_MINUTE = 600
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    provider = ScriptedProvider(RateLimited(retry_after=7))
    outcome = services.deliver_message(message.pk, provider=provider)
    assert outcome.result == "retry"
    assert timedelta(seconds=6) < outcome.retry_at - timezone.now() <= timedelta(seconds=7)
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    from doorstep.messaging.models import ProviderPace

    assert ProviderPace.objects.get(provider="scripted").rate_per_minute == 300


def test_opt_out_after_queueing_cancels_at_send_time(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    Suppression.objects.create(number=message.number, reason="resident")
    provider = ScriptedProvider()
    assert services.deliver_message(message.pk, provider=provider).result == "cancelled"
    assert provider.sent == []


def test_withdrawn_consent_cancels_at_send_time(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    textable_resident.consents_to_text = False
    textable_resident.save()
    assert services.deliver_message(message.pk, provider=ScriptedProvider()).result == "cancelled"


def test_quiet_hours_hold_the_text_until_morning(textable_resident, officer, settings):
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    ten_pm = datetime(2026, 11, 23, 22, 0, tzinfo=UK)
    message = services.send_message(
        resident=textable_resident, actor=officer, body="Hi", send_after=ten_pm
    )
    assert message.send_after == datetime(2026, 11, 24, 8, 0, tzinfo=UK)


def test_network_limit_of_identical_texts_postpones(textable_resident, officer):
    now = timezone.now()
    for _ in range(20):
        Message.objects.create(
            direction="outbound",
            kind="one_off",
            status="delivered",
            resident=textable_resident,
            number="+447700900982",
            body="Same",
            sending_at=now - timedelta(minutes=30),
        )
    message = services.send_message(resident=textable_resident, actor=officer, body="Same")
    message.body = "Same"
    message.save()
    outcome = services.deliver_message(message.pk, provider=ScriptedProvider())
    assert outcome.result == "postponed"
    assert outcome.retry_at > now + timedelta(minutes=29)


def test_statuses_only_move_forward(textable_resident, officer):
    from doorstep.messaging.providers import StatusUpdate

    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    services.deliver_message(message.pk, provider=ScriptedProvider(SendResult("p-1")))
    delivered = StatusUpdate(provider_id="p-1", status="delivered")
    assert services.record_status(provider_name="scripted", update=delivered)
    late = StatusUpdate(provider_id="p-1", status="sent")
    assert services.record_status(provider_name="scripted", update=late) is None
    repeated = StatusUpdate(provider_id="p-1", status="permanent-failure")
    assert services.record_status(provider_name="scripted", update=repeated) is None
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
    assert ServiceEvent.objects.filter(name="sms.delivered").count() == 1


def test_unknown_status_callback_changes_nothing():
    from doorstep.messaging.providers import StatusUpdate

    update = StatusUpdate(provider_id="nobody", status="delivered")
    assert services.record_status(provider_name="outbox", update=update) is None


def test_no_final_status_after_72_hours_is_a_temporary_failure(textable_resident, officer):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    services.deliver_message(message.pk, provider=ScriptedProvider())
    later = timezone.now() + timedelta(hours=72, minutes=1)
    assert services.expire_unconfirmed(later) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.TEMPORARY_FAILURE
    assert services.expire_unconfirmed(later) == 0


def test_drama_numbers_fail_like_notifys_test_key(
    officer, run_tasks, django_capture_on_commit_callbacks
):
    resident = ResidentFactory()
    PhoneFactory(resident=resident, number="+447700900003")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_message(resident=resident, actor=officer, body="Hi")
    run_tasks()
    message.refresh_from_db()
    assert message.status == Message.Status.TEMPORARY_FAILURE
