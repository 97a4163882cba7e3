"""Who may open each plans page; merged into tests/core/test_permission_matrix.py."""

import datetime

from django.utils import timezone

from doorstep.core import roles

STAFF = [roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR]
ADMINS = [roles.ADMINISTRATOR]

MATRIX = {
    "plans:resident_plans": (STAFF, 200, "resident_pk"),
    "plans:create": (STAFF, 200, "resident_pk"),
    "plans:detail": (STAFF, 200, "plan"),
    "plans:edit": (STAFF, 200, "plan"),
    "plans:add_goal": (STAFF, 200, "plan"),
    "plans:share": (STAFF, 200, "plan"),
    "plans:record_agreement": (STAFF, 200, "plan"),
    "plans:history": (STAFF, 200, "plan"),
    "plans:version": (STAFF, 200, "plan_version"),
    "plans:print": (STAFF, 200, "plan"),
    "plans:edit_goal": (STAFF, 200, "goal"),
    "plans:remove_goal": (STAFF, 200, "goal"),
    "plans:add_action": (STAFF, 200, "goal"),
    "plans:action": (STAFF, 200, "plan_action"),
    "plans:edit_action": (STAFF, 200, "plan_action"),
    "plans:remove_action": (STAFF, 200, "plan_action"),
    "plans:revoke_link": (STAFF, 405, "plan_link"),
    "plans:templates": (ADMINS, 200, None),
    "plans:template_new": (ADMINS, 200, None),
    "plans:template_edit": (ADMINS, 200, "plan_template"),
    # The resident's pages answer anyone with the link; the plan itself needs the texted code,
    # so without it they send the visitor to the start page.
    "plans:resident_start": ("public", 200, "plan_token"),
    "plans:resident_code": ("public", 200, "plan_token"),
    "plans:resident_plan": ("public", 302, "plan_token"),
    "plans:resident_add_action": ("public", 302, "plan_token"),
    "plans:resident_action": ("public", 302, "plan_token_action"),
    "plans:resident_done": ("public", 302, "plan_token_action"),
    "plans:resident_agree": ("public", 302, "plan_token"),
    "plans:resident_confirmation": ("public", 302, "plan_token_what"),
    "plans:resident_leave": ("public", 405, "plan_token"),
}


def objects(*, resident, other, case, team, administrator):
    """The URL arguments this app's pages need, keyed by the names used in MATRIX."""
    from doorstep.core.tokens import hash_token
    from doorstep.plans import services
    from doorstep.plans.models import PlanTemplate, ResidentLink

    plan = services.create_plan(actor=administrator, resident=resident, title="Plan", case=case)
    goal = services.add_goal(actor=administrator, plan=plan, title="Find a home")
    action = services.add_action(actor=administrator, goal=goal, description="Register")
    token = "matrix-token-" + "x" * 24
    link = ResidentLink.objects.create(
        plan=plan,
        token_hash=hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    template = PlanTemplate.objects.create(name="Matrix template", plan_title="Plan")
    return {
        "plan": {"pk": plan.pk},
        "plan_version": {"pk": plan.pk, "version": 1},
        "goal": {"pk": goal.pk},
        "plan_action": {"pk": action.pk},
        "plan_link": {"pk": link.pk},
        "plan_template": {"pk": template.pk},
        "plan_token": {"token": token},
        "plan_token_action": {"token": token, "action_id": action.pk},
        "plan_token_what": {"token": token, "what": "done"},
    }
