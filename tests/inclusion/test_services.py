"""Services: checks, access needs, Friends, requests, matching, sessions, events, merging."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.core import roles
from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent
from doorstep.inclusion import queries, services
from doorstep.inclusion.models import DigitalFriend, EventSignup, HelpRequest, Match, SkillsCheck
from doorstep.messaging.models import Message
from doorstep.residents import merging
from doorstep.residents.models import DuplicateCandidate

from ..factories import ResidentFactory
from .conftest import approved_friend, meeting_time
from .matrix import friend_details

pytestmark = pytest.mark.django_db

LEVEL_6 = {"ever_used": True, "still_uses": True, "likes_using": True, "basics": "some"}
LEVEL_8 = {**LEVEL_6, "basics": "all", "needs_help": False, "advanced": False}
NEVER = {"ever_used": False, "wants_to_be_online": True}


def check(actor, resident, routing=LEVEL_6, **kwargs):
    values = {
        "tasks": ["send_email"],
        "has_device": True,
        "connection": "home",
        "enough_data": True,
        "confidence": 3,
    }
    values.update(kwargs)
    return services.record_skills_check(actor=actor, resident=resident, routing=routing, **values)


def test_a_skills_check_is_stored_with_events_audit_and_timeline(officer, learner):
    first = check(officer, learner)
    assert first.level == 6 and first.previous_level is None and not first.foundation
    assert first.areas == ["communicating"]
    second = check(officer, learner, routing=LEVEL_8)
    assert second.previous_level == 6 and second.moved == 2
    event = ServiceEvent.objects.filter(name="inclusion.skills_check").order_by("id").last()
    assert event.value == 8
    assert event.attributes == {"previous_level": 6, "foundation": False}
    assert event.channel == "assisted_digital"
    started = ServiceEvent.objects.filter(name="transaction.started", object_id=str(second.pk))
    completed = ServiceEvent.objects.filter(name="transaction.completed", object_id=str(second.pk))
    assert started.get().attributes["service"] == "skills_check"
    assert completed.get().attributes == {"service": "skills_check", "outcome": "done"}
    assert TimelineEvent.objects.filter(resident_id=learner.pk, kind="skills_check").count() == 2
    assert AuditEvent.objects.filter(object_type="skills_check", action="create").count() == 2


def test_a_check_from_the_public_link_is_digital_and_anonymous(db):
    done = check(None, None, source=SkillsCheck.Source.SELF)
    assert done.resident is None and done.checker_name == "The resident"
    assert ServiceEvent.objects.get(name="inclusion.skills_check").channel == "digital"


def test_a_check_with_a_missing_answer_writes_nothing(officer, learner):
    with pytest.raises(ValidationError) as raised:
        check(officer, learner, routing={"ever_used": True}, connection="satellite", confidence=9)
    assert set(raised.value.message_dict) == {"still_uses", "connection", "confidence"}
    assert not SkillsCheck.objects.exists()
    assert not ServiceEvent.objects.exists()


def test_printed_copies_for_levels_one_to_three_or_letters(officer, learner):
    assert not queries.needs_printed_copy(learner)
    check(officer, learner, routing=NEVER)
    assert queries.digital_level(learner) == 3
    assert queries.needs_printed_copy(learner) and queries.needs_help_online(learner)
    check(officer, learner, routing=LEVEL_8)
    assert not queries.needs_printed_copy(learner)
    services.save_access_needs(
        actor=officer, resident=learner, channels=["letter", "phone"], needs_help_online=False
    )
    assert queries.needs_printed_copy(learner)
    assert queries.preferred_channels(learner) == ["phone", "letter"]
    assert queries.digital_levels([learner.pk, 999]) == {learner.pk: 8}


def test_access_needs_reject_unknown_channels(officer, learner):
    with pytest.raises(ValidationError) as raised:
        services.save_access_needs(
            actor=officer, resident=learner, channels=["pigeon"], needs_help_online=True
        )
    assert "pigeon" in raised.value.message_dict["channels"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"topics": []}, "topics", "Select at least one topic they can help with"),
        ({"places": []}, "places", "Select at least one place where they can help"),
        (
            {"availability": []},
            "availability",
            "Select at least one time in the week when they are free",
        ),
        ({"languages": [" "]}, "languages", "Enter at least one language they speak, like English"),
        (
            {"capacity": 0},
            "capacity",
            "Enter how many people they can help at a time, from 1 to 10",
        ),
        (
            {"email": "nope"},
            "email",
            "Enter an e-mail address in the correct format, like name@example.com",
        ),
        ({"phone": "12"}, "phone", None),
        ({"postcode": "XYZ"}, "postcode", None),
        (
            {"available_from": datetime.date(2020, 1, 1)},
            "available_from",
            "The date they can start must be today or in the future",
        ),
    ],
)
def test_sign_up_bad_input(db, overrides, field, message):
    with pytest.raises(ValidationError) as raised:
        services.sign_up_friend(actor=None, **friend_details(**overrides))
    assert field in raised.value.message_dict
    if message:
        assert raised.value.message_dict[field] == [message]
    assert not DigitalFriend.objects.exists()


def test_approval_records_checks_and_makes_a_sign_in_account(
    administrator, django_capture_on_commit_callbacks
):
    friend = services.sign_up_friend(actor=None, **friend_details())
    assert friend.status == "applied" and friend.staff is None
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        friend = services.approve_friend(
            actor=administrator,
            friend=friend,
            safeguarding_trained_on=today,
            data_protection_trained_on=today,
        )
    assert friend.status == "approved" and friend.approved_by == administrator
    assert friend.staff.email == "fatima@example.org"
    assert friend.staff.has_perm("inclusion.log_session")
    assert not friend.staff.has_perm("residents.view_resident")
    assert not friend.staff.has_usable_password()
    assert len(mail.outbox) == 1 and "/account/password-reset/" in mail.outbox[0].body


def test_approval_needs_training_dates_and_dbs_for_home_visits(administrator):
    friend = services.sign_up_friend(actor=None, **friend_details(places=["home_visit"]))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        services.approve_friend(
            actor=administrator,
            friend=friend,
            safeguarding_trained_on=None,
            data_protection_trained_on=tomorrow,
        )
    assert raised.value.message_dict == {
        "safeguarding_trained_on": ["Enter the date they finished safeguarding training"],
        "data_protection_trained_on": [
            "The date of their data protection training must be today or in the past"
        ],
        "dbs_checked_on": ["Enter the date of their DBS check: they offer home visits"],
    }
    friend.refresh_from_db()
    assert friend.status == "applied" and friend.staff is None


def test_a_staff_friend_keeps_their_account_and_gains_the_role(administrator, officer):
    friend = approved_friend(administrator, email=officer.email, kind="staff")
    assert friend.staff == officer
    assert roles.DIGITAL_FRIEND in officer.role_names and roles.OFFICER in officer.role_names


def test_a_help_request_needs_topic_place_time_and_contact(db):
    with pytest.raises(ValidationError) as raised:
        services.make_help_request(
            actor=None, source="public", name="", goal="", topics=[], places=[], availability=[]
        )
    assert set(raised.value.message_dict) == {
        "name",
        "goal",
        "topics",
        "places",
        "availability",
        "phone",
    }
    assert not HelpRequest.objects.exists()


def test_a_help_request_records_its_events(help_request, learner):
    assert help_request.status == "waiting" and help_request.team.slug == "housing-needs"
    assert ServiceEvent.objects.get(name="inclusion.help_request").attributes == {
        "source": "officer"
    }
    started = ServiceEvent.objects.get(
        name="transaction.started", object_type="inclusion.helprequest"
    )
    assert started.attributes["service"] == "help_request"
    assert TimelineEvent.objects.filter(resident_id=learner.pk, kind="digital_help").exists()


def test_accepting_texts_both_and_schedules_a_reminder(
    team_leader, help_request, friend, run_tasks
):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    assert match.status == "offered" and match.reasons
    when = meeting_time(days=3)
    arranged = services.accept_match(
        actor=team_leader, match=match, first_meeting_at=when, meeting_place="Central Library"
    )
    assert arranged.warnings == []
    help_request.refresh_from_db()
    assert help_request.status == "arranged"
    learner_text = Message.objects.get(number="+447700900982", kind="one_off")
    assert "Central Library" in learner_text.body and "Fatima" in learner_text.body
    assert Message.objects.get(number="+447700900123").body.startswith(
        "Hello Fatima, you are helping Amina Khan"
    )
    nudge = Message.objects.get(kind="nudge")
    assert nudge.condition == f"inclusion.first_meeting:{match.pk}"
    assert abs(nudge.send_after - (when - datetime.timedelta(days=1))) < datetime.timedelta(
        seconds=1
    )


def test_accept_rejects_a_meeting_in_the_past(team_leader, help_request, friend):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    with pytest.raises(ValidationError) as raised:
        services.accept_match(
            actor=team_leader,
            match=match,
            first_meeting_at=timezone.now() - datetime.timedelta(hours=1),
            meeting_place="",
        )
    assert raised.value.message_dict == {
        "first_meeting_at": ["The first meeting must be in the future"],
        "meeting_place": ["Enter where they will meet, like Central Library or by phone"],
    }
    assert not Message.objects.exists()


def test_a_paused_or_full_friend_cannot_be_offered(
    team_leader, administrator, help_request, friend, learner
):
    services.set_friend_paused(actor=administrator, friend=friend, paused=True)
    with pytest.raises(ValidationError):
        services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    services.set_friend_paused(actor=administrator, friend=friend, paused=False)
    full = approved_friend(administrator, email="solo@example.org", capacity=1)
    services.offer_match(actor=team_leader, help_request=help_request, friend=full)
    other = services.make_help_request(
        actor=team_leader,
        source="colleague",
        name="Colin",
        email="colin@council.example",
        goal="E-mail",
        topics=["email"],
        places=["library"],
        availability=["mon_am"],
    )
    with pytest.raises(ValidationError) as raised:
        services.offer_match(actor=team_leader, help_request=other, friend=full)
    assert "paused, full" in raised.value.messages[0]


def test_a_public_learner_without_a_record_gets_texts_and_a_reminder_task(
    team_leader, friend, run_tasks
):
    help_request = services.make_help_request(
        actor=None,
        source="public",
        name="Pat Public",
        phone="07700 900 777",
        consents_to_text=True,
        goal="Video calls",
        topics=["email"],
        places=["library"],
        availability=["mon_am"],
    )
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    services.accept_match(
        actor=team_leader, match=match, first_meeting_at=meeting_time(), meeting_place="Library"
    )
    assert Message.objects.filter(number="+447700900777").count() == 1
    # The worker runs the reminder task when it is due; here it runs it now.
    assert services.send_learner_reminder(match_id=match.pk)
    assert services.send_learner_reminder(match_id=match.pk)
    reminders = Message.objects.filter(number="+447700900777", body__startswith="Reminder")
    assert reminders.count() == 1


def test_logging_the_first_session_completes_the_request_and_cancels_the_reminder(
    accepted, friend, help_request
):
    staff = friend.staff
    session = services.log_session(
        actor=staff,
        match=accepted,
        held_on=timezone.localdate(),
        minutes=45,
        topics=["uc_journal"],
        can_now_do="Read and reply to the journal",
        confidence_before=2,
        confidence_after=4,
        now_online=True,
    )
    help_request.refresh_from_db()
    assert help_request.status == "helping"
    event = ServiceEvent.objects.get(name="inclusion.session")
    assert event.value == 45 and event.channel == "assisted_digital"
    assert event.attributes == {"friend": friend.pk, "learner_first_session": True}
    done = ServiceEvent.objects.get(
        name="transaction.completed", object_type="inclusion.helprequest"
    )
    assert done.channel == "assisted_digital"
    assert Message.objects.get(kind="nudge").status == "cancelled"
    services.log_session(
        actor=staff,
        match=accepted,
        held_on=timezone.localdate(),
        minutes=30,
        topics=["uc_journal"],
        confidence_before=4,
        confidence_after=5,
    )
    assert ServiceEvent.objects.filter(name="transaction.completed").count() == 1
    assert session.match.sessions.count() == 2


def test_session_bad_input(accepted, friend):
    with pytest.raises(ValidationError) as raised:
        services.log_session(
            actor=friend.staff,
            match=accepted,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            minutes=0,
            topics=[],
            confidence_before=None,
            confidence_after=6,
        )
    assert set(raised.value.message_dict) == {
        "held_on",
        "minutes",
        "topics",
        "confidence_before",
        "confidence_after",
    }


def test_ending_a_match_frees_the_place(accepted, friend):
    assert queries.live_load([friend.pk]) == {friend.pk: 1}
    services.end_match(actor=friend.staff, match=accepted)
    assert queries.live_load([friend.pk]) == {}
    assert Match.objects.get().status == "ended"


def test_declining_an_offer_puts_the_request_back_in_the_queue(team_leader, help_request, friend):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    services.decline_match(actor=friend.staff, match=match)
    match.refresh_from_db()
    help_request.refresh_from_db()
    assert match.status == "declined"
    assert help_request.status == "waiting"
    assert queries.live_load([friend.pk]) == {}
    with pytest.raises(ValidationError, match="no longer waiting to be accepted"):
        services.decline_match(actor=friend.staff, match=match)


def test_only_an_accepted_match_can_be_ended(team_leader, help_request, friend):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    with pytest.raises(ValidationError, match="Only a match that was accepted"):
        services.end_match(actor=friend.staff, match=match)


def future_event(actor, capacity=2):
    start = timezone.now() + datetime.timedelta(days=5)
    return services.create_event(
        actor=actor,
        title="Digital speed dating",
        place="Library",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=capacity,
        topics=["smartphone"],
    )


def test_events_fill_then_keep_a_waiting_list(team_leader):
    event = future_event(team_leader, capacity=2)
    signups = [
        services.sign_up_for_event(actor=None, event=event, name=f"P{i}", phone="07700900111")
        for i in range(4)
    ]
    assert [s.status for s in signups] == ["booked", "booked", "waiting", "waiting"]
    services.cancel_signup(actor=None, signup=signups[0])
    assert EventSignup.objects.get(pk=signups[2].pk).status == "booked"
    services.change_event_capacity(actor=team_leader, event=event, capacity=3)
    assert EventSignup.objects.get(pk=signups[3].pk).status == "booked"
    with pytest.raises(ValidationError) as raised:
        services.change_event_capacity(actor=team_leader, event=event, capacity=1)
    assert raised.value.message_dict["capacity"][0].startswith("3 people are booked already")


def test_event_bad_input(team_leader):
    past = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        services.create_event(
            actor=team_leader,
            title="",
            place="",
            starts_at=past,
            ends_at=past,
            capacity=0,
            topics=[],
        )
    assert set(raised.value.message_dict) == {
        "title",
        "place",
        "starts_at",
        "ends_at",
        "capacity",
        "topics",
    }


def test_attendance_is_taken_on_the_day(team_leader):
    event = future_event(team_leader)
    signup = services.sign_up_for_event(
        actor=None, event=event, name="Pat", email="pat@example.org"
    )
    with pytest.raises(ValidationError):
        services.record_attendance(actor=team_leader, event=event, attended_ids=[signup.pk])
    event.starts_at = timezone.now() - datetime.timedelta(hours=1)
    event.save()
    with pytest.raises(ValidationError):
        services.record_attendance(actor=team_leader, event=event, attended_ids=[signup.pk + 100])
    assert services.record_attendance(actor=team_leader, event=event, attended_ids=[signup.pk]) == 1
    assert EventSignup.objects.get().attended is True


def test_checks_and_requests_follow_a_merged_resident(
    administrator, officer, learner, help_request
):
    check(officer, learner)
    services.save_access_needs(
        actor=officer, resident=learner, channels=["phone"], needs_help_online=True
    )
    keep = ResidentFactory()
    low, high = sorted([keep, learner], key=lambda r: r.pk)
    pair = DuplicateCandidate.objects.create(resident_a=low, resident_b=high, reason="name_dob")
    assert merging.merge_residents(actor=administrator, candidate=pair, keep_id=keep.pk) == keep
    assert queries.digital_level(keep) == 6
    assert HelpRequest.objects.get().resident_id == keep.pk
    assert queries.preferred_channels(keep) == ["phone"]


def test_the_learner_text_names_the_topics_never_the_officers_notes(
    team_leader, help_request, friend
):
    type(help_request).objects.filter(pk=help_request.pk).update(
        goal="Use her phone to send photos of her documents and check her Universal Credit "
        "journal without her son, who is not always around",
        topics=["uc_journal", "photos_cloud", "smartphone", "online_banking", "scams"],
    )
    help_request.refresh_from_db()
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    services.accept_match(
        actor=team_leader, match=match, first_meeting_at=meeting_time(), meeting_place="Library"
    )
    body = Message.objects.get(number="+447700900982", kind="one_off").body
    assert "Use her phone" not in body and "her son" not in body
    assert "will help you with: Universal Credit journal, Photos and the cloud" in body
    # Shortened between words, never inside one.
    helped = body.split("will help you with: ")[1].split(". First meeting")[0]
    assert helped.endswith("...")
    words = {word for label in help_request.topic_labels for word in label.replace(",", "").split()}
    assert all(word in words or word == "and" for word in helped[:-3].replace(",", "").split())
