"""Officer pages for texts: templates, sending to one resident, the conversation, opting out and
in, the Single View panel and the phone simulator."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from doorstep.core import roles
from doorstep.core.models import AuditEvent
from doorstep.messaging import services
from doorstep.messaging.forms import parse_time
from doorstep.messaging.models import Message, OutboxEntry, Suppression, Template
from doorstep.messaging.panel import panel_context
from doorstep.messaging.rules import UK
from doorstep.messaging.services import reply_as_resident

from ..dates import date_parts
from ..factories import PhoneFactory, ResidentFactory, StaffFactory

pytestmark = pytest.mark.django_db

NUMBER = "+447700900982"


def page_text(response) -> str:
    return response.content.decode()


def audit_actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


@pytest.fixture
def template(db):
    return Template.objects.create(
        name="Documents reminder",
        description="When documents are overdue",
        body="Hello ((first name)), please send us your documents.",
    )


@pytest.fixture
def due_template(db):
    return Template.objects.create(
        name="Due date", body="Hi ((first name)), your form is due on ((due date))."
    )


def inbound(resident, body="Thanks, I will send them", number=NUMBER) -> Message:
    return reply_as_resident(number=number, body=body)


# --- Templates ------------------------------------------------------------------------------


def template_post(client, data, url=None):
    return client.post(url or reverse("messaging:template_new"), data)


def test_administrator_creates_a_template(admin_client_verified, administrator):
    response = template_post(
        admin_client_verified,
        {
            "name": "Check-in",
            "description": "A friendly first text",
            "body": "Hello ((first name)), it is ((officer name)) from ((council)).",
            "action": "save",
        },
    )
    assert response.status_code == 302 and response.url == reverse("messaging:templates")
    template = Template.objects.get()
    assert template.name == "Check-in" and template.created_by == administrator
    assert audit_actions(object_type="template") == ["create"]
    listing = page_text(admin_client_verified.get(reverse("messaging:templates")))
    assert "Check-in" in listing and "In use" in listing


def test_preview_shows_the_text_with_example_values_and_the_count_without_saving(
    admin_client_verified,
):
    response = template_post(
        admin_client_verified,
        {"name": "Check-in", "body": "Hello ((first name)), call us.", "action": "preview"},
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "Hello Amina, call us." in page
    assert "21 characters, 1 text message. 139 more characters fit before it needs 2 texts" in page
    assert not Template.objects.exists()


def test_preview_says_which_character_made_the_text_unicode(admin_client_verified):
    page = page_text(
        template_post(
            admin_client_verified,
            {"name": "Smile", "body": "Good news 😀", "action": "preview"},
        )
    )
    assert "“😀” (grinning face)" in page
    assert "70 characters instead of 160" in page


def test_an_accented_e_is_still_a_plain_text(admin_client_verified):
    page = page_text(
        template_post(
            admin_client_verified,
            {"name": "Café", "body": "See you at the café", "action": "preview"},
        )
    )
    assert "19 characters, 1 text message" in page
    assert "instead of 160" not in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter the text of the message"),
        ("Hi ((pet name))", "Remove ((pet name)) or change it to a placeholder you can use"),
        ("x" * 919, "The message is 919 characters long"),
    ],
)
def test_bad_template_text_is_refused_and_nothing_saved(admin_client_verified, body, message):
    response = template_post(
        admin_client_verified, {"name": "Reminder", "body": body, "action": "save"}
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert 'href="#id_body"' in page
    assert not Template.objects.exists()
    assert not AuditEvent.objects.filter(object_type="template").exists()


def test_templates_may_use_the_placeholders_callers_fill_in(admin_client_verified):
    body = "Send ((first name))'s payslips by ((due date)): ((link))"
    response = template_post(
        admin_client_verified, {"name": "Evidence", "body": body, "action": "save"}
    )
    assert response.status_code == 302
    assert Template.objects.get().placeholders == ["first name", "due date", "link"]


def test_template_names_are_unique_whatever_the_case(admin_client_verified, template):
    response = template_post(
        admin_client_verified,
        {"name": "documents REMINDER", "body": "Hello", "action": "save"},
    )
    assert "There is already a template called" in page_text(response)
    assert Template.objects.count() == 1


def test_the_page_lists_the_placeholders_as_help(admin_client_verified):
    page = page_text(admin_client_verified.get(reverse("messaging:template_new")))
    for name in [*services.STANDARD_PLACEHOLDERS, *services.CALLER_PLACEHOLDERS]:
        assert f"(({name}))" in page


def test_administrator_changes_a_template(admin_client_verified, template):
    url = reverse("messaging:template_edit", args=[template.pk])
    page = page_text(admin_client_verified.get(url))
    assert "Hello Amina, please send us your documents." in page  # the preview on opening
    response = template_post(
        admin_client_verified,
        {"name": template.name, "body": "Hi ((first name)), any news?", "action": "save"},
        url=url,
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "Hi ((first name)), any news?"
    event = AuditEvent.objects.get(object_type="template", action="change")
    assert event.fields == ["body", "description"]


def test_taking_a_template_out_of_use_and_back(admin_client_verified, template):
    admin_client_verified.post(reverse("messaging:template_deactivate", args=[template.pk]))
    template.refresh_from_db()
    assert not template.is_active
    assert "Not in use" in page_text(admin_client_verified.get(reverse("messaging:templates")))
    admin_client_verified.post(reverse("messaging:template_activate", args=[template.pk]))
    template.refresh_from_db()
    assert template.is_active
    assert audit_actions(object_type="template") == ["deactivate", "activate"]


def test_officers_cannot_manage_templates(officer_client, template):
    assert officer_client.get(reverse("messaging:templates")).status_code == 403
    response = officer_client.post(
        reverse("messaging:template_new"), {"name": "Mine", "body": "Hello", "action": "save"}
    )
    assert response.status_code == 403
    response = officer_client.post(reverse("messaging:template_deactivate", args=[template.pk]))
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.is_active and Template.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, template):
    for url in [
        reverse("messaging:templates"),
        reverse("messaging:send", args=[ResidentFactory().pk]),
        reverse("messaging:simulator"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_administrators_keep_templates_in_the_django_admin(client, settings, administrator):
    settings.OTP_REQUIRED_ROLES = []
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    add = reverse("admin:messaging_template_add")
    response = client.post(add, {"name": "Hello", "body": "Hi ((nickname))", "is_active": "on"})
    assert "Remove ((nickname))" in page_text(response)
    response = client.post(add, {"name": "Hello", "body": "Hi ((first name))", "is_active": "on"})
    assert response.status_code == 302
    assert Template.objects.get().body == "Hi ((first name))"
    assert audit_actions(object_type="template") == ["create"]


# --- The live count ------------------------------------------------------------------------


def test_the_live_count_fills_in_a_template_with_example_values(admin_client_verified):
    response = admin_client_verified.post(
        reverse("messaging:preview"), {"text": "Hi ((first name))"}
    )
    assert response.json() == {
        "summary": "8 characters, 1 text message. 152 more characters fit before it needs 2 texts",
        "length": 8,
        "fragments": 1,
        "encoding": "GSM",
        "characters_left": 152,
        "error": "",
        "preview": "Hi Amina",
    }


def test_the_live_count_explains_an_unknown_placeholder(admin_client_verified):
    result = admin_client_verified.post(
        reverse("messaging:preview"), {"text": "Hi ((nickname))"}
    ).json()
    assert result["error"].startswith("Remove ((nickname))")


def test_the_live_count_for_a_resident_includes_the_signature_and_opt_out_line(
    officer_client, officer, textable_resident
):
    result = officer_client.post(
        reverse("messaging:preview"), {"text": "Hi", "resident": textable_resident.pk}
    ).json()
    expected = services.preview_message(resident=textable_resident, actor=officer, body="Hi")
    assert result["length"] == len(expected.body) > len("Hi\n") + len(services.FIRST_CONTACT_FOOTER)
    assert "preview" not in result  # the count only: the text is shown on the check page
    assert result["error"] == ""


def test_the_live_count_needs_a_post_and_a_member_of_staff(client, digital_friend, officer):
    client.force_login(digital_friend)
    assert client.post(reverse("messaging:preview"), {"text": "Hi"}).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("messaging:preview")).status_code == 405


# --- Sending to one resident ---------------------------------------------------------------


def send_data(**changes) -> dict:
    data = {"choice": "own", "body": "Please ring me", "number": NUMBER, "when": "now"}
    data.update(changes)
    return data


def test_the_send_page_offers_templates_and_audits_the_view(
    officer_client, officer, textable_resident, template
):
    page = page_text(officer_client.get(reverse("messaging:send", args=[textable_resident.pk])))
    assert "Documents reminder" in page and "When documents are overdue" in page
    assert "Write your own text" in page
    assert "The text goes to 07700 900982" in page
    assert AuditEvent.objects.filter(
        action="view", resident_id=textable_resident.pk, actor=officer
    ).exists()


def test_continue_shows_exactly_what_will_be_sent_and_sends_nothing(
    officer_client, officer, team, textable_resident
):
    url = reverse("messaging:send", args=[textable_resident.pk])
    page = page_text(officer_client.post(url, send_data(body="Hello ((first name))")))
    assert "Check your text before sending it" in page
    expected = (
        f"Hello Amina\n- {officer.get_short_name()}, {team.name}\n{services.FIRST_CONTACT_FOOTER}"
    )
    assert expected in page
    assert not Message.objects.exists()


def test_send_queues_the_text_once_and_shows_the_conversation(
    officer_client, officer, textable_resident, run_tasks, django_capture_on_commit_callbacks
):
    url = reverse("messaging:send", args=[textable_resident.pk])
    check = officer_client.post(url, send_data(key="1c2b3a4d-0000-4000-8000-000000000001"))
    assert check.status_code == 200
    data = send_data(key="1c2b3a4d-0000-4000-8000-000000000001", action="send")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url, data)
        again = officer_client.post(url, data)  # a double click
    assert response.status_code == again.status_code == 302
    assert response.url == reverse("messaging:conversation", args=[textable_resident.pk])
    message = Message.objects.get()
    assert message.body.startswith("Please ring me\n- ") and message.staff == officer
    assert audit_actions(object_type="message") == ["create"]
    run_tasks()
    page = page_text(officer_client.get(response.url))
    assert "Your text to 07700 900982 is being sent" in page
    assert "Please ring me" in page and "Delivered" in page


def test_changing_the_text_makes_it_a_new_text(
    officer_client, textable_resident, django_capture_on_commit_callbacks
):
    url = reverse("messaging:send", args=[textable_resident.pk])
    key = "1c2b3a4d-0000-4000-8000-000000000002"
    officer_client.post(url, send_data(key=key, action="send"))
    page = page_text(officer_client.post(url, send_data(key=key, action="change")))
    assert "Send a text" in page and key not in page
    assert Message.objects.count() == 1


def test_a_template_is_sent_with_the_values_typed_in(
    officer_client, textable_resident, due_template
):
    url = reverse("messaging:send", args=[textable_resident.pk])
    choice = f"t{due_template.pk}"
    page = page_text(officer_client.post(url, send_data(choice=choice, body="")))
    assert "Enter the due date" in page and "There is a problem" in page
    field = f"value_{due_template.pk}_1"
    officer_client.post(url, send_data(choice=choice, body="", action="send", **{field: "Friday"}))
    message = Message.objects.get()
    assert message.body.startswith("Hi Amina, your form is due on Friday.")
    assert message.template == due_template


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"choice": ""}, "Choose a template or write your own text"),
        ({"body": "  "}, "Enter your text"),
        ({"body": "Hi ((nickname))"}, "Remove ((nickname))"),
        ({"body": "x" * 900}, "The most a text can be is 918 characters"),
        ({"when": ""}, "Choose when to send the text"),
        ({"when": "later"}, "Enter the date to send the text"),
        (
            {"when": "later", **date_parts("send_date", "31 2 2030")},
            "The date to send the text must be a real date",
        ),
        (
            {"when": "later", **date_parts("send_date", "3  2030"), "send_time": "9am"},
            "The date to send the text must include a month",
        ),
        (
            {
                "when": "later",
                **date_parts("send_date", "3 3 2030"),
                "send_time": "25:00",
            },
            "Enter a real time, like 9:30am or 14:00",
        ),
        (
            {
                "when": "later",
                **date_parts("send_date", "3 3 2020"),
                "send_time": "9am",
            },
            "The date and time to send the text must be in the future",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_sent(
    officer_client, textable_resident, changes, error
):
    url = reverse("messaging:send", args=[textable_resident.pk])
    page = page_text(officer_client.post(url, send_data(action="send", **changes)))
    assert "There is a problem" in page
    assert error in page
    assert not Message.objects.exists()


def test_a_date_left_in_the_boxes_is_ignored_when_the_text_goes_now(
    officer_client, textable_resident
):
    url = reverse("messaging:send", args=[textable_resident.pk])
    officer_client.post(
        url, send_data(action="send", when="now", **date_parts("send_date", "31 2 20"))
    )
    assert Message.objects.get().status == Message.Status.QUEUED


def test_the_summary_links_to_the_date_box_with_the_problem(officer_client, textable_resident):
    url = reverse("messaging:send", args=[textable_resident.pk])
    response = officer_client.post(
        url,
        send_data(
            action="send", when="later", **date_parts("send_date", "3  2030"), send_time="9am"
        ),
    )
    page = response.content.decode()
    assert '<a href="#id_send_date_month">The date to send the text must include a month</a>' in (
        page
    )
    assert 'govuk-input--width-2 govuk-input--error" id="id_send_date_month"' in page
    assert 'govuk-input--width-2" id="id_send_date_day"' in page
    assert not Message.objects.exists()


def test_a_text_can_be_sent_later(officer_client, textable_resident):
    day = timezone.now().astimezone(UK).date() + timedelta(days=2)
    later = {"when": "later", **date_parts("send_date", day), "send_time": "10:30am"}
    url = reverse("messaging:send", args=[textable_resident.pk])
    check = officer_client.post(url, send_data(**later)).content.decode()
    assert f"{day:%A} {day.day} {day:%B %Y} at 10:30" in check
    # The check page posts the three boxes again, as they were typed.
    assert f'name="send_date_day" value="{day.day}"' in check
    assert f'name="send_date_year" value="{day.year}"' in check
    response = officer_client.post(url, send_data(action="send", **later))
    message = Message.objects.get()
    assert message.send_after == datetime.combine(day, time(10, 30), tzinfo=UK)
    assert message.status == Message.Status.QUEUED
    page = page_text(officer_client.get(response.url))
    assert "will be sent at 10:30am on" in page
    assert "Queued" in page


def test_the_check_page_warns_when_quiet_hours_hold_the_text_back(
    officer_client, settings, textable_resident
):
    now = timezone.now().astimezone(UK)
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    settings.SMS_QUIET_HOURS = f"{start:%H:%M}-{end:%H:%M}"
    url = reverse("messaging:send", args=[textable_resident.pk])
    page = page_text(officer_client.post(url, send_data()))
    assert "Texts are not sent between" in page and "so this one will go on" in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:30am", time(9, 30)),
        ("9.30 pm", time(21, 30)),
        ("2pm", time(14, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("14:00", time(14, 0)),
        ("midday", time(12, 0)),
        ("9", None),
        ("13pm", None),
        ("10:75", None),
        ("soon", None),
    ],
)
def test_times_are_read_as_people_write_them(text, expected):
    assert parse_time(text) == expected


def test_a_resident_without_agreement_cannot_be_texted(officer_client):
    resident = ResidentFactory(first_name="Amina", last_name="Khan", consents_to_text=False)
    PhoneFactory(resident=resident, number=NUMBER)
    url = reverse("messaging:send", args=[resident.pk])
    page = page_text(officer_client.get(url))
    assert "You cannot text Amina Khan at the moment" in page
    assert "Amina Khan has not agreed to get texts. Record their agreement first" in page
    assert reverse("residents:edit", args=[resident.pk]) in page
    officer_client.post(url, send_data(action="send"))
    assert not Message.objects.exists()


def test_an_opted_out_number_cannot_be_texted(officer_client, officer, textable_resident):
    services.opt_out(resident=textable_resident, number=NUMBER, actor=officer, reason="Asked")
    url = reverse("messaging:send", args=[textable_resident.pk])
    page = page_text(officer_client.get(url))
    assert "07700 900982 has opted out of texts" in page
    assert reverse("messaging:opt_in", args=[textable_resident.pk]) in page
    officer_client.post(url, send_data(action="send"))
    assert not Message.objects.exists()


def test_a_landline_cannot_be_texted(officer_client):
    resident = ResidentFactory(consents_to_text=True)
    PhoneFactory(resident=resident, number="+442079460000", is_mobile=False)
    page = page_text(officer_client.get(reverse("messaging:send", args=[resident.pk])))
    assert "has no mobile number on their record" in page
    assert "020 7946 0000 is a landline: texts can only go to a mobile" in page


def test_choosing_a_landline_is_refused_beside_the_number(officer_client, textable_resident):
    PhoneFactory(
        resident=textable_resident, number="+442079460000", is_mobile=False, is_primary=False
    )
    PhoneFactory(resident=textable_resident, number="+447700900123", is_primary=False)
    url = reverse("messaging:send", args=[textable_resident.pk])
    page = page_text(officer_client.get(url))
    assert "Which number?" in page and "07700 900123" in page
    assert 'value="+442079460000"' not in page  # only numbers that can be texted are offered
    page = page_text(officer_client.post(url, send_data(number="+442079460000", action="send")))
    assert "020 7946 0000 is a landline: texts can only go to a mobile" in page
    assert 'href="#id_number_1"' in page
    officer_client.post(url, send_data(number="+447700900123", action="send"))
    assert Message.objects.get().number == "+447700900123"


def test_digital_friends_cannot_send_or_read_texts(client, digital_friend, textable_resident):
    client.force_login(digital_friend)
    for name in ["send", "conversation", "opt_out"]:
        assert (
            client.get(reverse(f"messaging:{name}", args=[textable_resident.pk])).status_code == 403
        )
    assert (
        client.post(
            reverse("messaging:send", args=[textable_resident.pk]), send_data(action="send")
        ).status_code
        == 403
    )
    assert not Message.objects.exists()


# --- The conversation ----------------------------------------------------------------------


def test_the_conversation_shows_both_ways_oldest_first_and_marks_replies_read(
    officer_client, officer, textable_resident, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(resident=textable_resident, actor=officer, body="First from us")
    run_tasks()
    reply = inbound(textable_resident, "Reply from Amina")
    url = reverse("messaging:conversation", args=[textable_resident.pk])
    page = page_text(officer_client.get(url))
    assert page.index("First from us") < page.index("Reply from Amina")
    assert f"Sent by {officer}" in page and "Delivered" in page
    assert "New</strong>" in page and "Not handled yet" in page
    reply.refresh_from_db()
    assert reply.read_at is not None
    assert "New</strong>" not in page_text(officer_client.get(url))
    assert audit_actions(object_type="conversation", resident_id=textable_resident.pk) == [
        "view",
        "view",
    ]


def test_a_failed_text_shows_the_plain_reason(
    officer_client, officer, run_tasks, django_capture_on_commit_callbacks
):
    resident = ResidentFactory(consents_to_text=True)
    PhoneFactory(resident=resident, number="+447700900002")  # the outbox's "number not in use"
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(resident=resident, actor=officer, body="Hello")
    run_tasks()
    page = page_text(officer_client.get(reverse("messaging:conversation", args=[resident.pk])))
    assert "Not delivered: number not in use" in page


def test_mark_a_reply_as_handled(officer_client, officer, textable_resident):
    reply = inbound(textable_resident)
    url = reverse("messaging:conversation", args=[textable_resident.pk])
    response = officer_client.post(
        reverse("messaging:mark_handled", args=[reply.pk]), {"next": url}
    )
    assert response.status_code == 302 and response.url == url
    reply.refresh_from_db()
    assert reply.handled_at and reply.handled_by == officer
    assert "Handled</strong> by" in page_text(officer_client.get(url))
    assert audit_actions(object_type="message", action="handle") == ["handle"]


def test_mark_handled_ignores_an_address_on_another_site(officer_client, textable_resident):
    reply = inbound(textable_resident)
    response = officer_client.post(
        reverse("messaging:mark_handled", args=[reply.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("messaging:conversation", args=[textable_resident.pk])


def test_only_replies_can_be_marked_handled(officer_client, officer, textable_resident):
    sent = services.send_message(resident=textable_resident, actor=officer, body="Hello")
    response = officer_client.post(reverse("messaging:mark_handled", args=[sent.pk]))
    assert response.status_code == 404


def test_opting_out_needs_a_reason(officer_client, textable_resident):
    url = reverse("messaging:opt_out", args=[textable_resident.pk])
    page = page_text(officer_client.post(url, {"number": NUMBER, "reason": " "}))
    assert "Enter the reason" in page and "There is a problem" in page
    assert not Suppression.objects.exists()


def test_opting_out_and_back_in_by_hand(officer_client, officer, textable_resident):
    queued = services.send_message(resident=textable_resident, actor=officer, body="Hello")
    out_url = reverse("messaging:opt_out", args=[textable_resident.pk])
    response = officer_client.post(out_url, {"number": NUMBER, "reason": "Asked at the desk"})
    assert response.status_code == 302
    suppression = Suppression.objects.get(number=NUMBER)
    assert suppression.note == "Asked at the desk" and suppression.created_by == officer
    queued.refresh_from_db()
    assert queued.status == Message.Status.CANCELLED
    page = page_text(officer_client.get(response.url))
    assert "07700 900982 will not get any more texts" in page
    assert "Opted out" in page and "Asked at the desk" in page

    in_url = reverse("messaging:opt_in", args=[textable_resident.pk])
    assert "Enter the reason" in page_text(officer_client.post(in_url, {"number": NUMBER}))
    officer_client.post(in_url, {"number": NUMBER, "reason": "Rang to ask"})
    assert not Suppression.objects.exists()
    assert audit_actions(object_type="phone") == ["opt_out", "opt_in"]


def test_opting_in_offers_only_opted_out_numbers(officer_client, textable_resident):
    page = page_text(officer_client.get(reverse("messaging:opt_in", args=[textable_resident.pk])))
    assert "None of Amina's mobile numbers has opted out of texts" in page
    response = officer_client.post(
        reverse("messaging:opt_in", args=[textable_resident.pk]),
        {"number": NUMBER, "reason": "Asked"},
    )
    assert response.status_code == 200


# --- The Single View panel -----------------------------------------------------------------


def test_the_single_view_shows_the_newest_texts_and_unread_count(
    officer_client, officer, textable_resident
):
    services.send_message(resident=textable_resident, actor=officer, body="Hello from the council")
    inbound(textable_resident, "First reply")
    inbound(textable_resident, "Second reply")
    page = page_text(officer_client.get(textable_resident.get_absolute_url()))
    assert "2 new</strong>" in page
    assert "Second reply" in page and "Hello from the council" in page
    assert reverse("messaging:send", args=[textable_resident.pk]) in page
    assert reverse("messaging:conversation", args=[textable_resident.pk]) in page


def test_the_panel_writes_who_and_when_without_a_space_before_the_comma(
    officer_client, officer, textable_resident
):
    services.send_message(resident=textable_resident, actor=officer, body="Hello from the council")
    inbound(textable_resident, "A reply")
    html = page_text(officer_client.get(textable_resident.get_absolute_url()))
    panel = html[html.index('id="texts-title"') :]
    # What a reader sees: the tags gone, each run of white space one space.
    words = " ".join(re.sub(r"<[^>]+>", "", panel).split())
    assert " ," not in words, words[:300]
    assert "To Amina, " in words and "From Amina, " in words


def test_the_panel_warns_about_an_opted_out_number(officer_client, officer, textable_resident):
    services.opt_out(resident=textable_resident, number=NUMBER, actor=officer, reason="Asked")
    page = page_text(officer_client.get(textable_resident.get_absolute_url()))
    assert "07700 900982 has opted out of texts" in page


def test_the_panel_needs_two_queries(officer, textable_resident, django_assert_num_queries):
    for number in range(5):
        inbound(textable_resident, f"Reply {number}")
    request = RequestFactory().get("/")
    request.user = officer
    officer.has_perm("messaging.view_message")  # permissions are read once per request
    textable_resident = (
        type(textable_resident).objects.prefetch_related("phones").get(pk=textable_resident.pk)
    )
    with django_assert_num_queries(2):
        context = panel_context(request, textable_resident)
    assert context["unread"] == 5
    assert [text.body for text in context["recent"]] == ["Reply 4", "Reply 3", "Reply 2"]
    assert context["opted_out"] == []


def test_the_panel_is_only_for_staff_who_may_read_texts(db, textable_resident):
    reader = StaffFactory()
    reader.user_permissions.add(
        Permission.objects.get(codename="view_resident", content_type__app_label="residents")
    )
    request = RequestFactory().get("/")
    request.user = reader
    assert panel_context(request, textable_resident) is None
    request.user = StaffFactory(roles=[roles.OFFICER])
    assert panel_context(request, textable_resident) is not None


# --- The phone simulator -------------------------------------------------------------------


def test_the_simulator_shows_texts_and_replies_as_the_resident(
    officer_client, officer, textable_resident, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(resident=textable_resident, actor=officer, body="Any news?")
    run_tasks()
    listing = page_text(officer_client.get(reverse("messaging:simulator")))
    phone_url = reverse("messaging:simulator_phone", args=[NUMBER])
    assert phone_url in listing and escape(textable_resident.full_name) in listing
    page = page_text(officer_client.get(phone_url))
    assert "Any news?" in page and "Delivered" in page
    assert OutboxEntry.objects.get().number == NUMBER

    assert "Enter the reply" in page_text(officer_client.post(phone_url, {"body": ""}))
    response = officer_client.post(phone_url, {"body": "Yes, posted them today"})
    assert response.status_code == 302
    reply = Message.objects.get(direction=Message.Direction.INBOUND)
    assert reply.resident == textable_resident and reply.body == "Yes, posted them today"
    conversation = page_text(
        officer_client.get(reverse("messaging:conversation", args=[textable_resident.pk]))
    )
    assert "Yes, posted them today" in conversation


def test_the_simulator_is_only_there_with_the_local_outbox(officer_client, settings):
    settings.SMS_PROVIDER = "notify"
    assert officer_client.get(reverse("messaging:simulator")).status_code == 404
    url = reverse("messaging:simulator_phone", args=[NUMBER])
    assert officer_client.post(url, {"body": "Hi"}).status_code == 404
    assert not Message.objects.exists()


def test_the_simulator_refuses_what_is_not_a_number(officer_client):
    url = reverse("messaging:simulator_phone", args=["not-a-number"])
    assert officer_client.get(url).status_code == 404


# --- Demo data -----------------------------------------------------------------------------


def test_the_demo_has_templates_and_conversations_through_the_outbox(settings):
    from doorstep.demo import services as demo_services
    from doorstep.messaging import demo

    staff = demo_services.ensure_demo_staff()
    for number in range(3):
        resident = ResidentFactory(consents_to_text=True)
        PhoneFactory(resident=resident, number=f"+44770090010{number}")
    ResidentFactory(consents_to_text=False)
    settings.SMS_PROVIDER = "notify"
    assert "no demo texts" in demo.seed(seed=1, staff=staff, newest=10)
    assert Template.objects.count() == len(demo.TEMPLATES)
    assert not Message.objects.exists()

    settings.SMS_PROVIDER = "outbox"
    out = demo.seed(seed=1, staff=staff, newest=10)
    assert "3 conversations" in out
    sent = Message.objects.filter(direction=Message.Direction.OUTBOUND)
    assert sent.count() == 3
    assert set(sent.values_list("status", flat=True)) == {Message.Status.DELIVERED}
    assert OutboxEntry.objects.count() == 3
    demo.seed(seed=1, staff=staff, newest=10)  # running again adds nothing
    assert sent.count() == 3 and Template.objects.count() == len(demo.TEMPLATES)


def test_through_notify_the_live_count_shows_what_the_resident_gets(
    admin_client_verified, settings
):
    settings.SMS_PROVIDER = "notify"
    result = admin_client_verified.post(
        reverse("messaging:preview"), {"text": "Hi ((first name)) 😬 from Łukasz"}
    ).json()
    assert result["preview"] == "Hi Amina ? from Lukasz"
    assert result["encoding"] == "GSM" and result["length"] == len("Hi Amina ? from Lukasz")
    assert "GOV.UK Notify will send “😬” as “?” and “Ł” as “L”" in result["summary"]
    assert result["changes"] == [{"from": "😬", "to": "?"}, {"from": "Ł", "to": "L"}]


def test_through_notify_welsh_letters_are_kept(admin_client_verified, settings):
    settings.SMS_PROVIDER = "notify"
    result = admin_client_verified.post(
        reverse("messaging:preview"), {"text": "Croeso i’r tŷ"}
    ).json()
    assert result["preview"] == "Croeso i'r tŷ"
    assert result["encoding"] == "UCS-2" and "changes" not in result
    assert "GOV.UK Notify will" not in result["summary"]


def test_a_text_queued_for_notify_is_counted_as_notify_sends_it(
    textable_resident, officer, settings
):
    settings.SMS_PROVIDER = "notify"
    message = services.send_message(resident=textable_resident, actor=officer, body="Hi 😬")
    assert message.encoding == "GSM"
