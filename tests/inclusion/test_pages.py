"""The pages: officer check and referral, public forms, coordinator matching, Friends' pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import roles
from doorstep.core.models import AuditEvent
from doorstep.inclusion import services
from doorstep.inclusion.models import (
    DigitalFriend,
    Event,
    EventSignup,
    HelpRequest,
    Match,
    Session,
    SkillsCheck,
)

from ..dates import date_parts
from ..factories import CaseFactory, ResidentFactory, StaffFactory
from .conftest import approved_friend
from .matrix import friend_details

pytestmark = pytest.mark.django_db

LEVEL_7 = {
    "tasks": ["send_email", "public_services"],
    "ever_used": "yes",
    "still_uses": "yes",
    "likes_using": "yes",
    "basics": "all",
    "needs_help": "yes",
    "has_device": "yes",
    "connection": "mobile",
    "enough_data": "no",
    "confidence": "3",
}


def page(response) -> str:
    return response.content.decode()


def test_the_single_view_shows_the_panel_with_actions(officer_client, learner):
    html = page(officer_client.get(learner.get_absolute_url()))
    assert 'id="inclusion"' in html
    assert "No digital skills check yet." in html
    assert reverse("inclusion:skills_check", args=[learner.pk]) in html
    assert reverse("inclusion:refer", args=[learner.pk]) in html


def test_an_officer_runs_a_check_and_sees_the_level(officer_client, learner):
    url = reverse("inclusion:skills_check", args=[learner.pk])
    form = page(officer_client.get(url))
    assert form.count('name="tasks"') == 24 and 'id="id_tasks_1"' in form
    assert "How the level is worked out" in form
    response = officer_client.post(url, LEVEL_7, follow=True)
    check = SkillsCheck.objects.get()
    assert response.redirect_chain[-1][0] == check.get_absolute_url()
    html = page(response)
    assert "Level 7: Basic digital skills" in html
    assert "Free mobile data" in html
    assert f"{reverse('inclusion:refer', args=[learner.pk])}?topic=getting_started" in html
    assert check.resident == learner and check.level == 7 and check.connection == "mobile"
    single_view = page(officer_client.get(learner.get_absolute_url()))
    assert "Level 7" in single_view
    history = page(officer_client.get(reverse("inclusion:history", args=[learner.pk])))
    assert "First check" in history
    assert AuditEvent.objects.filter(object_type="skills_check", action="view").count() == 2


def test_a_check_with_a_question_missing_shows_the_error(officer_client, learner):
    data = {**LEVEL_7}
    del data["basics"]
    html = page(officer_client.post(reverse("inclusion:skills_check", args=[learner.pk]), data))
    assert "There is a problem" in html
    assert "Select which of the four basic tasks they can do on their own" in html
    assert 'href="#id_basics_1"' in html
    assert not SkillsCheck.objects.exists()


def test_the_public_check_shows_the_result_without_saving_a_name(client):
    url = reverse("inclusion:public_check")
    assert "Check your digital skills" in page(client.get(url))
    html = page(
        client.post(url, {"ever_used": "no", "wants_to_be_online": "yes", "connection": "none"})
    )
    assert "Level 3: Willing and unable" in html
    assert reverse("inclusion:ask_for_help") in html
    check = SkillsCheck.objects.get()
    assert check.resident is None and check.source == "self"


RELUCTANT = {**LEVEL_7, "likes_using": "no", "tasks": [], "basics": "", "needs_help": ""}


def test_a_skills_level_is_shown_in_a_neutral_inset_not_a_success_panel(officer_client, learner):
    # Level 4, "Reluctantly online", is where someone is, not something that went well.
    response = officer_client.post(
        reverse("inclusion:skills_check", args=[learner.pk]),
        RELUCTANT,
        follow=True,
    )
    html = page(response)
    assert "Level 4: Reluctantly online" in html
    assert "govuk-panel--confirmation" not in html
    result = html[html.index('<div class="govuk-inset-text">') :]
    assert result.index("Level 4: Reluctantly online") < result.index("</div>")
    banner = html[html.index("govuk-notification-banner--success") :]
    assert "Reluctantly online" not in banner[: banner.index("</div>\n        </div>")]
    public = page(
        officer_client.post(
            reverse("inclusion:public_check"),
            RELUCTANT,
        )
    )
    assert "Level 4: Reluctantly online" in public and "govuk-panel" not in public


def test_access_needs_page(officer_client, learner):
    url = reverse("inclusion:access_needs", args=[learner.pk])
    response = officer_client.post(
        url, {"channels": ["phone", "letter"], "needs_help_online": "on", "language": "Somali"}
    )
    assert response.status_code == 302
    html = page(officer_client.get(learner.get_absolute_url()))
    assert "Phone, Letter or printed copies" in html and "Needs someone to help" in html
    bad = page(officer_client.post(url, {"channels": ["pigeon"]}))
    assert "Choose only from the options listed" in bad


def test_an_officer_refers_a_resident(officer_client, learner):
    url = reverse("inclusion:refer", args=[learner.pk])
    form = page(officer_client.get(url + "?topic=uc_journal"))
    assert (
        'value="Amina Khan"' in form
        and 'value="uc_journal" checked' in form.replace('checked="checked"', "checked")
        or "uc_journal" in form
    )
    bad = page(officer_client.post(url, {"name": "Amina Khan", "goal": ""}))
    assert "Enter what they want to be able to do" in bad
    assert "Select at least one thing they want help with" in bad
    response = officer_client.post(
        url,
        {
            "name": "Amina Khan",
            "phone": "07700900982",
            "goal": "Use the journal",
            "topics": ["uc_journal"],
            "language": "English",
            "places": ["library"],
            "availability": ["mon_am"],
        },
    )
    assert response.status_code == 302
    assert HelpRequest.objects.get().resident == learner


def test_the_public_can_ask_for_help_and_volunteer(client):
    bad = page(client.post(reverse("inclusion:ask_for_help"), {"name": "Pat"}))
    assert "Enter a phone number or an e-mail address so we can contact you" in bad
    response = client.post(
        reverse("inclusion:ask_for_help"),
        {
            "name": "Pat",
            "email": "pat@example.org",
            "goal": "Video calls",
            "topics": ["video_calls"],
            "language": "English",
            "places": ["phone"],
            "availability": ["sat_am"],
        },
    )
    assert response.url == reverse("inclusion:ask_for_help_sent")
    assert HelpRequest.objects.get().source == "public"
    no_topic = page(
        client.post(
            reverse("inclusion:volunteer"),
            {
                "full_name": "Val",
                "email": "val@example.org",
                "kind": "community",
                "languages": "English",
                "places": ["library"],
                "availability": ["mon_am"],
                "capacity": "1",
            },
        )
    )
    assert "Select at least one topic they can help with" in no_topic
    past = page(
        client.post(reverse("inclusion:volunteer"), date_parts("available_from", "1 1 2020"))
    )
    assert "The date they can start must be today or in the future" in past
    assert not DigitalFriend.objects.exists()
    ok = client.post(
        reverse("inclusion:volunteer"),
        {
            "full_name": "Val",
            "email": "val@example.org",
            "kind": "community",
            "topics": ["email"],
            "languages": "English, Polish",
            "places": ["library"],
            "availability": ["mon_am"],
            "capacity": "2",
        },
    )
    assert ok.url == reverse("inclusion:volunteer_sent")
    assert DigitalFriend.objects.get().languages == ["English", "Polish"]


def test_the_coordinator_matches_and_arranges(client, team_leader, help_request, administrator):
    near = approved_friend(
        administrator, full_name="Nadia Near", email="n@example.org", postcode="E8 3AA"
    )
    approved_friend(administrator, full_name="Fred Far", email="f@example.org", postcode="N16 7AA")
    paused = approved_friend(administrator, full_name="Paula Paused", email="p@example.org")
    services.set_friend_paused(actor=administrator, friend=paused, paused=True)
    client.force_login(team_leader)
    html = page(client.get(help_request.get_absolute_url()))
    assert html.index("Nadia Near") < html.index("Fred Far")
    assert "Paula Paused" not in html
    assert "Same postcode district (E8)" in html
    client.post(reverse("inclusion:offer", args=[help_request.pk]), {"friend": near.pk})
    match = Match.objects.get()
    assert match.friend == near and match.status == "offered"
    url = reverse("inclusion:arrange", args=[match.pk])
    bad = page(
        client.post(
            url,
            {
                **date_parts("meeting_date", "1 1 2020"),
                "meeting_time": "10:00",
                "meeting_place": "Library",
            },
        )
    )
    assert "The first meeting must be in the future" in bad
    impossible = page(
        client.post(
            url,
            {
                **date_parts("meeting_date", "30 2 2030"),
                "meeting_time": "10:00",
                "meeting_place": "Library",
            },
        )
    )
    assert (
        '<a href="#id_meeting_date_day">The date of the first meeting must be a real date</a>'
        in (impossible)
    )
    assert Match.objects.get().status == "offered"
    day = timezone.localdate() + datetime.timedelta(days=4)
    response = client.post(
        url,
        {
            **date_parts("meeting_date", day),
            "meeting_time": "10:30",
            "meeting_place": "Central Library",
        },
        follow=True,
    )
    assert "Arranged: Nadia Near will help Amina Khan" in page(response)
    assert Match.objects.get().status == "accepted"
    first_meeting = timezone.localtime(Match.objects.get().first_meeting_at)
    assert (first_meeting.date(), first_meeting.time()) == (day, datetime.time(10, 30))


def test_arranging_with_a_friend_who_cannot_be_texted_is_not_a_success_banner(
    client, team_leader, help_request, administrator
):
    gareth = approved_friend(
        administrator, full_name="Gareth Green", email="g@example.org", phone=""
    )
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=gareth)
    client.force_login(team_leader)
    day = timezone.localdate() + datetime.timedelta(days=4)
    response = client.post(
        reverse("inclusion:arrange", args=[match.pk]),
        {
            **date_parts("meeting_date", day),
            "meeting_time": "10:30",
            "meeting_place": "Central Library",
        },
        follow=True,
    )
    html = page(response)
    assert Match.objects.get().status == "accepted"
    assert (
        "Arranged: Gareth Green will help Amina Khan. "
        "No text to Gareth Green: they have no mobile number." in html
    )
    assert "govuk-notification-banner--success" not in html and ">Important</h2>" in html


def test_a_friend_sees_only_their_own_learners(
    client, friend, help_request, team_leader, learner, administrator
):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    other_friend = approved_friend(administrator, email="other@example.org")
    client.force_login(other_friend.staff)
    assert client.get(reverse("inclusion:learner", args=[match.pk])).status_code == 403
    assert client.get(reverse("inclusion:log_session", args=[match.pk])).status_code == 403
    assert "Amina" not in page(client.get(reverse("inclusion:my_learners")))
    client.force_login(friend.staff)
    listing = page(client.get(reverse("inclusion:my_learners")))
    assert "Amina Khan" in listing and "waiting for you to accept" in listing
    detail = page(client.get(reverse("inclusion:learner", args=[match.pk])))
    # Only offered: the request, not yet the learner's phone (see test_friend_contact.py).
    assert "Use the Universal Credit journal on my own" in detail
    assert "07700" not in detail and "+44" not in detail
    assert learner.reference not in detail and str(learner.date_of_birth.year) not in detail
    # Never the resident's record, cases, assessments or documents.
    case = CaseFactory(resident=learner)
    for url in [
        learner.get_absolute_url(),
        reverse("cases:detail", args=[case.pk]),
        reverse("vulnerability:history", args=[learner.pk]),
        reverse("inclusion:history", args=[learner.pk]),
        reverse("inclusion:request", args=[help_request.pk]),
    ]:
        assert client.get(url).status_code == 403, url


def test_a_friend_accepts_and_logs_a_session(client, friend, help_request, team_leader):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    client.force_login(friend.staff)
    url = reverse("inclusion:learner", args=[match.pk])
    day = timezone.localdate() + datetime.timedelta(days=2)
    client.post(
        url,
        {**date_parts("meeting_date", day), "meeting_time": "14:00", "meeting_place": "Library"},
    )
    assert Match.objects.get().status == "accepted"
    session_url = reverse("inclusion:log_session", args=[match.pk])
    assert "Enter the length in minutes, like 45" in page(
        client.post(session_url, {"minutes": "abc"})
    )
    bad = page(client.post(session_url, {**date_parts("held_on", None), "minutes": ""}))
    assert '<a href="#id_held_on_day">Enter the date of the session</a>' in bad
    assert "Select how confident they felt before the session, from 1 to 5" in bad
    session = {
        "minutes": "60",
        "topics": ["uc_journal"],
        "can_now_do": "Post in the journal",
        "confidence_before": "2",
        "confidence_after": "4",
    }
    impossible = page(client.post(session_url, {**date_parts("held_on", "31 4 2025"), **session}))
    assert '<a href="#id_held_on_day">The date of the session must be a real date</a>' in impossible
    no_month = page(client.post(session_url, {**date_parts("held_on", "3  2025"), **session}))
    assert '<a href="#id_held_on_month">The date of the session must include a month</a>' in (
        no_month
    )
    assert not Session.objects.exists()
    ok = client.post(
        session_url,
        {
            **date_parts("held_on", timezone.localdate()),
            "minutes": "60",
            "topics": ["uc_journal"],
            "can_now_do": "Post in the journal",
            "confidence_before": "2",
            "confidence_after": "4",
        },
    )
    assert ok.status_code == 302
    assert Session.objects.get().confidence_after == 4
    assert Session.objects.get().held_on == timezone.localdate()


def test_events_over_capacity_and_attendance(client, team_leader):
    client.force_login(team_leader)
    day = timezone.localdate() + datetime.timedelta(days=3)
    bad = page(
        client.post(
            reverse("inclusion:events_manage"),
            {
                "title": "Drop-in",
                "place": "Library",
                **date_parts("day", "1 1 2020"),
                "starts": "10:00",
                "ends": "09:00",
                "capacity": "0",
                "topics": ["email"],
            },
        )
    )
    assert "The event must start in the future" in bad
    assert "Enter how many people can come, from 1 to 500" in bad
    client.post(
        reverse("inclusion:events_manage"),
        {
            "title": "Drop-in",
            "place": "Library",
            **date_parts("day", day),
            "starts": "10:00",
            "ends": "12:00",
            "capacity": "1",
            "topics": ["email"],
        },
    )
    event = Event.objects.get()
    assert timezone.localtime(event.starts_at).date() == day
    client.logout()
    signup_url = reverse("inclusion:event", args=[event.pk])
    assert "You have a place" in page(
        client.post(signup_url, {"name": "Ann", "phone": "07700900001"})
    )
    assert "You are on the waiting list" in page(
        client.post(signup_url, {"name": "Bob", "email": "bob@example.org"})
    )
    assert "Enter a phone number or an e-mail address" in page(
        client.post(signup_url, {"name": "Cy"})
    )
    client.force_login(team_leader)
    manage = reverse("inclusion:event_manage", args=[event.pk])
    over = page(client.post(manage, {"action": "capacity", "capacity": "0"}))
    assert "Enter how many people can come, from 1 to 500" in over
    assert "Attendance can be taken on the day" in page(
        client.post(manage, {"action": "attendance", "attended": [EventSignup.objects.first().pk]})
    )


def test_the_impact_page(client, team_leader, accepted, friend):
    services.log_session(
        actor=friend.staff,
        match=accepted,
        held_on=timezone.localdate(),
        minutes=90,
        topics=["uc_journal"],
        confidence_before=2,
        confidence_after=4,
        now_online=True,
    )
    client.force_login(team_leader)
    html = page(client.get(reverse("inclusion:impact")))
    assert "People helped by a Digital Friend" in html and ">1.5<" in html
    assert "Enter a postcode area" in page(client.get(reverse("inclusion:impact"), {"area": "E1"}))
    elsewhere = page(client.get(reverse("inclusion:impact"), {"area": "N"}))
    assert "postcode area N" in elsewhere
    chosen = page(
        client.get(
            reverse("inclusion:impact"),
            {**date_parts("start", "1 1 2025"), **date_parts("end", "31 Jan 2025")},
        )
    )
    assert "1 Jan 2025 to 31 Jan 2025" in chosen
    impossible = page(client.get(reverse("inclusion:impact"), date_parts("end", "31 6 2025")))
    assert '<a href="#id_end_day">The last day must be a real date</a>' in impossible


def test_approving_on_the_page(client, administrator, settings):
    settings.OTP_REQUIRED_ROLES = []
    friend = services.sign_up_friend(actor=None, **friend_details(places=["home_visit"]))
    client.force_login(administrator)
    url = reverse("inclusion:friend", args=[friend.pk])
    bad = page(client.post(url, date_parts("safeguarding_trained_on", "31 2 2024")))
    assert "The date of their safeguarding training must be a real date" in bad
    missing = page(client.post(url, {}))
    assert "Enter the date they finished safeguarding training" in missing
    assert "Enter the date of their DBS check: they offer home visits" in missing
    today = timezone.localdate()
    client.post(
        url,
        {
            **date_parts("safeguarding_trained_on", today),
            **date_parts("data_protection_trained_on", today),
            **date_parts("dbs_checked_on", today),
        },
    )
    friend.refresh_from_db()
    assert friend.safeguarding_trained_on == today and friend.dbs_checked_on == today
    assert (
        friend.status == "approved"
        and friend.staff.groups.filter(name=roles.DIGITAL_FRIEND).exists()
    )


def test_an_officer_cannot_coordinate(officer_client, help_request):
    assert officer_client.get(help_request.get_absolute_url()).status_code == 403
    assert (
        officer_client.post(reverse("inclusion:offer", args=[help_request.pk])).status_code == 403
    )


def test_a_colleague_asks_for_help(client, team):
    colleague = StaffFactory(roles=[roles.OFFICER], teams=[team], full_name="Col League")
    client.force_login(colleague)
    assert 'value="Col League"' in page(client.get(reverse("inclusion:colleague_request")))
    client.post(
        reverse("inclusion:colleague_request"),
        {
            "name": "Col League",
            "email": colleague.email,
            "goal": "Video calls",
            "topics": ["video_calls"],
            "language": "English",
            "places": ["video"],
            "availability": ["tue_pm"],
        },
    )
    assert HelpRequest.objects.get().source == "colleague"
    assert ResidentFactory  # residents are not involved
