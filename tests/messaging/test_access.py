"""Who may see and send texts: messaging.access, asked directly for each role."""

import pytest
from django.http import Http404
from django.utils import timezone

from doorstep.core import roles
from doorstep.messaging import access, services
from doorstep.messaging.models import Cohort, Message, Template

from ..factories import StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

ROLES = ["officer", "team_leader", "administrator", "digital_friend", "other_team_officer"]


@pytest.fixture
def other_team_officer(db):
    """An officer of a team with nothing to do with the resident: texts are not team-limited."""
    team = TeamFactory(name="Parks", slug="parks")
    return StaffFactory(email="parks@council.example", roles=[roles.OFFICER], teams=[team])


@pytest.fixture
def actor(request):
    return request.getfixturevalue(request.param)


def _reply(resident=None) -> Message:
    now = timezone.now()
    return Message.objects.create(
        direction=Message.Direction.INBOUND,
        kind=Message.Kind.REPLY,
        status=Message.Status.RECEIVED,
        resident=resident,
        number="+447700900982",
        body="Thanks",
        received_at=now,
        send_after=now,
    )


EXPECTED = {
    # role: (see texts, see a conversation, send a text, handle, templates, group texts)
    "officer": (True, True, True, True, False, False),
    "team_leader": (True, True, True, True, False, True),
    "administrator": (True, True, True, True, True, True),
    "digital_friend": (False, False, False, False, False, False),
    "other_team_officer": (True, True, True, True, False, False),
}


@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_each_role_gets_the_permissions_it_has(actor, request, textable_resident):
    role = request.node.callspec.params["actor"]
    assert (
        access.can_see_texts(actor),
        access.can_see_conversation(actor, textable_resident),
        access.can_send_text(actor, textable_resident),
        access.can_handle_texts(actor),
        access.can_manage_templates(actor),
        access.can_send_group_text(actor),
    ) == EXPECTED[role]
    assert access.can_write_texts(actor) == (EXPECTED[role][3] or EXPECTED[role][4])
    assert access.can_use_simulator(actor) == EXPECTED[role][0]


@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_the_resident_is_found_for_staff_who_see_or_send_texts(actor, request, textable_resident):
    role = request.node.callspec.params["actor"]
    if EXPECTED[role][0]:
        assert access.get_resident_for(actor, textable_resident.pk) == textable_resident
    else:
        with pytest.raises(Http404):
            access.get_resident_for(actor, textable_resident.pk)


@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_texts_and_replies_are_found_for_staff_who_see_texts(actor, request, textable_resident):
    role = request.node.callspec.params["actor"]
    reply = _reply(textable_resident)
    if EXPECTED[role][0]:
        assert access.get_text_for(actor, reply.pk) == reply
        assert access.get_reply_for(actor, reply.pk) == reply
    else:
        with pytest.raises(Http404):
            access.get_text_for(actor, reply.pk)
        with pytest.raises(Http404):
            access.get_reply_for(actor, reply.pk)


@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_templates_are_found_only_for_template_managers(actor, request):
    role = request.node.callspec.params["actor"]
    template = Template.objects.create(name="Reminder", body="Hello ((first name))")
    if EXPECTED[role][4]:
        assert access.get_template_for(actor, template.pk) == template
    else:
        with pytest.raises(Http404):
            access.get_template_for(actor, template.pk)


@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_group_texts_are_found_only_for_those_who_send_them(actor, request):
    role = request.node.callspec.params["actor"]
    cohort = Cohort.objects.create(name="Rent", body="Hello", criteria={})
    if EXPECTED[role][5]:
        assert access.get_cohort_for(actor, cohort.pk) == cohort
    else:
        with pytest.raises(Http404):
            access.get_cohort_for(actor, cohort.pk)


def test_an_outbound_text_is_not_a_reply(officer, textable_resident):
    message = services.send_message(resident=textable_resident, actor=officer, body="Hello")
    assert access.get_text_for(officer, message.pk) == message
    with pytest.raises(Http404):
        access.get_reply_for(officer, message.pk)


def test_missing_things_are_not_found(administrator):
    for get in (
        access.get_resident_for,
        access.get_text_for,
        access.get_reply_for,
        access.get_template_for,
        access.get_cohort_for,
    ):
        with pytest.raises(Http404):
            get(administrator, 999_999)


def test_an_api_integration_reads_any_text(textable_resident):
    class Integration:  # what the API's bearer token authenticates as
        is_authenticated = False
        token = object()

    reply = _reply(textable_resident)
    assert not access.can_see_texts(Integration())
    assert access.get_text_for(Integration(), reply.pk) == reply
    with pytest.raises(Http404):
        access.get_text_for("the resident", reply.pk)


def test_the_simulator_is_on_only_with_the_local_outbox(settings):
    settings.SMS_PROVIDER = "outbox"
    assert access.simulator_is_on()
    settings.SMS_PROVIDER = "notify"
    assert not access.simulator_is_on()
