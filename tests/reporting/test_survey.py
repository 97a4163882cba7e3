"""The satisfaction question: on a confirmation page, on its own page, and by text."""

import datetime
import itertools

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from doorstep.core.models import ServiceEvent
from doorstep.messaging import services as messaging
from doorstep.messaging.models import Message
from doorstep.messaging.providers import InboundSms
from doorstep.reporting import survey
from doorstep.reporting.models import SurveyInvitation

from ..factories import CaseFactory

_ids = itertools.count()


def reply(number: str, body: str):
    return messaging.receive_message(
        provider_name="outbox",
        inbound=InboundSms(f"in-{next(_ids)}", number, body, timezone.now()),
    )


@pytest.fixture
def case(db, team):
    return CaseFactory(team=team)


def test_one_invitation_per_transaction_and_the_include(case, team):
    first = survey.invite(service="evidence_request", source=case, team=team)
    again = survey.invite(service="evidence_request", source=case, team=team)
    assert first.pk == again.pk
    assert SurveyInvitation.objects.count() == 1
    assert first.token != again.token  # the table keeps only a hash: each call a fresh token
    assert survey.find(first.token) is None
    assert survey.find(again.token).pk == first.pk
    html = render_to_string("reporting/survey_question.html", {"invitation": again})
    assert reverse("reporting:survey", args=[again.token]) in html
    assert "Very satisfied" in html and "How could we improve this service?" in html
    assert render_to_string("reporting/survey_question.html", {"invitation": None}).strip() == ""


def test_answering_on_the_web_once(client, case, team):
    invitation = survey.invite(service="evidence_request", source=case, team=team)
    url = reverse("reporting:survey", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Overall, how did you feel about the service you received today?" in page.text

    response = client.post(url, {"answer": "4", "comment": "Quicker replies please"})
    assert response.status_code == 200
    assert "Thank you for your feedback" in response.text
    event = ServiceEvent.objects.get(name="survey.answered")
    assert (event.value, event.channel, event.team_id) == (4, "digital", team.pk)
    assert event.attributes == {"service": "evidence_request"}
    assert "Quicker" not in str(event.attributes)

    again = client.post(url, {"answer": "1"})
    assert "We already have your answer" in again.text
    assert ServiceEvent.objects.filter(name="survey.answered").count() == 1
    assert SurveyInvitation.objects.get().answer == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose how you felt about the service"),
        ({"answer": "7"}, "Choose how you felt about the service"),
        ({"answer": "five"}, "Choose how you felt about the service"),
        ({"answer": "5", "comment": "x" * 1201}, "Your answer must be 1,200 characters or fewer"),
    ],
)
def test_bad_answers_are_explained_and_nothing_is_saved(client, case, data, message):
    invitation = survey.invite(service="evidence_request", source=case)
    response = client.post(reverse("reporting:survey", args=[invitation.token]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert not ServiceEvent.objects.filter(name="survey.answered").exists()
    assert not SurveyInvitation.objects.get().answered


def test_unknown_and_expired_links(client, case):
    assert client.get(reverse("reporting:survey", args=["not-a-token"])).status_code == 404
    invitation = survey.invite(service="evidence_request", source=case)
    SurveyInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    url = reverse("reporting:survey", args=[invitation.token])
    assert client.post(url, {"answer": "5"}).status_code == 404
    assert not ServiceEvent.objects.filter(name="survey.answered").exists()


def test_a_text_reply_answers_once(case, team, textable_resident, run_tasks):
    invitation = survey.invite(
        service="shared_plan", source=case, team=team, resident=textable_resident, by_text=True
    )
    assert invitation.by_text
    question = Message.objects.get(direction="outbound")
    assert "Reply with one number" in question.body
    survey.invite(service="shared_plan", source=case, resident=textable_resident, by_text=True)
    assert Message.objects.filter(direction="outbound").count() == 1

    chat = reply("+447700900982", "Thanks, see you Tuesday")
    assert chat.handled_at is None
    assert not ServiceEvent.objects.filter(name="survey.answered").exists()

    answer = reply("+447700900982", " 5 ")
    assert answer.handled_at is not None
    event = ServiceEvent.objects.get(name="survey.answered")
    assert (event.value, event.channel) == (5, "sms")

    late = reply("+447700900982", "1")  # no open invitation now: an ordinary text
    assert late.handled_at is None
    assert ServiceEvent.objects.filter(name="survey.answered").count() == 1
    assert SurveyInvitation.objects.get().answer == 5


def test_no_text_when_the_resident_cannot_be_texted(case, textable_resident):
    textable_resident.consents_to_text = False
    textable_resident.save()
    invitation = survey.invite(
        service="shared_plan", source=case, resident=textable_resident, by_text=True
    )
    assert not invitation.by_text
    assert not Message.objects.exists()
    assert reply("+447700900982", "5").handled_at is None


def test_demo_data(db, team):
    from doorstep.reporting import demo
    from doorstep.reporting.models import ChannelCost

    for _ in range(20):
        CaseFactory(team=team)
    summary = demo.seed(seed=3, staff=None, newest=20)
    assert "satisfaction answers" in summary
    assert ChannelCost.objects.count() == 5
    answers = ServiceEvent.objects.filter(name="survey.answered").count()
    assert answers == SurveyInvitation.objects.filter(answered=True).count() > 0
