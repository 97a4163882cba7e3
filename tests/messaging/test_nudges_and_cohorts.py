"""Reminders cancelled by their condition, group texts, pacing and the check-up sweep."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from doorstep.messaging import cohorts, nudges, pacing, queries, services
from doorstep.messaging.models import Cohort, Message, OutboxEntry, ProviderPace, Suppression
from doorstep.messaging.providers import InboundSms
from doorstep.messaging.sweep import sweep

from ..factories import CaseFactory, PhoneFactory, ResidentFactory, TeamFactory

pytestmark = pytest.mark.django_db

DONE: set[str] = set()


@pytest.fixture(autouse=True)
def _condition():
    DONE.clear()
    nudges.register_condition("test.thing_done", is_met=lambda pk: pk in DONE, label="it was done")


def test_nudge_is_cancelled_when_its_condition_is_met_at_send_time(textable_resident):
    nudge = services.schedule_nudge(
        resident=textable_resident,
        body="Don't forget, ((first name))",
        send_after=timezone.now(),
        condition="test.thing_done:7",
    )
    assert nudge.kind == Message.Kind.NUDGE and nudge.staff is None
    DONE.add("7")
    assert services.deliver_message(nudge.pk).result == "cancelled"
    nudge.refresh_from_db()
    assert nudge.error == "No longer needed: it was done"
    assert not OutboxEntry.objects.exists()


def test_cancel_nudges_drops_waiting_reminders_only(textable_resident):
    later = timezone.now() + timedelta(days=2)
    waiting = services.schedule_nudge(
        resident=textable_resident, body="Soon", send_after=later, condition="test.thing_done:1"
    )
    other = services.schedule_nudge(
        resident=textable_resident, body="Other", send_after=later, condition="test.thing_done:2"
    )
    assert services.cancel_nudges(condition="test.thing_done:1") == 1
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == Message.Status.CANCELLED
    assert other.status == Message.Status.QUEUED


def test_nudges_are_idempotent_by_key_and_skip_residents_who_cannot_be_texted(textable_resident):
    kwargs = {
        "body": "Hi",
        "send_after": timezone.now(),
        "condition": "test.thing_done:3",
        "key": "thing:3:due",
    }
    first = services.schedule_nudge(resident=textable_resident, **kwargs)
    assert services.schedule_nudge(resident=textable_resident, **kwargs).pk == first.pk
    no_consent = ResidentFactory(consents_to_text=False)
    PhoneFactory(resident=no_consent, number="+447700900444")
    assert services.schedule_nudge(resident=no_consent, **{**kwargs, "key": "x"}) is None


def test_unknown_condition_is_refused(textable_resident):
    with pytest.raises(ValueError, match="register"):
        services.schedule_nudge(
            resident=textable_resident, body="Hi", send_after=timezone.now(), condition="nope:1"
        )


def test_only_one_nudge_a_day(textable_resident):
    first = services.schedule_nudge(
        resident=textable_resident,
        body="One",
        send_after=timezone.now(),
        condition="test.thing_done:1",
    )
    second = services.schedule_nudge(
        resident=textable_resident,
        body="Two",
        send_after=timezone.now(),
        condition="test.thing_done:2",
    )
    assert services.deliver_message(first.pk).result == "sent"
    outcome = services.deliver_message(second.pk)
    assert outcome.result == "postponed"
    assert (
        outcome.retry_at.astimezone(timezone.get_current_timezone()).date() > timezone.localdate()
    )


# --- Group texts ----------------------------------------------------------------------------


@pytest.fixture
def cohort_world(officer):
    """Residents with a case in one team: 3 can be texted, 1 has no mobile, 1 no consent,
    1 opted out; plus one textable resident in another team."""
    team = TeamFactory(name="Housing needs", slug="housing-needs")
    textable = []
    for index in range(3):
        resident = ResidentFactory(first_name=f"Person{index}")
        PhoneFactory(resident=resident, number=f"+44770090010{index}")
        CaseFactory(resident=resident, team=team)
        textable.append(resident)
    no_mobile = ResidentFactory()
    PhoneFactory(resident=no_mobile, number="+441632960010", is_mobile=False)
    CaseFactory(resident=no_mobile, team=team)
    no_consent = ResidentFactory(consents_to_text=False)
    PhoneFactory(resident=no_consent, number="+447700900110")
    CaseFactory(resident=no_consent, team=team)
    opted_out = ResidentFactory()
    PhoneFactory(resident=opted_out, number="+447700900111")
    CaseFactory(resident=opted_out, team=team)
    Suppression.objects.create(number="+447700900111", reason="resident")
    elsewhere = ResidentFactory()
    PhoneFactory(resident=elsewhere, number="+447700900120")
    CaseFactory(resident=elsewhere, team=TeamFactory(name="Benefits", slug="benefits"))
    return team, textable


def test_preview_counts_who_gets_it_and_who_is_left_out(cohort_world, officer):
    team, textable = cohort_world
    preview = cohorts.preview(criteria={"team": team.pk}, text="Hi ((first name))", actor=officer)
    assert (preview.matched, preview.will_get_it) == (6, 3)
    assert dict(preview.excluded) == {
        services.NO_MOBILE: 1,
        services.NO_CONSENT: 1,
        services.OPTED_OUT: 1,
    }
    assert preview.sample.startswith("Hi Person0")


def test_registered_exclusions_leave_residents_out(cohort_world, officer, monkeypatch):
    team, textable = cohort_world
    monkeypatch.setattr(cohorts, "_EXCLUSIONS", {})
    cohorts.register_exclusion("needs a call instead", lambda ids: {textable[0].pk})
    preview = cohorts.preview(criteria={"team": team.pk}, text="Hi", actor=officer)
    assert preview.will_get_it == 2
    assert dict(preview.excluded)["needs a call instead"] == 1


def test_cohort_queues_once_and_sends_everyone_once(
    cohort_world, officer, run_tasks, django_capture_on_commit_callbacks
):
    team, textable = cohort_world
    with django_capture_on_commit_callbacks(execute=True):
        cohort = services.create_cohort(
            name="Rent reminder",
            criteria={"team": team.pk},
            body="Hi ((first name))",
            actor=officer,
        )
    run_tasks()
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.QUEUED
    assert (cohort.matched, cohort.queued) == (6, 3)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.PREPARING)
    services.queue_cohort(cohort_id=cohort.pk)  # a repeated task adds nobody twice
    assert Message.objects.filter(cohort=cohort).count() == 3
    assert queries.progress(cohort) == {"delivered": 3}
    assert sorted(OutboxEntry.objects.values_list("number", flat=True)) == [
        "+447700900100",
        "+447700900101",
        "+447700900102",
    ]


def test_cohort_refuses_unknown_filters_and_placeholders(officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown filter"):
        services.create_cohort(name="x", criteria={"shoe_size": 9}, body="Hi", actor=officer)
    with pytest.raises(ValidationError, match=r"\(\(link\)\)"):
        services.create_cohort(name="x", criteria={}, body="Go to ((link))", actor=officer)
    assert not Cohort.objects.exists()


def test_not_replied_filter(cohort_world, officer):
    team, textable = cohort_world
    services.receive_message(
        provider_name="outbox",
        inbound=InboundSms("r1", "+447700900100", "Hello", timezone.now()),
    )
    preview = cohorts.preview(
        criteria={"team": team.pk, "not_replied_days": 7}, text="Hi", actor=officer
    )
    assert preview.will_get_it == 2


# --- Pacing and the sweep ------------------------------------------------------------------


def test_token_bucket_never_runs_ahead_of_the_rate():
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    rate = 60.0  # one a second
    clock = start
    taken = 0
    for _ in range(200):
        wait = pacing.try_take("bucket-test", rate, now=clock)
        if wait == 0:
            taken += 1
        clock += timedelta(milliseconds=250)
    elapsed = (clock - start).total_seconds()  # 50 seconds
    assert taken <= elapsed * rate / 60 + 1
    assert taken >= elapsed * rate / 60 - 1


def test_slow_down_halves_and_recover_climbs_back():
    pacing.try_take("p", 600)
    assert pacing.slow_down("p", 600) == 300
    for _ in range(100):
        pacing.recover("p", 600)
    assert ProviderPace.objects.get(provider="p").rate_per_minute == 600


def test_sweep_sends_lost_texts_and_expires_old_ones(textable_resident, officer):
    lost = services.send_message(resident=textable_resident, actor=officer, body="Lost task")
    Message.objects.filter(pk=lost.pk).update(send_after=timezone.now() - timedelta(minutes=10))
    report = sweep()
    assert report.resent == 1
    lost.refresh_from_db()
    assert lost.status in {Message.Status.SENT, Message.Status.DELIVERED}
    Message.objects.filter(pk=lost.pk).update(
        status=Message.Status.SENT, sending_at=timezone.now() - timedelta(hours=73)
    )
    assert sweep().expired == 1


def test_residents_assessed_as_urgent_are_left_out_of_group_texts(cohort_world, officer):
    from doorstep.vulnerability import services as vulnerability

    team, textable = cohort_world
    vulnerability.record_assessment(
        resident=textable[0], actor=officer, indicators=["sleeping_rough"]
    )
    preview = cohorts.preview(criteria={"team": team.pk}, text="Hi", actor=officer)
    assert preview.will_get_it == 2
    assert dict(preview.excluded)["assessed as urgent: contact them directly"] == 1


def test_group_texts_say_who_we_are_only_to_numbers_never_texted(
    cohort_world, officer, monkeypatch, django_assert_max_num_queries
):
    """The first-contact footer goes to numbers never texted; the lookup reads only the
    group's numbers, a few at a time here to cover more than one batch."""
    from doorstep.messaging import composing

    team, textable = cohort_world
    monkeypatch.setattr(composing, "NUMBERS_PER_LOOKUP", 2)
    Message.objects.create(
        direction=Message.Direction.OUTBOUND,
        kind=Message.Kind.ONE_OFF,
        status=Message.Status.DELIVERED,
        resident=textable[1],
        number="+447700900101",
        body="Earlier",
    )
    Message.objects.create(  # a cancelled text never reached them
        direction=Message.Direction.OUTBOUND,
        kind=Message.Kind.ONE_OFF,
        status=Message.Status.CANCELLED,
        resident=textable[2],
        number="+447700900102",
        body="Never sent",
    )
    numbers = ["+447700900100", "+447700900101", "+447700900102", "+447700900999"]
    with django_assert_max_num_queries(2):
        assert composing.numbers_texted_before(numbers) == {"+447700900101"}
    cohort = Cohort.objects.create(
        name="Rent", criteria={"team": team.pk}, body="Hi", created_by=officer, team=team
    )
    services.queue_cohort(cohort_id=cohort.pk)
    footers = {
        message.number: services.FIRST_CONTACT_FOOTER in message.body
        for message in Message.objects.filter(cohort=cohort)
    }
    assert footers == {"+447700900100": True, "+447700900101": False, "+447700900102": True}
