"""Group texts: the builder, the check step, sending, the progress page and the list."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.cases.models import Case
from doorstep.core import roles
from doorstep.core.models import AuditEvent
from doorstep.messaging import services
from doorstep.messaging.cohort_forms import NO_FILTER_ERROR
from doorstep.messaging.models import Cohort, Message, Suppression, Template
from doorstep.messaging.rules import UK

from ..dates import date_parts
from ..factories import CaseFactory, PhoneFactory, ResidentFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

LIST = "/messages/groups/"
NEW = "/messages/groups/new/"


@pytest.fixture
def leader_client(client, team_leader):
    client.force_login(team_leader)
    return client


@pytest.fixture
def group(team):
    """Residents with a case in the team, each textable or not for a different reason."""

    def resident(name, *, consents=True, number=None, mobile=True, case_team=team):
        person = ResidentFactory(first_name=name, consents_to_text=consents)
        if number:
            PhoneFactory(resident=person, number=number, is_mobile=mobile)
        CaseFactory(resident=person, team=case_team)
        return person

    people = {
        "ok": resident("Amina", number="+447700900101"),
        "ok_too": resident("Bilal", number="+447700900102"),
        "no_phone": resident("Cara"),
        "landline": resident("Dev", number="+441632960103", mobile=False),
        "no_consent": resident("Ella", consents=False, number="+447700900104"),
        "opted_out": resident("Femi", number="+447700900105"),
        "other_team": resident(
            "Gus", number="+447700900106", case_team=TeamFactory(name="Benefits", slug="benefits")
        ),
    }
    Suppression.objects.create(number="+447700900105", reason=Suppression.Reason.RESIDENT)
    return people


@pytest.fixture
def answers(team):
    def make(**changes):
        data = {
            "name": "Rent statement reminder",
            "filter_team": str(team.pk),
            "filter_case_type": "",
            "filter_case_status": "",
            "filter_not_replied_days": "",
            "template": "",
            "body": "Hello ((first name)), please send your rent statement.",
            "when": "now",
            **date_parts("send_date", None),
            "send_time": "",
            "action": "check",
        }
        data.update(changes)
        return data

    return make


def errors(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    return page


def future(days=3, hour=10):
    moment = (timezone.now() + timedelta(days=days)).astimezone(UK)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


# --- Permissions ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    cohort = Cohort.objects.create(name="Reminder", body="Hello")
    for url in [LIST, NEW, f"{LIST}{cohort.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [roles.OFFICER, roles.DIGITAL_FRIEND])
def test_only_team_leaders_and_administrators_send_group_texts(client, role, answers):
    cohort = Cohort.objects.create(name="Reminder", body="Hello")
    client.force_login(StaffFactory(roles=[role]))
    for url in [LIST, NEW, f"{LIST}{cohort.pk}/"]:
        assert client.get(url).status_code == 403, url
    assert client.post(NEW, answers(action="send")).status_code == 403
    assert Cohort.objects.count() == 1


def test_team_leaders_see_the_pages(leader_client):
    assert leader_client.get(LIST).status_code == 200
    page = leader_client.get(NEW).content.decode()
    for label in [
        "Has a case with team",
        "Has a case of type",
        "Has a case with status",
        "Has not replied in the last N days",
    ]:
        assert label in page
    assert re.search(r'id="id_when_1"[^>]*value="now"[^>]*checked', page)


# --- Bad answers ----------------------------------------------------------------------------


def test_at_least_one_filter_is_needed(leader_client, answers, group):
    page = errors(leader_client.post(NEW, answers(filter_team="")))
    assert NO_FILTER_ERROR in page
    assert 'href="#id_filter_team"' in page
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": ""}, "Write the message, or choose a template"),
        ({"body": "   "}, "Write the message, or choose a template"),
        ({"body": "Hello ((nickname))"}, "Remove ((nickname))"),
        ({"name": ""}, "Enter a name for this group text"),
        ({"filter_team": "99999"}, "Choose one of the options for “Has a case with team”"),
        ({"filter_not_replied_days": "two weeks"}, "Enter a whole number"),
        ({"filter_not_replied_days": "0"}, "Enter a number of 1 or more"),
        ({"when": ""}, "Select when to send the group text"),
        ({"when": "later"}, "Enter the date to send it"),
        (
            {"when": "later", **date_parts("send_date", "31 2 2030")},
            "The date to send it must be a real date",
        ),
        (
            {"when": "later", **date_parts("send_date", "1 2 30"), "send_time": "10:00"},
            "Year must include 4 numbers",
        ),
        (
            {
                "when": "later",
                **date_parts("send_date", "1 2 2099"),
                "send_time": "25:00",
            },
            "Enter the time in the 24-hour clock",
        ),
        (
            {
                "when": "later",
                **date_parts("send_date", "1 2 2020"),
                "send_time": "10:00",
            },
            "The date and time to send it must be in the future",
        ),
    ],
)
@pytest.mark.parametrize("action", ["check", "send"])
def test_bad_answers_are_explained_and_nothing_is_sent(
    leader_client, answers, group, changes, message, action
):
    page = errors(leader_client.post(NEW, answers(action=action, **changes)))
    assert message in page
    assert not Cohort.objects.exists()
    assert not Message.objects.exists()


def test_a_template_and_a_message_together_are_refused(leader_client, answers, group):
    template = Template.objects.create(name="Rent", body="Rent due, ((first name))")
    page = errors(leader_client.post(NEW, answers(template=template.pk)))
    assert "Choose a template or write a message, not both" in page


# --- Checking -------------------------------------------------------------------------------


def test_check_shows_who_gets_it_and_who_is_left_out(leader_client, answers, group, team):
    response = leader_client.post(NEW, answers())
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.matched == 6
    assert preview.will_get_it == 2
    assert dict(preview.excluded) == {
        services.NO_MOBILE: 2,
        services.NO_CONSENT: 1,
        services.OPTED_OUT: 1,
    }
    page = response.content.decode()
    assert '<dd class="govuk-summary-list__value" id="matched">6</dd>' in page
    assert '<dd class="govuk-summary-list__value" id="will-get-it">2</dd>' in page
    assert "2 no mobile number" in page and "1 opted out of texts" in page
    assert f"Has a case with team: {team.name}" in page
    assert "Hello Amina, please send your rent statement." in page
    assert "1 text message" in page
    assert 'value="send"' in page
    assert not Cohort.objects.exists()  # checking sends nothing


def test_filters_combine(leader_client, answers, group):
    Case.objects.filter(resident=group["ok"]).update(status=Case.Status.WAITING)
    response = leader_client.post(NEW, answers(filter_case_status="waiting"))
    assert response.context["preview"].matched == 1
    assert response.context["preview"].will_get_it == 1


def test_nobody_to_text_offers_no_send_button(leader_client, answers, group):
    response = leader_client.post(NEW, answers(filter_case_status="closed"))
    page = response.content.decode()
    assert response.context["preview"].will_get_it == 0
    assert "Nobody can get this text" in page
    assert 'value="send"' not in page


def test_change_goes_back_to_the_answers(leader_client, answers, group):
    response = leader_client.post(NEW, answers(action="change", name="Keep me"))
    page = response.content.decode()
    assert 'value="Keep me"' in page
    assert "There is a problem" not in page


# --- Sending --------------------------------------------------------------------------------


def test_send_queues_delivers_and_shows_progress(
    leader_client, answers, group, team_leader, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(NEW, answers(action="send"))
    cohort = Cohort.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("messaging:cohort", args=[cohort.pk])
    assert cohort.created_by == team_leader
    assert cohort.criteria == {"team": str(group["ok"].cases.get().team_id)}
    assert AuditEvent.objects.filter(object_type="cohort", action="create").exists()

    preparing = leader_client.get(response.url).content.decode()
    assert ">Preparing<" in preparing
    # Updated in place by a script, with a link for browsers without one: never a page that
    # reloads itself (WCAG 2.2.1, 3.2.5).
    assert "http-equiv" not in preparing
    assert 'data-refresh-seconds="5"' in preparing
    assert "messaging/group-progress.js" in preparing
    assert ">Refresh the page</a>" in preparing
    # What the script asks for: the status and figures alone.
    part = leader_client.get(response.url, {"part": "progress"}).content.decode()
    assert part.lstrip().startswith('<div id="group-progress" data-refresh-seconds="5">')
    assert ">Preparing<" in part
    assert "<html" not in part

    run_tasks()
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.QUEUED
    assert set(Message.objects.values_list("resident__first_name", "status")) == {
        ("Amina", Message.Status.DELIVERED),
        ("Bilal", Message.Status.DELIVERED),
    }
    done = leader_client.get(response.url)
    page = done.content.decode()
    assert done.context["rows"] == [("Delivered", 2)]
    assert ">Finished<" in page
    assert "data-refresh-seconds" not in page
    assert "No mobile number" in page  # left out, and why
    listing = leader_client.get(LIST).content.decode()
    assert "Rent statement reminder" in listing
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in listing


def test_a_template_can_be_sent(
    leader_client, answers, group, run_tasks, django_capture_on_commit_callbacks
):
    template = Template.objects.create(name="Rent", body="Rent due soon, ((first name))")
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(NEW, answers(action="send", template=template.pk, body=""))
    run_tasks()
    cohort = Cohort.objects.get()
    assert cohort.template == template
    assert Message.objects.filter(body__startswith="Rent due soon, Amina").exists()


def test_the_check_page_posts_the_date_boxes_back_as_typed(leader_client, answers, group):
    when = future()
    typed = {**date_parts("send_date", when.date()), "send_time": when.strftime("%H:%M")}
    check = leader_client.post(NEW, answers(when="later", **typed)).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', check))
    assert {name: hidden[name] for name in typed} == typed
    leader_client.post(NEW, {**hidden, "action": "send"})
    assert Cohort.objects.get().send_after == when


def test_sending_later_waits_without_refreshing(
    leader_client, answers, group, run_tasks, django_capture_on_commit_callbacks
):
    when = future()
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(
            NEW,
            answers(
                action="send",
                when="later",
                **date_parts("send_date", when.date()),
                send_time=when.strftime("%H:%M"),
            ),
        )
    cohort = Cohort.objects.get()
    assert cohort.send_after == when
    run_tasks()
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.QUEUED}
    page = leader_client.get(response.url).content.decode()
    assert ">Waiting<" in page
    assert "data-refresh-seconds" not in page
