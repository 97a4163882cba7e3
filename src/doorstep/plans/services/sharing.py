"""Sharing a plan with the resident: texting them a link, and stopping a link."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import actors, resident_links, service_events
from doorstep.messaging import services as messaging

from ..models import Action, OwnerKind, Plan, ResidentLink
from .history import SERVICE, Change, _commit, _lock, when_words
from .links import LINK
from .reminders import _schedule_reminders


def link_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("plans:resident_start", args=[token])


SHARE_TEXT = (
    "Hello ((first name)), your plan with ((council)) is ready to see: ((link)) "
    "We will text you a code to open it."
)


@transaction.atomic
def share_plan(
    *, actor, plan: Plan, request: HttpRequest | None = None
) -> tuple[ResidentLink, str]:
    """Text the resident a new link to their plan. Returns the link and its token (never kept).

    Raises messaging's NotTextable (and writes nothing) when the resident cannot be texted.
    """
    plan = _lock(plan)
    resident = plan.resident
    if resident.merged_into_id is not None:
        raise ValidationError("This record was merged into another")
    now = timezone.now()
    link, token = resident_links.issue(LINK, plan=plan, created_by=actors.staff_or_none(actor))
    messaging.send_message(
        resident=resident,
        actor=actor,
        body=SHARE_TEXT,
        secrets={"link": link_url(token)},
        team=plan.team,
        idempotency_key=f"plan-link:{link.pk}",
        request=request,
    )
    first_time = plan.shared_at is None
    before = plan.get_status_display()
    if plan.status == Plan.Status.DRAFT:
        plan.status = Plan.Status.SHARED
    plan.shared_at = plan.shared_at or now
    plan.save(update_fields=["status", "shared_at"])
    if first_time:
        service_events.transaction_started(service=SERVICE, source=plan, team=plan.team_id)
    after = plan.get_status_display()
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("plan", plan.pk, "Link texted to the resident", before, after)],
        summary="Plan shared with the resident by text",
        request=request,
        event={"name": "plan.shared", "team": plan.team_id, "source": plan},
    )
    for action in plan.actions.filter(owner_kind=OwnerKind.RESIDENT, status=Action.Status.TO_DO):
        _schedule_reminders(action, plan)
    return link, token


@transaction.atomic
def revoke_link(*, actor, link: ResidentLink, request: HttpRequest | None = None) -> bool:
    """Stop a link working at once; returns False if it had already stopped."""
    plan = _lock(link.plan)
    if not resident_links.revoke(LINK, link, by=actor):
        return False
    what = f"Link texted at {when_words(link.created_at)} stopped"
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("plan", plan.pk, what, "Working", "Stopped")],
        summary="Link to the plan stopped",
        request=request,
    )
    return True
