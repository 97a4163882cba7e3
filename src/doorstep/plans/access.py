"""Who may see or change shared plans: officer pages, the API and the Single View ask here.

Staff need the plans permission and the right to see residents; any team's plans are open to
them (plans follow the resident, not the team). An integration calling the API has been let in
by its token and may use every plan route. The resident reaches their own plan only through
the texted link and its code: see core.resident_links and services/links.py.

`get_<thing>_for(actor, pk)` raises Http404 when there is no such thing or the actor may not see
it; the pages check the permission first, so staff without it get 403 before any lookup.
"""

from django.http import Http404

from doorstep.core import actors
from doorstep.residents import queries as resident_queries

from . import queries
from .models import Action, Goal, Plan, PlanTemplate, ResidentLink

VIEW = ("plans.view_plan", "residents.view_resident")
CHANGE = ("plans.change_plan", "residents.view_resident")
ADD = ("plans.add_plan", "residents.view_resident")
MANAGE_TEMPLATES = ("plans.manage_templates",)


def _allowed(actor, permissions: tuple[str, ...]) -> bool:
    if actors.is_staff(actor):
        return actor.has_perms(permissions)
    # Not a person: only an integration let in by its API token (api.auth.ApiActor).
    return getattr(actor, "token", None) is not None


def can_view_plans(actor) -> bool:
    return _allowed(actor, VIEW)


def can_view_plan(actor, plan: Plan) -> bool:
    return can_view_plans(actor)


def can_add_plans(actor) -> bool:
    return _allowed(actor, ADD)


def can_add_plan(actor, resident) -> bool:
    """A plan for this resident: not for a record merged into another."""
    return can_add_plans(actor) and resident.merged_into_id is None


def can_edit_plan(actor, plan: Plan) -> bool:
    return _allowed(actor, CHANGE)


def can_share_plan(actor, plan: Plan) -> bool:
    return can_edit_plan(actor, plan)


def can_manage_templates(actor) -> bool:
    return _allowed(actor, MANAGE_TEMPLATES)


def get_resident_for(actor, pk: int):
    """A resident whose plans the actor may see (not one merged into another record)."""
    resident = resident_queries.live_residents().filter(pk=pk).first()
    if resident is None or not can_view_plans(actor):
        raise Http404("No such resident")
    return resident


def _visible(actor, found, what: str):
    """`found` (a plan, or a goal, action or link of one) if the actor may see it; else 404."""
    if found is None or not can_view_plan(actor, found if isinstance(found, Plan) else found.plan):
        raise Http404(f"No such {what}")
    return found


def get_plan_for(actor, pk: int) -> Plan:
    return _visible(actor, queries.plan(pk), "plan")


def get_goal_for(actor, pk: int) -> Goal:
    return _visible(actor, queries.goal(pk), "goal")


def get_action_for(actor, pk: int) -> Action:
    return _visible(actor, queries.action(pk), "action")


def get_link_for(actor, pk: int) -> ResidentLink:
    return _visible(actor, queries.link(pk), "link")


def get_template_for(actor, pk: int) -> PlanTemplate:
    template = queries.template(pk)
    if template is None or not can_manage_templates(actor):
        raise Http404("No such template")
    return template
