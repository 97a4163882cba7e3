"""Plans, goals, actions and comments: history kept, earlier versions viewable, and
concurrent edits never lost silently."""

import pytest
from django.core.exceptions import ValidationError

from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent
from doorstep.core.resident_moves import move_all
from doorstep.plans import queries, services, templates_text
from doorstep.plans.models import Action, Plan, PlanChange, PlanTemplate

from ..factories import ResidentFactory
from .conftest import council_action, days_from_today, resident_action


def test_a_plan_made_from_a_template_has_its_goals_and_actions(plan, officer):
    assert plan.title == "Your Personal Housing Plan"
    assert plan.status == Plan.Status.DRAFT and plan.version == 1
    goal = plan.goals.get()
    actions = list(goal.actions.all())
    assert [a.owner_kind for a in actions] == ["resident", "resident", "officer", "partner"]
    assert actions[0].due_date == days_from_today(3)
    assert actions[2].owner_staff == officer
    assert actions[3].partner_name == "Citizens Advice"
    assert plan.revisions.get().version == 1
    assert TimelineEvent.objects.filter(resident_id=plan.resident_id, kind="plan").exists()
    assert AuditEvent.objects.filter(object_type="plan", action="create").exists()


def test_the_seeded_templates_are_there(db):
    names = set(PlanTemplate.objects.values_list("name", flat=True))
    assert {"Personal Housing Plan", "Getting your documents together"} <= names
    housing = PlanTemplate.objects.get(name="Personal Housing Plan")
    owners = {a["owner_kind"] for goal in housing.goals for a in goal["actions"]}
    assert owners == {"resident", "officer", "partner"}


def test_every_change_is_kept_with_who_what_from_and_to(plan, officer):
    action = resident_action(plan)
    services.update_action(
        actor=officer, action=action, version=action.version, due_date=days_from_today(10)
    )
    change = PlanChange.objects.filter(plan=plan).first()
    assert change.actor_label == officer.full_name
    assert change.what.startswith("Due date of")
    assert change.before == services.date_words(days_from_today(3))
    assert change.after == services.date_words(days_from_today(10))
    plan.refresh_from_db()
    assert plan.version == 2
    first = queries.revision(plan, 1).snapshot["goals"][0]["actions"][0]
    now = queries.revision(plan, 2).snapshot["goals"][0]["actions"][0]
    assert first["due_date"] == days_from_today(3).isoformat()
    assert now["due_date"] == days_from_today(10).isoformat()


def test_officer_then_resident_the_later_writer_is_told_and_nothing_saved(plan, officer):
    action = resident_action(plan)
    seen = action.version
    services.update_action(actor=officer, action=action, version=seen, description="Bring it in")
    with pytest.raises(services.StaleEdit) as caught:
        services.set_action_status(
            actor=None, action=action, version=seen, status="done", by_resident=True
        )
    assert officer.full_name in caught.value.message
    assert "after you opened it" in caught.value.message
    action.refresh_from_db()
    assert action.status == Action.Status.TO_DO and action.description == "Bring it in"


def test_resident_then_officer_the_later_writer_is_told_and_nothing_saved(plan, officer):
    action = resident_action(plan)
    seen = action.version
    services.set_action_status(
        actor=None, action=action, version=seen, status="done", by_resident=True
    )
    with pytest.raises(services.StaleEdit) as caught:
        services.update_action(actor=officer, action=action, version=seen, description="Changed")
    assert "the resident" in caught.value.message
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.status_changed_by_label == "the resident"
    assert action.description != "Changed"


def test_comments_from_both_sides_are_all_kept(plan, officer):
    action = resident_action(plan)
    services.add_comment(actor=officer, action=action, body="Any news?")
    services.add_comment(actor=None, action=action, body="Posted it today", by_resident=True)
    bodies = list(action.comments.values_list("body", "by_resident"))
    assert bodies == [("Any news?", False), ("Posted it today", True)]
    with pytest.raises(ValidationError):
        services.add_comment(actor=officer, action=action, body="   ")


def test_resident_changes_are_unread_until_an_officer_opens_the_plan(plan, officer):
    action = resident_action(plan)
    services.set_action_status(
        actor=None, action=action, version=action.version, status="done", by_resident=True
    )
    assert queries.unread_action_ids(plan) == {action.pk}
    assert queries.panel_summary(plan.resident_id).unread == 1
    services.mark_resident_changes_seen(actor=officer, plan=plan)
    assert queries.unread_action_ids(plan) == set()
    event = TimelineEvent.objects.filter(kind="plan").first()
    assert event.summary.startswith("Resident:")


def test_a_resident_can_only_mark_done(plan):
    action = resident_action(plan)
    with pytest.raises(ValidationError):
        services.set_action_status(
            actor=None, action=action, version=action.version, status="not_needed", by_resident=True
        )


def test_done_is_counted_with_on_time_and_owner(plan, officer):
    action = council_action(plan)
    services.update_action(actor=officer, action=action, version=action.version, status="done")
    event = ServiceEvent.objects.get(name="plan.action_done")
    assert event.attributes == {"on_time": True, "owner": "officer"}


def test_bad_inputs_are_refused_with_plain_messages(plan, officer):
    goal = plan.goals.get()
    with pytest.raises(ValidationError) as caught:
        services.add_action(actor=officer, goal=goal, description="", owner_kind="resident")
    assert caught.value.message_dict == {"description": ["Enter what needs to be done"]}
    with pytest.raises(ValidationError) as caught:
        services.add_action(actor=officer, goal=goal, description="Advice", owner_kind="partner")
    assert "partner_name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.add_action(actor=officer, goal=goal, description="x", due_date=days_from_today(-1))
    assert caught.value.message_dict == {
        "due_date": ["The due date must be today or in the future"]
    }
    assert plan.actions.count() == 4


def test_removing_keeps_the_history_and_earlier_versions(plan, officer):
    action = council_action(plan)
    services.remove_action(actor=officer, action=action, version=action.version)
    assert not Action.objects.filter(pk=action.pk).exists()
    plan.refresh_from_db()
    earlier = queries.revision(plan, 1).snapshot["goals"][0]["actions"]
    assert "Contact your landlord" in [a["description"] for a in earlier]
    assert PlanChange.objects.filter(plan=plan, what="Action removed").exists()


def test_agreeing_completes_the_transaction_once(plan, officer, shared):
    services.agree_plan(plan=plan, version=plan.version, by_resident=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED and plan.agreed_channel == "digital"
    services.agree_plan(plan=plan, version=plan.version, actor=officer, channel="phone")
    completed = ServiceEvent.objects.filter(name="transaction.completed")
    assert completed.count() == 1
    assert completed.get().channel == "digital"
    assert completed.get().attributes == {"service": "shared_plan", "outcome": "done"}
    started = ServiceEvent.objects.get(name="transaction.started")
    assert started.attributes == {"service": "shared_plan"}


def test_agreeing_an_older_version_is_refused(plan, officer):
    seen = plan.version
    services.update_plan(actor=officer, plan=plan, version=seen, summary="New situation")
    with pytest.raises(services.StaleEdit):
        services.agree_plan(plan=plan, version=seen, by_resident=True)


def test_an_officer_records_agreement_in_person(plan, officer):
    services.agree_plan(plan=plan, version=plan.version, actor=officer, channel="face_to_face")
    assert ServiceEvent.objects.get(name="transaction.completed").channel == "face_to_face"
    with pytest.raises(ValidationError):
        services.agree_plan(plan=plan, version=None, actor=officer, channel="carrier pigeon")


def test_plans_follow_a_merged_resident(plan):
    other = ResidentFactory()
    moved = move_all(from_resident_id=plan.resident_id, to_resident_id=other.pk)
    assert moved["plans"] == 1
    plan.refresh_from_db()
    assert plan.resident_id == other.pk


def test_template_text_round_trips_and_names_bad_lines():
    goals = templates_text.parse(
        "Goal: Save money\nYou: Open a bank account (7 days)\nPartner Credit Union: Help (1 day)"
    )
    assert goals[0]["actions"][1] == {
        "description": "Help",
        "owner_kind": "partner",
        "partner_name": "Credit Union",
        "due_in_days": 1,
    }
    assert templates_text.parse(templates_text.render(goals)) == goals
    with pytest.raises(ValidationError) as caught:
        templates_text.parse("Goal: One\nSomebody: do it")
    assert caught.value.messages == [
        "Line 2: start an action with ‘You:’, ‘Council:’ or ‘Partner <name>:’"
    ]
    with pytest.raises(ValidationError):
        templates_text.parse("You: first")
