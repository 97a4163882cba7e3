"""The inbox of conversations and triage of texts from numbers we could not match."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import roles
from doorstep.core.models import AuditEvent
from doorstep.messaging import services
from doorstep.messaging.models import Message
from doorstep.messaging.services import reply_as_resident

from ..factories import PhoneFactory, ResidentFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

INBOX = "/messages/inbox/"
TRIAGE = "/messages/triage/"


def _at(minutes_ago: int):
    return timezone.now() - timedelta(minutes=minutes_ago)


def text_out(resident, staff, minutes_ago, *, team=None, kind=Message.Kind.ONE_OFF):
    return Message.objects.create(
        direction=Message.Direction.OUTBOUND,
        kind=kind,
        status=Message.Status.DELIVERED,
        resident=resident,
        number="+447700900001",
        body=f"Text to {resident.first_name}",
        staff=staff,
        team=team,
        created_at=_at(minutes_ago),
    )


def text_in(resident, minutes_ago, *, staff=None, team=None, read=False, handled=False, body=""):
    return Message.objects.create(
        direction=Message.Direction.INBOUND,
        kind=Message.Kind.REPLY,
        status=Message.Status.RECEIVED,
        resident=resident,
        number="+447700900001",
        body=body or f"Reply from {resident.first_name if resident else 'someone'}",
        staff=staff,
        team=team,
        created_at=_at(minutes_ago),
        received_at=_at(minutes_ago),
        read_at=_at(minutes_ago) if read else None,
        handled_at=_at(minutes_ago) if handled else None,
    )


def shown(response) -> list[int]:
    return [c.resident.pk for c in response.context["conversations"]]


# --- The inbox ----------------------------------------------------------------------------


def test_one_row_per_resident_newest_activity_first(officer_client, officer, team):
    older, newer = ResidentFactory(first_name="Older"), ResidentFactory(first_name="Newer")
    text_out(older, officer, 60, team=team)
    text_in(older, 50)
    text_out(newer, officer, 30, team=team)
    text_out(newer, officer, 20, team=team)
    unmatched = text_in(None, 1)
    response = officer_client.get(INBOX)
    assert response.status_code == 200
    assert shown(response) == [newer.pk, older.pk]
    page = response.content.decode()
    assert page.index("Newer") < page.index("Older")
    assert f'href="/messages/residents/{newer.pk}/"' in page
    assert unmatched.body not in page  # texts from unknown numbers go to triage, not here


def test_unread_counts_only_unread_texts_from_the_resident(officer_client, officer):
    resident = ResidentFactory()
    text_out(resident, officer, 60)
    text_in(resident, 50, read=True)
    text_in(resident, 40)
    text_in(resident, 30)
    text_in(resident, 20, body="STOP", handled=True)  # dealt with automatically
    response = officer_client.get(INBOX)
    (conversation,) = response.context["conversations"]
    assert conversation.unread == 2
    assert "2 unread" in response.content.decode()


def test_replied_marker_shows_where_the_resident_texted_last(officer_client, officer):
    waiting = ResidentFactory(first_name="Waiting")
    answered = ResidentFactory(first_name="Answered")
    text_out(waiting, officer, 60)
    text_in(waiting, 50)
    text_in(answered, 40)
    text_out(answered, officer, 30)
    # An automatic text after a reply does not answer it.
    text_out(waiting, None, 45, kind=Message.Kind.SYSTEM)
    response = officer_client.get(INBOX)
    replied = {c.resident.first_name: c.replied for c in response.context["conversations"]}
    assert replied == {"Waiting": True, "Answered": False}
    rows = response.content.decode().split('<tr class="govuk-table__row">')
    assert ">Replied<" in next(row for row in rows if "Waiting" in row)
    assert ">Replied<" not in next(row for row in rows if "Answered" in row)


def test_my_conversations_are_where_i_sent_or_own_the_latest_text(officer_client, officer, team):
    colleague = StaffFactory(roles=[roles.OFFICER], teams=[team])
    i_sent_last = ResidentFactory()
    text_out(i_sent_last, colleague, 60)
    text_out(i_sent_last, officer, 50)
    their_reply_is_mine = ResidentFactory()
    text_out(their_reply_is_mine, colleague, 40)
    text_in(their_reply_is_mine, 30, staff=officer)
    handed_over = ResidentFactory()
    text_out(handed_over, officer, 20)
    text_out(handed_over, colleague, 10)
    text_in(handed_over, 5, staff=colleague)
    response = officer_client.get(INBOX, {"show": "mine"})
    assert sorted(shown(response)) == sorted([i_sent_last.pk, their_reply_is_mine.pk])
    assert shown(officer_client.get(INBOX)) == [
        handed_over.pk,
        their_reply_is_mine.pk,
        i_sent_last.pk,
    ]


def test_my_team_shows_conversations_of_my_teams(officer_client, officer, team):
    other_team = TeamFactory(name="Benefits", slug="benefits")
    ours, theirs = ResidentFactory(), ResidentFactory()
    text_out(ours, StaffFactory(), 30, team=team)
    text_out(theirs, officer, 20, team=other_team)
    text_in(theirs, 10, team=other_team)
    assert shown(officer_client.get(INBOX, {"show": "team"})) == [ours.pk]


def test_team_filter_without_a_team_says_so(client):
    loner = StaffFactory(roles=[roles.OFFICER])
    client.force_login(loner)
    text_out(ResidentFactory(), loner, 10)
    response = client.get(INBOX, {"show": "team"})
    assert "You are not in a team yet" in response.content.decode()


def test_needs_a_reply(officer_client, officer):
    waiting = ResidentFactory()
    text_out(waiting, officer, 60)
    text_in(waiting, 50, read=True)  # read is not the same as dealt with
    dealt_with = ResidentFactory()
    text_in(dealt_with, 40, handled=True)
    answered = ResidentFactory()
    text_in(answered, 30)
    text_out(answered, officer, 20)
    stopped = ResidentFactory()
    text_in(stopped, 10, body="STOP", handled=True)
    after_group_text = ResidentFactory()
    text_in(after_group_text, 9)
    text_out(after_group_text, officer, 8, kind=Message.Kind.COHORT)
    response = officer_client.get(INBOX, {"show": "needs-reply"})
    assert shown(response) == [after_group_text.pk, waiting.pk]
    assert all(c.needs_reply for c in response.context["conversations"])
    assert len(shown(officer_client.get(INBOX))) == 5


def test_unknown_filter_shows_everything(officer_client, officer):
    text_out(ResidentFactory(), officer, 10)
    response = officer_client.get(INBOX, {"show": "nonsense"})
    assert response.context["show"] == "all" and len(shown(response)) == 1


def test_merged_records_do_not_show(officer_client, officer):
    kept = ResidentFactory()
    merged = ResidentFactory(merged_into=kept)
    text_in(merged, 10)
    assert shown(officer_client.get(INBOX)) == []


def test_inbox_is_paginated(officer_client, officer):
    for minutes in range(30):
        text_out(ResidentFactory(), officer, minutes + 1)
    first = officer_client.get(INBOX)
    second = officer_client.get(INBOX, {"page": 2})
    assert len(shown(first)) == 25 and len(shown(second)) == 5
    assert not set(shown(first)) & set(shown(second))
    assert "page=2" in first.content.decode()


def test_inbox_reading_is_audited(officer_client, officer):
    text_in(ResidentFactory(), 10, staff=officer)
    officer_client.get(INBOX, {"show": "mine"})
    event = AuditEvent.objects.get(object_type="inbox")
    assert event.action == "view" and event.actor == officer
    assert "My conversations" in event.detail


def test_the_inbox_needs_a_fixed_number_of_queries(
    officer_client, officer, team, django_assert_max_num_queries
):
    for number in range(30):
        resident = ResidentFactory()
        text_out(resident, officer, 100 + number, team=team)
        text_in(resident, 50 + number, staff=officer, team=team)
    text_in(None, 5)
    officer_client.get(INBOX)  # the first page of a session also remembers the two-factor check
    for show in ["all", "mine", "team", "needs-reply"]:
        with django_assert_max_num_queries(14):
            response = officer_client.get(INBOX, {"show": show})
        assert len(response.context["conversations"]) == 25, show


def test_header_shows_my_unread_count(officer_client, officer):
    resident = ResidentFactory()
    text_in(resident, 20, staff=officer)
    text_in(resident, 10, staff=officer)
    text_in(resident, 5, staff=StaffFactory())  # someone else's
    page = officer_client.get(reverse("cases:my_work")).content.decode()
    assert re.search(r"Texts \(2<span class=\"govuk-visually-hidden\"> unread</span>\)", page)


def test_header_has_no_count_when_nothing_is_unread(officer_client):
    page = officer_client.get(reverse("cases:my_work")).content.decode()
    assert ">Texts</a>" in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in [INBOX, TRIAGE]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_digital_friends_may_not_read_texts(client, digital_friend):
    client.force_login(digital_friend)
    text = text_in(None, 5)
    for url in [INBOX, TRIAGE, f"{TRIAGE}{text.pk}/"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"{TRIAGE}{text.pk}/", {"resident": 1}).status_code == 403
    page = client.get(reverse("account_home")).content.decode()
    assert ">Texts" not in page


# --- Triage -------------------------------------------------------------------------------


@pytest.fixture
def shared_number():
    """Two residents with the same mobile (a couple, say) and one text from it."""
    first = ResidentFactory(first_name="Dana", last_name="Okafor")
    second = ResidentFactory(first_name="Sam", last_name="Okafor")
    for resident in (first, second):
        PhoneFactory(resident=resident, number="+447700900321")
    return first, second


def test_a_shared_number_offers_every_resident_with_it(officer_client, shared_number):
    first, second = shared_number
    text = reply_as_resident(number="+447700900321", body="Is my rent paid?")
    assert text.resident is None
    listing = officer_client.get(TRIAGE).content.decode()
    assert "Is my rent paid?" in listing
    assert "Dana Okafor" in listing and "Sam Okafor" in listing
    assert reverse("messaging:triage_link", args=[text.pk]) in listing
    page = officer_client.get(reverse("messaging:triage_link", args=[text.pk])).content.decode()
    offered = re.findall(r'name="resident" type="radio" value="(\d+)"', page)
    assert offered == [str(first.pk), str(second.pk)]


def test_linking_moves_the_texts_to_the_residents_conversation(
    officer_client, officer, shared_number
):
    first, second = shared_number
    text = reply_as_resident(number="+447700900321", body="Is my rent paid?")
    later = reply_as_resident(number="+447700900321", body="Sam here, not Dana")
    response = officer_client.post(
        reverse("messaging:triage_link", args=[text.pk]), {"resident": second.pk}
    )
    assert response.status_code == 302
    assert response.url == f"/messages/residents/{second.pk}/"
    text.refresh_from_db()
    later.refresh_from_db()
    assert text.resident == second and later.resident == second
    event = AuditEvent.objects.get(action="link", object_type="message")
    assert event.actor == officer and event.resident_id == second.pk
    assert shown(officer_client.get(INBOX)) == [second.pk]
    assert "There are no texts to link" in officer_client.get(TRIAGE).content.decode()


def test_a_number_nobody_has_can_be_linked_by_searching(officer_client):
    resident = ResidentFactory(first_name="Priya", last_name="Venkataraman")
    text = reply_as_resident(number="+447700900777", body="New phone, it's Priya")
    url = reverse("messaging:triage_link", args=[text.pk])
    page = officer_client.get(url).content.decode()
    assert "not on anyone's record" in page
    assert 'name="resident"' not in page
    page = officer_client.get(url, {"q": "Priya Venkataraman"}).content.decode()
    assert re.findall(r'name="resident" type="radio" value="(\d+)"', page) == [str(resident.pk)]
    assert AuditEvent.objects.filter(object_type="resident", action="search").exists()
    officer_client.post(url, {"resident": resident.pk, "q": "Priya Venkataraman"})
    text.refresh_from_db()
    assert text.resident == resident


def test_linking_without_choosing_says_what_to_do(officer_client, shared_number):
    text = reply_as_resident(number="+447700900321", body="Hello")
    url = reverse("messaging:triage_link", args=[text.pk])
    for data in [{}, {"resident": "someone"}, {"resident": 999999}]:
        response = officer_client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert "Select" in page
    text.refresh_from_db()
    assert text.resident is None
    assert not AuditEvent.objects.filter(action="link").exists()


def test_a_merged_record_cannot_be_chosen(officer_client):
    kept = ResidentFactory()
    merged = ResidentFactory(merged_into=kept)
    text = reply_as_resident(number="+447700900778", body="Hello")
    response = officer_client.post(
        reverse("messaging:triage_link", args=[text.pk]), {"resident": merged.pk}
    )
    assert "Select one of the residents shown" in response.content.decode()


def test_stop_texts_from_unknown_numbers_need_no_triage(officer_client):
    reply_as_resident(number="+447700900779", body="STOP")
    page = officer_client.get(TRIAGE).content.decode()
    assert "There are no texts to link" in page
    assert services.is_opted_out("+447700900779")


def test_texts_already_linked_go_to_the_conversation(officer_client, textable_resident):
    text = reply_as_resident(number="+447700900982", body="Thanks")
    assert text.resident == textable_resident
    response = officer_client.get(reverse("messaging:triage_link", args=[text.pk]))
    assert response.status_code == 302
    assert response.url == f"/messages/residents/{textable_resident.pk}/"


def test_the_newest_sent_or_received_text_shows_never_a_scheduled_one(officer_client, officer):
    resident = ResidentFactory()
    text_out(resident, officer, 60)
    text_in(resident, 30, body="Yes I can come on Tuesday")
    Message.objects.create(
        direction=Message.Direction.OUTBOUND,
        kind=Message.Kind.NUDGE,
        status=Message.Status.QUEUED,
        resident=resident,
        number="+447700900001",
        body="Reminder: your appointment is tomorrow",
        send_after=timezone.now() + timedelta(days=3),
        created_at=_at(1),
    )
    response = officer_client.get(INBOX)
    (conversation,) = response.context["conversations"]
    assert conversation.last_body == "Yes I can come on Tuesday"
    assert conversation.last_from_resident
    assert conversation.last_at < _at(29)  # the reply's time, not the reminder's
    page = response.content.decode()
    assert "Yes I can come on Tuesday" in page
    assert "your appointment is tomorrow" not in page
