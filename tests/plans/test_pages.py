"""Officer, Administrator and resident pages: happy paths, bad inputs and permissions."""

import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils.html import escape

from doorstep.core import roles
from doorstep.core.models import AuditEvent, ServiceEvent
from doorstep.plans import services
from doorstep.plans.models import Action, Comment, Plan, PlanTemplate

from ..core.resident_browser import get
from ..dates import date_parts
from ..factories import ResidentFactory, StaffFactory
from .conftest import council_action, days_from_today, resident_action


def _resident_session(client, link):
    session = client.session
    session[f"plans.link.{link.pk}"] = {
        "link": link.token_hash[:16],
        "until": int(time.time()) + 1800,
    }
    session.save()


# --- Officer pages ------------------------------------------------------------------------------


def test_officer_makes_a_plan_from_a_template(officer_client, textable_resident, template):
    url = reverse("plans:create", args=[textable_resident.pk])
    page = officer_client.get(url).content.decode()
    assert template.name in page
    response = officer_client.post(
        url, {"template": str(template.pk), "title": "", "summary": "Notice served", "case": ""}
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.actions.count() == 4
    page = officer_client.get(response.url).content.decode()
    assert "Contact your landlord" in page and "Notice served" in page


def test_making_a_plan_needs_a_title_or_a_template(officer_client, textable_resident):
    response = officer_client.post(
        reverse("plans:create", args=[textable_resident.pk]),
        {"template": "", "title": " ", "summary": "", "case": ""},
    )
    assert response.status_code == 200
    assert "Enter a title for the plan, or choose a template" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_plan_page_marks_the_residents_changes_unread_once(officer_client, plan):
    action = resident_action(plan)
    services.set_action_status(
        actor=None, action=action, version=action.version, status="done", by_resident=True
    )
    page = officer_client.get(plan.get_absolute_url()).content.decode()
    assert "New from the resident" in page and "Unread" in page
    page = officer_client.get(plan.get_absolute_url()).content.decode()
    assert "New from the resident" not in page
    assert AuditEvent.objects.filter(object_type="plan", action="view").count() >= 2


def test_a_stale_edit_keeps_what_the_officer_typed(officer_client, plan):
    action = resident_action(plan)
    seen = action.version
    services.add_comment(actor=None, action=action, body="On it", by_resident=True)
    services.set_action_status(
        actor=None, action=action, version=seen, status="done", by_resident=True
    )
    response = officer_client.post(
        reverse("plans:edit_action", args=[action.pk]),
        {
            "description": "Bring the notice to the office",
            "owner_kind": "resident",
            "owner_staff": "",
            "partner_name": "",
            **date_parts("due_date", None),
            "status": "to_do",
            "version": str(seen),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "was changed by the resident" in page
    assert "Bring the notice to the office" in page  # what they typed
    assert "The latest version" in page
    assert f'name="version" value="{seen + 1}"' in page
    action.refresh_from_db()
    assert action.status == "done" and action.description != "Bring the notice to the office"


def test_action_form_bad_inputs(officer_client, plan):
    goal = plan.goals.get()
    response = officer_client.post(
        reverse("plans:add_action", args=[goal.pk]),
        {
            "description": "",
            "owner_kind": "partner",
            **date_parts("due_date", "31 2 2030"),
            "version": "0",
        },
    )
    page = response.content.decode()
    assert "Enter what needs to be done" in page
    assert '<a href="#id_due_date_day">Due date must be a real date</a>' in page
    response = officer_client.post(
        reverse("plans:add_action", args=[goal.pk]),
        {
            "description": "Advice",
            "owner_kind": "resident",
            **date_parts("due_date", "3 4 26"),
            "version": "0",
        },
    )
    assert '<a href="#id_due_date_year">Year must include 4 numbers</a>' in (
        response.content.decode()
    )
    response = officer_client.post(
        reverse("plans:add_action", args=[goal.pk]),
        {"description": "Advice", "owner_kind": "partner", "version": "0"},
    )
    assert "Enter the name of the partner organisation" in response.content.decode()
    assert plan.actions.count() == 4


def test_officer_adds_changes_and_removes_goals_and_actions(officer_client, plan, officer):
    response = officer_client.post(
        reverse("plans:add_goal", args=[plan.pk]), {"title": "Sort out money", "version": "0"}
    )
    assert response.status_code == 302
    goal = plan.goals.get(title="Sort out money")
    due = days_from_today(5)
    officer_client.post(
        reverse("plans:add_action", args=[goal.pk]),
        {
            "description": "Apply for a budgeting advance",
            "owner_kind": "officer",
            "owner_staff": "",
            **date_parts("due_date", due),
            "version": "0",
        },
    )
    action = Action.objects.get(description="Apply for a budgeting advance")
    assert action.owner_staff == officer and action.due_date == due
    form_page = officer_client.get(reverse("plans:edit_action", args=[action.pk])).content.decode()
    assert f'name="due_date_day" type="text" inputmode="numeric" value="{due.day}"' in form_page
    officer_client.post(
        reverse("plans:remove_action", args=[action.pk]), {"version": str(action.version)}
    )
    assert not Action.objects.filter(pk=action.pk).exists()
    officer_client.post(
        reverse("plans:edit_goal", args=[goal.pk]), {"title": "Money", "version": "1"}
    )
    goal.refresh_from_db()
    assert goal.title == "Money"
    officer_client.post(reverse("plans:remove_goal", args=[goal.pk]), {"version": "2"})
    assert not plan.goals.filter(pk=goal.pk).exists()


def test_officer_comments_on_an_action(officer_client, plan):
    action = resident_action(plan)
    url = reverse("plans:action", args=[action.pk])
    assert "Enter your comment" in officer_client.post(url, {"body": ""}).content.decode()
    officer_client.post(url, {"body": "Did the letter arrive?"})
    assert Comment.objects.get().body == "Did the letter arrive?"


def test_share_page_says_plainly_when_the_resident_cannot_be_texted(officer_client, officer):
    resident = ResidentFactory(first_name="Nomobile")
    plan = services.create_plan(actor=officer, resident=resident, title="A plan")
    response = officer_client.post(reverse("plans:share", args=[plan.pk]))
    page = response.content.decode()
    assert "has no mobile number on their record" in page
    assert "print the plan" in page
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_officer_shares_and_stops_a_link(officer_client, plan):
    response = officer_client.post(reverse("plans:share", args=[plan.pk]))
    assert response.status_code == 302
    link = plan.links.get()
    page = officer_client.get(plan.get_absolute_url()).content.decode()
    assert "Stop this link" in page
    officer_client.post(reverse("plans:revoke_link", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_officer_records_agreement_by_phone(officer_client, plan):
    url = reverse("plans:record_agreement", args=[plan.pk])
    response = officer_client.post(url, {"version": str(plan.version)})
    assert "Choose how the resident agreed the plan" in response.content.decode()
    officer_client.post(url, {"version": str(plan.version), "channel": "phone"})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED and plan.agreed_channel == "phone"


def test_history_and_earlier_versions(officer_client, plan, officer):
    services.update_plan(actor=officer, plan=plan, version=1, title="Staying put")
    page = officer_client.get(reverse("plans:history", args=[plan.pk])).content.decode()
    assert "Your Personal Housing Plan" in page and "Staying put" in page
    assert escape(officer.full_name) in page
    page = officer_client.get(reverse("plans:version", args=[plan.pk, 1])).content.decode()
    assert "Your Personal Housing Plan" in page and "This is an earlier version" in page
    assert officer_client.get(reverse("plans:version", args=[plan.pk, 99])).status_code == 404


def test_the_printout_carries_the_date_and_version(officer_client, plan):
    page = officer_client.get(reverse("plans:print", args=[plan.pk])).content.decode()
    assert f"Version {plan.version}" in page and "Printed" in page
    assert "What you've agreed to do" in page and "What the council will do" in page
    assert (
        "@media print"
        in open(  # noqa: SIM115 - a small file read in a test
            "src/doorstep/plans/static/plans/plans.css"
        ).read()
    )


def test_overdue_actions_show_in_my_work(officer_client, plan, officer):
    action = council_action(plan)
    Action.objects.filter(pk=action.pk).update(due_date=days_from_today(-2))
    page = officer_client.get(reverse("cases:my_work")).content.decode()
    assert "My overdue plan actions" in page and action.description in page
    Action.objects.filter(pk=action.pk).update(status="done")
    page = officer_client.get(reverse("cases:my_work")).content.decode()
    assert "You have no overdue plan actions" in page


def test_the_single_view_shows_progress_and_the_next_action(officer_client, plan):
    action = resident_action(plan)
    services.set_action_status(
        actor=None, action=action, version=action.version, status="done", by_resident=True
    )
    page = officer_client.get(plan.resident.get_absolute_url()).content.decode()
    assert "Shared plan" in page
    assert "1 of 4 actions done" in page
    assert "1 new from the resident" in page
    assert "Contact your landlord" in page  # due next, in 7 days


def test_digital_friends_cannot_see_plans(client, plan, digital_friend):
    client.force_login(digital_friend)
    assert client.get(plan.get_absolute_url()).status_code == 403
    assert client.post(reverse("plans:share", args=[plan.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Administrators -----------------------------------------------------------------------------


def test_administrator_writes_a_template(admin_client_verified):
    url = reverse("plans:template_new")
    response = admin_client_verified.post(
        url,
        {"name": "Money plan", "plan_title": "Your money plan", "goals_text": "You: save"},
    )
    assert "write a ‘Goal:’ line before its actions" in response.content.decode()
    response = admin_client_verified.post(
        url,
        {
            "name": "Money plan",
            "plan_title": "Your money plan",
            "goals_text": "Goal: Save\nYou: Open an account (7 days)",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    template = PlanTemplate.objects.get(name="Money plan")
    assert template.goals[0]["actions"][0]["due_in_days"] == 7
    page = admin_client_verified.get(
        reverse("plans:template_edit", args=[template.pk])
    ).content.decode()
    assert "You: Open an account (7 days)" in page


def test_officers_cannot_edit_templates(officer_client):
    assert officer_client.get(reverse("plans:templates")).status_code == 403


# --- Resident pages -----------------------------------------------------------------------------


@pytest.fixture
def resident_client(client, shared):
    link, token = shared
    _resident_session(client, link)
    return client, token


def test_resident_ticks_done_comments_and_adds_an_action(resident_client, plan):
    client, token = resident_client
    action = resident_action(plan)
    response = client.post(
        reverse("plans:resident_done", args=[token, action.pk]), {"version": action.version}
    )
    assert response.url == reverse("plans:resident_confirmation", args=[token, "done"])
    page = get(client, response.url).content.decode()
    assert "You have marked it as done" in page
    action.refresh_from_db()
    assert action.status == "done" and action.status_changed_by_label == "the resident"

    url = reverse("plans:resident_action", args=[token, action.pk])
    assert "Enter your comment" in client.post(url, {"body": ""}).content.decode()
    client.post(url, {"body": "Sent it by post"})
    assert Comment.objects.get().by_resident

    url = reverse("plans:resident_add_action", args=[token])
    response = client.post(url, {"description": "", "goal": ""})
    assert "Enter what you will do" in response.content.decode()
    goal = plan.goals.get()
    no_month = client.post(
        url,
        {
            "description": "Ask my sister about a room",
            "goal": str(goal.pk),
            **date_parts("due_date", "30  2031"),
        },
    )
    assert (
        '<a href="#id_due_date_month">The date you will do it by must include a month</a>'
        in no_month.content.decode()
    )
    assert not Action.objects.filter(description="Ask my sister about a room").exists()
    client.post(
        url,
        {
            "description": "Ask my sister about a room",
            "goal": str(goal.pk),
            **date_parts("due_date", "30 Jun 2031"),
        },
    )
    added = Action.objects.get(description="Ask my sister about a room")
    assert added.added_by_resident and added.owner_kind == "resident"
    assert added.due_date == datetime.date(2031, 6, 30)


def test_resident_tick_on_an_older_version_is_refused_plainly(resident_client, plan, officer):
    client, token = resident_client
    action = resident_action(plan)
    seen = action.version
    services.update_action(actor=officer, action=action, version=seen, description="New words")
    response = client.post(
        reverse("plans:resident_done", args=[token, action.pk]), {"version": seen}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert f"was changed by {officer.full_name}" in page and "New words" in page
    action.refresh_from_db()
    assert action.status == "to_do"


def test_resident_agrees_the_plan(resident_client, plan):
    client, token = resident_client
    page = get(client, reverse("plans:resident_plan", args=[token])).content.decode()
    assert "I agree to this plan" in page
    for heading in ["What you've agreed to do", "What the council will do", "What's next"]:
        assert heading in page
    assert '<p class="govuk-body-s">Version' not in page  # an edit counter means nothing here
    response = client.post(reverse("plans:resident_agree", args=[token]), {"version": plan.version})
    assert response.url == reverse("plans:resident_confirmation", args=[token, "agreed"])
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED and plan.agreed_channel == "digital"


def test_agreeing_the_plan_asks_the_satisfaction_question(resident_client, plan):
    client, token = resident_client
    ticked = get(client, reverse("plans:resident_confirmation", args=[token, "done"]))
    assert "how did you feel about the service" not in ticked.content.decode()

    client.post(reverse("plans:resident_agree", args=[token]), {"version": plan.version})
    page = get(client, reverse("plans:resident_confirmation", args=[token, "agreed"]))
    page = page.content.decode()
    assert "Overall, how did you feel about the service you received today?" in page
    action = re.search(r'action="(/reporting/[^"]+)"', page).group(1)
    client.post(action, {"answer": "2"})
    answered = ServiceEvent.objects.get(name="survey.answered")
    assert answered.value == 2 and answered.attributes["service"] == "shared_plan"


def test_resident_cannot_reach_another_plans_action(resident_client, officer):
    client, token = resident_client
    other = services.create_plan(actor=officer, resident=ResidentFactory(), title="Other")
    goal = services.add_goal(actor=officer, plan=other, title="Goal")
    action = services.add_action(actor=officer, goal=goal, description="Secret")
    assert get(client, reverse("plans:resident_action", args=[token, action.pk])).status_code == 404
    response = client.post(reverse("plans:resident_done", args=[token, action.pk]), {"version": 1})
    assert response.status_code == 404


def test_resident_leaves(resident_client):
    client, token = resident_client
    client.post(reverse("plans:resident_leave", args=[token]))
    assert get(client, reverse("plans:resident_plan", args=[token])).status_code == 302


def test_staff_from_another_role_cannot_use_the_staff_pages(client, plan):
    client.force_login(StaffFactory(roles=[roles.DIGITAL_FRIEND]))
    assert client.get(reverse("plans:history", args=[plan.pk])).status_code == 403
