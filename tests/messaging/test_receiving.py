"""Texts from residents: matching, de-duplication, STOP and START, automatic replies, alerts."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from doorstep.core.models import AuditEvent, TimelineEvent
from doorstep.messaging import services
from doorstep.messaging.models import Message, Suppression
from doorstep.messaging.providers import InboundSms
from doorstep.messaging.rules import UK

from ..factories import PhoneFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def inbound(body="Thanks, see you Tuesday", number="+447700900982", provider_id="in-1", at=None):
    return InboundSms(
        provider_id=provider_id, number=number, body=body, received_at=at or timezone.now()
    )


def receive(**kwargs):
    return services.receive_message(provider_name="outbox", inbound=inbound(**kwargs))


def test_reply_is_matched_to_the_resident_and_their_officer(
    textable_resident, officer, team, django_capture_on_commit_callbacks
):
    services.send_message(resident=textable_resident, actor=officer, body="Hi", team=team)
    with django_capture_on_commit_callbacks(execute=True):
        reply = receive()
    assert reply.resident == textable_resident
    assert (reply.staff, reply.team) == (officer, team)
    assert reply.status == Message.Status.RECEIVED and not reply.handled_at
    assert TimelineEvent.objects.filter(
        resident_id=textable_resident.pk, summary__startswith="Text received"
    ).exists()
    assert AuditEvent.objects.filter(action="receive", resident_id=textable_resident.pk).exists()
    # The officer who last texted them is told, without personal details in the e-mail.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]
    assert "Tuesday" not in mail.outbox[0].body


def test_the_same_text_twice_is_stored_once(textable_resident):
    assert receive() is not None
    assert receive() is None
    assert Message.objects.filter(direction="inbound").count() == 1


def test_a_number_shared_by_two_residents_waits_for_an_officer(db):
    for _ in range(2):
        PhoneFactory(resident=ResidentFactory(), number="+447700900555")
    reply = receive(number="+447700900555")
    assert reply.resident is None
    assert len(services.residents_with_number("+447700900555")) == 2


def test_unmatched_number_then_linked_by_an_officer(officer, textable_resident):
    first = receive(number="+447700900777", provider_id="a")
    receive(number="+447700900777", provider_id="b", body="Hello?")
    assert first.resident is None
    linked = services.link_reply(message=first, resident=textable_resident, actor=officer)
    assert linked == 2
    assert Message.objects.filter(resident=textable_resident, direction="inbound").count() == 2
    assert AuditEvent.objects.filter(action="link", resident_id=textable_resident.pk).exists()


@pytest.mark.parametrize(
    "body", ["STOP", "stop", "STOP.", "Stop thank you", "unsubscribe", "stop all", " Stop! "]
)
def test_stop_opts_out_and_confirms_once(body, textable_resident, officer):
    queued = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    reply = receive(body=body)
    assert reply.is_opt_out_request and reply.handled_at  # not shown as a case reply
    assert Suppression.objects.filter(number="+447700900982", reason="resident").exists()
    queued.refresh_from_db()
    assert queued.status == Message.Status.CANCELLED
    confirmations = Message.objects.filter(kind="system", number="+447700900982")
    assert confirmations.count() == 1
    assert confirmations.get().ignores_opt_out
    receive(body=body, provider_id="in-2")  # a second STOP: no second confirmation
    assert confirmations.count() == 1


@pytest.mark.parametrize("body", ["Stopped by the office", "Please don't stop helping", ""])
def test_words_that_are_not_stop_requests(body, textable_resident):
    receive(body=body)
    assert not Suppression.objects.exists()


def test_start_opts_back_in(textable_resident, officer):
    receive(body="STOP")
    receive(body="Start", provider_id="in-2")
    assert not Suppression.objects.exists()
    message = services.send_message(resident=textable_resident, actor=officer, body="Welcome back")
    assert message.status == Message.Status.QUEUED


def test_officer_opt_out_needs_a_reason_and_is_audited(textable_resident, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Enter the reason"):
        services.opt_out(
            resident=textable_resident, number="+447700900982", actor=officer, reason=" "
        )
    services.opt_out(
        resident=textable_resident, number="+447700900982", actor=officer, reason="Asked on phone"
    )
    assert Suppression.objects.get().reason == "officer"
    with pytest.raises(services.NotTextable):
        services.send_message(resident=textable_resident, actor=officer, body="Hi")
    services.opt_in(
        resident=textable_resident, number="+447700900982", actor=officer, reason="Asked again"
    )
    assert not Suppression.objects.exists()
    assert list(
        AuditEvent.objects.filter(resident_id=textable_resident.pk)
        .filter(action__in=["opt_out", "opt_in"])
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["opt_out", "opt_in"]


def test_officer_cannot_opt_out_a_number_that_is_not_the_residents(textable_resident, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="own numbers"):
        services.opt_out(
            resident=textable_resident, number="+447700900111", actor=officer, reason="Asked"
        )


def test_out_of_hours_reply_once_per_evening(textable_resident, settings):
    settings.SMS_INBOX_HOURS = "Mon-Fri 09:00-17:00"
    monday_evening = datetime(2026, 11, 23, 18, 30, tzinfo=UK)
    receive(at=monday_evening, provider_id="1")
    receive(at=monday_evening + timedelta(hours=2), provider_id="2")
    replies = Message.objects.filter(kind="system", number="+447700900982")
    assert replies.count() == 1
    assert "Monday to Friday, 9am to 5pm" in replies.get().body
    tuesday_evening = monday_evening + timedelta(days=1)
    receive(at=tuesday_evening, provider_id="3")
    assert replies.count() == 2


def test_no_automatic_reply_in_office_hours(textable_resident, settings):
    settings.SMS_INBOX_HOURS = "Mon-Fri 09:00-17:00"
    receive(at=datetime(2026, 11, 24, 11, 0, tzinfo=UK))
    assert not Message.objects.filter(kind="system").exists()


def test_mark_handled_is_audited_and_only_for_replies(textable_resident, officer):
    from django.core.exceptions import ValidationError

    reply = receive()
    services.mark_handled(message=reply, actor=officer)
    reply.refresh_from_db()
    assert reply.handled_by == officer and reply.read_at
    sent = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    with pytest.raises(ValidationError):
        services.mark_handled(message=sent, actor=officer)


def test_merging_residents_moves_their_texts(textable_resident, officer, administrator):
    from doorstep.residents import merging
    from doorstep.residents.models import DuplicateCandidate

    other = ResidentFactory(first_name="Amina", last_name=textable_resident.last_name)
    sent = services.send_message(resident=textable_resident, actor=officer, body="Hi")
    first, second = sorted([textable_resident, other], key=lambda r: r.pk)
    candidate = DuplicateCandidate.objects.create(
        resident_a=first, resident_b=second, reason="name_dob"
    )
    merging.merge_residents(candidate=candidate, keep_id=other.pk, actor=administrator)
    sent.refresh_from_db()
    assert sent.resident == other
    merge_audit = AuditEvent.objects.filter(action="merge").first()
    assert "1 texts" in merge_audit.detail
