"""Declining applicants, changing a Friend's details, cancelling event bookings, the referral's
channel, forms that show every error at once, and the public check speaking to "you"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from doorstep.api import services as api_services
from doorstep.core.models import AuditEvent, ServiceEvent, Staff
from doorstep.inclusion import services
from doorstep.inclusion.forms import FriendForm, HelpRequestForm, ReferralForm
from doorstep.inclusion.models import DigitalFriend, EventSignup, HelpRequest
from doorstep.messaging.models import Message

from ..api.conftest import ApiClient
from ..dates import date_parts
from ..factories import ResidentFactory, StaffFactory
from .matrix import friend_details

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def applicant():
    return services.sign_up_friend(actor=None, **friend_details())


@pytest.fixture
def coordinator_client(client, team_leader):
    client.force_login(team_leader)
    return client


def edit_data(**overrides) -> dict:
    data = {
        "email": "fatima.new@example.org",
        "phone": "07700 900 456",
        "topics": ["email", "nhs_app"],
        "languages": "English, Bengali",
        "places": ["library", "phone"],
        "availability": ["tue_pm"],
        "postcode": "E8 3BB",
        "capacity": "4",
        **date_parts("dbs_checked_on", None),
    }
    return {**data, **overrides}


# --- Declining an applicant --------------------------------------------------------------


def test_a_coordinator_declines_an_applicant(coordinator_client, team_leader, applicant):
    url = reverse("inclusion:friend_decline", args=[applicant.pk])
    response = coordinator_client.post(url, {"reason": "References did not come back"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == DigitalFriend.Status.DECLINED
    assert applicant.decline_reason == "References did not come back"
    assert applicant.declined_by == team_leader
    assert applicant.declined_at.date() == timezone.localdate()
    assert applicant.staff is None and applicant.approved_at is None
    assert not Staff.objects.filter(email__iexact=applicant.email).exists()
    assert AuditEvent.objects.filter(
        object_type="digital_friend", object_id=str(applicant.pk), detail="Declined"
    ).exists()
    listing = page(coordinator_client.get(reverse("inclusion:friends")))
    assert "Declined" in listing and escape(applicant.full_name) in listing
    detail = page(coordinator_client.get(applicant.get_absolute_url()))
    assert "References did not come back" in detail and escape(team_leader.full_name) in detail
    assert "Record the checks and approve" not in detail
    # Nor can it be approved afterwards.
    with pytest.raises(ValidationError):
        services.approve_friend(
            actor=team_leader,
            friend=applicant,
            safeguarding_trained_on=timezone.localdate(),
            data_protection_trained_on=timezone.localdate(),
        )
    assert DigitalFriend.objects.get(pk=applicant.pk).staff is None


def test_declining_needs_a_reason_and_an_applicant(coordinator_client, administrator, applicant):
    url = reverse("inclusion:friend_decline", args=[applicant.pk])
    bad = page(coordinator_client.post(url, {"reason": "  "}))
    assert "Enter why they are not being approved" in bad and "govuk-error-summary" in bad
    long = page(coordinator_client.post(url, {"reason": "x" * 501}))
    assert "The reason must be 500 characters or fewer" in long
    assert DigitalFriend.objects.get(pk=applicant.pk).status == DigitalFriend.Status.APPLIED
    today = timezone.localdate()
    services.approve_friend(
        actor=administrator,
        friend=applicant,
        safeguarding_trained_on=today,
        data_protection_trained_on=today,
    )
    approved = page(coordinator_client.post(url, {"reason": "Changed our mind"}))
    assert "Only someone waiting for checks can be declined" in approved
    assert DigitalFriend.objects.get(pk=applicant.pk).status == DigitalFriend.Status.APPROVED


# --- Changing an approved Friend's details ------------------------------------------------


def test_a_coordinator_changes_a_friends_details(coordinator_client, friend):
    url = reverse("inclusion:friend_edit", args=[friend.pk])
    form = page(coordinator_client.get(url))
    assert 'value="fatima@example.org"' in form and 'value="English"' in form
    response = coordinator_client.post(url, edit_data())
    assert response.status_code == 302
    friend.refresh_from_db()
    assert friend.email == "fatima.new@example.org"
    assert friend.phone == "+447700900456"
    assert friend.topics == ["email", "nhs_app"]
    assert friend.languages == ["English", "Bengali"]
    assert friend.places == ["library", "phone"]
    assert friend.availability == ["tue_pm"]
    assert friend.postcode == "E8 3BB" and friend.capacity == 4
    assert friend.status == DigitalFriend.Status.APPROVED
    audit = AuditEvent.objects.get(object_type="digital_friend", detail="Details changed")
    assert audit.object_id == str(friend.pk)
    assert set(audit.fields) >= {"email", "phone", "topics", "capacity", "languages"}


def test_changing_a_friend_bad_input_shows_every_error(coordinator_client, friend):
    url = reverse("inclusion:friend_edit", args=[friend.pk])
    bad = page(
        coordinator_client.post(
            url,
            edit_data(
                email="not-an-email",
                topics=[],
                languages="",
                places=["home_visit"],
                availability=[],
                capacity="11",
                **date_parts("dbs_checked_on", "31 2 2024"),
            ),
        )
    )
    # A type error (the date, the number) and rule errors, all on the first submit.
    assert "The date of their DBS check must be a real date" in bad
    assert "Enter how many people they can help at a time, from 1 to 10" in bad
    assert "Enter an e-mail address in the correct format" in bad
    assert "Select at least one topic they can help with" in bad
    assert "Enter at least one language they speak" in bad
    assert "Select at least one time in the week when they are free" in bad
    home = page(coordinator_client.post(url, edit_data(places=["home_visit"])))
    assert "Enter the date of their DBS check: they offer home visits" in home
    friend.refresh_from_db()
    assert friend.email == "fatima@example.org" and friend.places == ["library"]
    assert not AuditEvent.objects.filter(detail="Details changed").exists()
    today = date_parts("dbs_checked_on", timezone.localdate())
    coordinator_client.post(url, edit_data(places=["home_visit"], **today))
    friend.refresh_from_db()
    assert friend.places == ["home_visit"] and friend.dbs_checked_on == timezone.localdate()


@pytest.mark.parametrize("name", ["friend_edit", "friend_decline"])
def test_only_coordinators_decline_or_change_friends(client, officer, applicant, name):
    url = reverse(f"inclusion:{name}", args=[applicant.pk])
    data = {"reason": "No", **edit_data()}
    assert client.post(url, data).status_code == 302  # anonymous: to sign in
    client.force_login(officer)
    assert client.post(url, data).status_code == 403
    client.force_login(StaffFactory(roles=["Digital Friend"]))
    assert client.post(url, data).status_code == 403
    applicant.refresh_from_db()
    assert applicant.status == DigitalFriend.Status.APPLIED
    assert applicant.email == "fatima@example.org"


# --- Cancelling event bookings --------------------------------------------------------------


def small_event(actor, capacity=1):
    start = timezone.now() + datetime.timedelta(days=5)
    return services.create_event(
        actor=actor,
        title="Digital speed dating",
        place="Central Library",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=capacity,
        topics=["smartphone"],
    )


def test_cancelling_a_booking_moves_the_first_waiting_up_and_texts_them(
    coordinator_client, team_leader, textable_resident
):
    event = small_event(team_leader)
    first = services.sign_up_for_event(actor=None, event=event, name="Ann", email="a@example.org")
    waiting = services.sign_up_for_event(
        actor=team_leader,
        event=event,
        name="Amina Khan",
        resident=textable_resident,
        phone="07700900982",
    )
    second = services.sign_up_for_event(actor=None, event=event, name="Bo", phone="07700900111")
    assert (waiting.status, second.status) == ("waiting", "waiting")
    html = page(coordinator_client.get(reverse("inclusion:event_manage", args=[event.pk])))
    cancel_url = reverse("inclusion:booking_cancel", args=[first.pk])
    assert f'action="{cancel_url}"' in html
    response = coordinator_client.post(cancel_url, follow=True)
    assert "Moved up from the waiting list: Amina Khan" in page(response)
    statuses = dict(EventSignup.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "cancelled", waiting.pk: "booked", second.pk: "waiting"}
    text = Message.objects.get(resident=textable_resident)
    assert "you are now booked on Digital speed dating" in text.body
    assert not Message.objects.filter(number="+447700900111").exists()
    assert AuditEvent.objects.filter(
        object_type="digital_event_signup", object_id=str(first.pk), detail="Cancelled"
    ).exists()


def test_someone_who_cannot_be_texted_still_moves_up(coordinator_client, team_leader):
    event = small_event(team_leader)
    first = services.sign_up_for_event(actor=None, event=event, name="Ann", email="a@example.org")
    no_phone = ResidentFactory(first_name="Nadia", consents_to_text=False)
    waiting = services.sign_up_for_event(
        actor=team_leader, event=event, name="Nadia Noor", resident=no_phone, email="n@example.org"
    )
    response = coordinator_client.post(
        reverse("inclusion:booking_cancel", args=[first.pk]), follow=True
    )
    html = page(response)
    assert "No text to Nadia Noor" in html
    # Nothing went to Nadia: an important banner, not a success banner beside the warning.
    assert "govuk-notification-banner--success" not in html
    assert "Ann&#x27;s place cancelled. Moved up from the waiting list: Nadia Noor. No text" in html
    assert ">Important</h2>" in html
    assert EventSignup.objects.get(pk=waiting.pk).status == "booked"
    assert not Message.objects.exists()


def test_a_public_booking_with_a_phone_gets_a_system_text(team_leader):
    event = small_event(team_leader)
    first = services.sign_up_for_event(actor=None, event=event, name="Ann", email="a@example.org")
    services.sign_up_for_event(actor=None, event=event, name="Bo Bell", phone="07700900111")
    cancelled = services.cancel_signup(actor=team_leader, signup=first)
    assert [s.name for s in cancelled.promoted] == ["Bo Bell"] and cancelled.warnings == []
    assert Message.objects.get(number="+447700900111").body.startswith("Hello Bo, a place")
    # Cancelling twice changes nothing and texts nobody again.
    assert services.cancel_signup(actor=team_leader, signup=first).promoted == []
    assert Message.objects.count() == 1


def test_only_coordinators_cancel_bookings(client, officer, team_leader):
    event = small_event(team_leader)
    booked = services.sign_up_for_event(actor=None, event=event, name="Ann", email="a@example.org")
    url = reverse("inclusion:booking_cancel", args=[booked.pk])
    assert client.post(url).status_code == 302
    for visitor in [officer, StaffFactory(roles=["Digital Friend"])]:
        client.force_login(visitor)
        assert client.post(url).status_code == 403
    assert EventSignup.objects.get(pk=booked.pk).status == "booked"
    client.force_login(team_leader)
    assert client.get(url).status_code == 405


# --- The referral's channel ---------------------------------------------------------------


def referral(**overrides) -> dict:
    data = {
        "name": "Amina Khan",
        "phone": "07700900982",
        "goal": "Use the journal",
        "topics": ["uc_journal"],
        "language": "English",
        "places": ["library"],
        "availability": ["mon_am"],
    }
    return {**data, **overrides}


def started_channel(help_request) -> str:
    event = ServiceEvent.objects.get(
        name="transaction.started",
        object_type="inclusion.helprequest",
        object_id=str(help_request.pk),
    )
    assert event.attributes["service"] == "help_request"
    return event.channel


@pytest.mark.parametrize(
    "posted, channel", [({}, "face_to_face"), ({"contact_channel": "phone"}, "phone")]
)
def test_a_referral_records_how_the_officer_was_in_touch(officer_client, learner, posted, channel):
    url = reverse("inclusion:refer", args=[learner.pk])
    assert officer_client.post(url, referral(**posted)).status_code == 302
    assert started_channel(HelpRequest.objects.get()) == channel


def test_a_referral_with_an_unknown_channel_is_refused(officer_client, learner):
    url = reverse("inclusion:refer", args=[learner.pk])
    bad = page(officer_client.post(url, referral(contact_channel="pigeon")))
    assert "Select whether you spoke to them face to face or on the phone" in bad
    assert not HelpRequest.objects.exists()


def test_other_requests_are_online(officer, team_leader):
    colleague = services.make_help_request(actor=officer, source="colleague", **_request())
    public = services.make_help_request(actor=None, source="public", **_request())
    assert started_channel(colleague) == started_channel(public) == "digital"


def _request() -> dict:
    data = referral()
    data["topics"], data["places"], data["availability"] = ["email"], ["library"], ["mon_am"]
    return data


# --- Every error at once --------------------------------------------------------------------


def test_friend_sign_up_shows_type_and_rule_errors_together(client):
    data = {
        **{k: v for k, v in friend_details().items() if v is not None},
        "languages": "English",
        "topics": [],
        "capacity": "9",
        **date_parts("available_from", "32 13 2026"),
    }
    form = FriendForm(data)
    assert not form.is_valid()
    assert form.errors["available_from"] == ["The date you can start must be a real date"]
    assert form.errors["topics"] == ["Select at least one topic they can help with"]
    # The failed fields keep their own single message.
    assert len(form.errors["available_from"]) == 1 and len(form.errors["capacity"]) == 1
    html = page(client.post(reverse("inclusion:volunteer"), data))
    assert "must be a real date" in html and "Select at least one topic" in html
    assert not DigitalFriend.objects.exists()


def test_request_forms_show_choice_and_rule_errors_together():
    bad = referral(topics=["juggling"], goal="", places=[])
    form = ReferralForm(bad)
    assert not form.is_valid()
    assert form.errors["topics"] == ["Choose only from the options listed"]
    assert form.errors["goal"] == ["Enter what they want to be able to do"]
    assert form.errors["places"] == ["Select at least one place where they could meet"]
    colleague = HelpRequestForm(
        referral(availability=["someday"], phone="", name="", consents_to_text="on")
    )
    assert not colleague.is_valid()
    assert colleague.errors["name"] == ["Enter the name of the person who wants help"]
    assert colleague.errors["availability"] == ["Choose only from the options listed"]
    # No resident record to text, so the form asks for a number, as the service would.
    assert colleague.errors["phone"] == ["Enter a mobile number for the texts, or untick texts"]


# --- The public check speaks to "you" ---------------------------------------------------------


def test_the_public_check_says_you(client, officer_client, learner):
    answers = {"ever_used": "yes", "connection": "mobile"}
    public = page(client.post(reverse("inclusion:public_check"), answers))
    assert "Select whether you still use the internet" in public
    assert "Select whether they" not in public
    with_officer = page(
        officer_client.post(reverse("inclusion:skills_check", args=[learner.pk]), answers)
    )
    assert "Select whether they still use the internet" in with_officer
    public = page(client.post(reverse("inclusion:public_check"), {"ever_used": "yes"}))
    assert "Select how you get online" in public


def test_the_api_takes_the_referral_channel(client, learner):
    api = ApiClient(client, api_services.issue_token(actor=None, name="Contact centre")[1])
    body = {
        "resident_id": learner.pk,
        "name": learner.full_name,
        "goal": "Use the journal",
        "topics": ["uc_journal"],
        "places": ["library"],
        "availability": ["mon_am"],
    }
    made = api.post("/api/v1/help-requests", {**body, "contact_channel": "phone"})
    assert made.status_code == 201, made.json()
    assert started_channel(HelpRequest.objects.get(pk=made.json()["id"])) == "phone"
    bad = api.post("/api/v1/help-requests", {**body, "contact_channel": "fax"})
    assert bad.status_code == 422 and "contact_channel" in str(bad.json())
