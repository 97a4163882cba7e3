"""Plans through the API: list, make, read, change, actions; 409 on a stale version."""

import pytest

from doorstep.core.models import AuditEvent
from doorstep.plans.models import Plan

from ..api.conftest import ApiClient
from .conftest import days_from_today, resident_action


@pytest.fixture
def api(client, db):
    from doorstep.api import services as api_services

    _, raw = api_services.issue_token(actor=None, name="Housing system")
    return ApiClient(client, raw)


def test_list_and_read_plans(api, plan):
    response = api.get(f"/api/v1/residents/{plan.resident_id}/plans")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["title"] == plan.title
    response = api.get(f"/api/v1/plans/{plan.pk}")
    detail = response.json()
    assert detail["version"] == 1
    actions = detail["goals"][0]["actions"]
    assert [a["owner_kind"] for a in actions] == ["resident", "resident", "officer", "partner"]
    assert AuditEvent.objects.filter(
        object_type="plan", action="view", actor_label__startswith="API:"
    ).exists()


def test_make_a_plan(api, textable_resident, template):
    response = api.post(
        f"/api/v1/residents/{textable_resident.pk}/plans",
        {"template_id": template.pk, "summary": "Notice served"},
    )
    assert response.status_code == 201
    plan = Plan.objects.get()
    assert response["Location"] == f"/api/v1/plans/{plan.pk}"
    assert response.json()["goals"][0]["title"] == "Keep your home or find somewhere to live"
    response = api.post(f"/api/v1/residents/{textable_resident.pk}/plans", {"title": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Enter a title for the plan"
    response = api.post(
        f"/api/v1/residents/{textable_resident.pk}/plans", {"title": "x", "case_id": 999}
    )
    assert response.status_code == 422


def test_change_a_plan_with_its_version(api, plan):
    response = api.patch(f"/api/v1/plans/{plan.pk}", {"version": 1, "title": "Staying put"})
    assert response.status_code == 200 and response.json()["version"] == 2
    response = api.patch(f"/api/v1/plans/{plan.pk}", {"version": 1, "title": "Moving on"})
    assert response.status_code == 409
    assert "was changed by API: Housing system" in response.json()["detail"]
    plan.refresh_from_db()
    assert plan.title == "Staying put"
    assert api.patch(f"/api/v1/plans/{plan.pk}", {"title": "No version"}).status_code == 422


def test_actions_as_sub_resources(api, plan):
    goal = plan.goals.get()
    due = days_from_today(9)
    response = api.post(
        f"/api/v1/plans/{plan.pk}/actions",
        {
            "goal_id": goal.pk,
            "description": "Bring three payslips",
            "owner_kind": "resident",
            "due_date": due.isoformat(),
        },
    )
    assert response.status_code == 201
    created = response.json()
    assert created["due_date"] == due.isoformat() and created["version"] == 1
    listed = api.get(f"/api/v1/plans/{plan.pk}/actions").json()
    assert listed["count"] == 5
    url = f"/api/v1/plans/{plan.pk}/actions/{created['id']}"
    response = api.patch(url, {"version": 1, "status": "done"})
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert response.json()["status_changed_by"].startswith("API:")
    assert api.patch(url, {"version": 1, "status": "to_do"}).status_code == 409
    response = api.patch(url, {"version": 2, "status": "finished"})
    assert response.status_code == 422
    response = api.post(f"/api/v1/plans/{plan.pk}/actions", {"goal_id": 999, "description": "x"})
    assert response.status_code == 422
    assert api.patch(f"/api/v1/plans/{plan.pk}/actions/999", {"version": 1}).status_code == 404


def test_resident_then_api_is_a_conflict(api, plan):
    from doorstep.plans import services

    action = resident_action(plan)
    services.set_action_status(
        actor=None, action=action, version=1, status="done", by_resident=True
    )
    response = api.patch(
        f"/api/v1/plans/{plan.pk}/actions/{action.pk}", {"version": 1, "description": "x"}
    )
    assert response.status_code == 409
    assert response.json()["changed_by"] == "the resident"


def test_the_api_needs_a_token(client, plan):
    assert ApiClient(client, None).get(f"/api/v1/plans/{plan.pk}").status_code == 401
    assert ApiClient(client, None).get("/api/v1/plans/999").status_code == 401


def test_unknown_plan_is_404(api, db):
    assert api.get("/api/v1/plans/999").status_code == 404
