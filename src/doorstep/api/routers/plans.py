"""Shared plans through the API: a resident's plans, one plan, its actions.

Changes name the version they were based on; a plan or action that changed since gives 409
with who changed it and when, and nothing is saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from doorstep.core.models import Staff
from doorstep.plans import access, queries, services
from doorstep.plans.models import Action, Plan

from ..errors import NotFoundError
from ..lookups import found_for, live_resident
from ..schemas import Input, IsoDate, NotFound, ValidationErrors
from ..schemas import Message as Detail

router = Router(tags=["Shared plans"])


class CommentOut(Schema):
    by: str
    by_resident: bool
    at: datetime.datetime
    body: str


class ActionOut(Schema):
    id: int
    goal_id: int
    description: str
    owner_kind: str = Field(..., description="resident, officer or partner")
    owner: str = Field(..., description="Who does it, in words")
    owner_staff_id: int | None
    partner_name: str
    due_date: datetime.date | None
    status: str = Field(..., description="to_do, done or not_needed")
    status_changed_at: datetime.datetime | None
    status_changed_by: str
    added_by_resident: bool
    version: int = Field(..., description="Send this back when changing the action")
    comments: list[CommentOut]

    @staticmethod
    def resolve_owner(obj: Action) -> str:
        return obj.owner_label

    @staticmethod
    def resolve_status_changed_by(obj: Action) -> str:
        return obj.status_changed_by_label

    @staticmethod
    def resolve_comments(obj: Action) -> list[dict]:
        return [
            {"by": c.author_label, "by_resident": c.by_resident, "at": c.created_at, "body": c.body}
            for c in obj.comments.all()
        ]


class GoalOut(Schema):
    id: int
    title: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(obj) -> list[Action]:
        return list(obj.actions.all())


class PlanSummary(Schema):
    id: int
    resident_id: int
    case_id: int | None
    title: str
    status: str = Field(..., description="draft, shared or agreed")
    version: int = Field(..., description="Send this back when changing the plan")
    created_at: datetime.datetime
    shared_at: datetime.datetime | None
    agreed_at: datetime.datetime | None
    agreed_channel: str


class PlanOut(PlanSummary):
    summary: str
    goals: list[GoalOut]

    @staticmethod
    def resolve_goals(obj: Plan) -> list:
        return queries.goals_with_actions(obj)


class PlanList(Schema):
    count: int
    items: list[PlanSummary]


class ActionList(Schema):
    count: int
    items: list[ActionOut]


class Conflict(Schema):
    detail: str
    changed_by: str
    changed_at: datetime.datetime | None


class PlanCreate(Input):
    title: str = Field("", max_length=200, description="Needed unless template_id is given")
    summary: str = Field("", max_length=5000, description="The situation, in plain words")
    case_id: int | None = Field(None, description="One of the resident's cases")
    template_id: int | None = Field(None, description="Start from this plan template")


class PlanUpdate(Input):
    version: int = Field(..., description="The plan version your change is based on")
    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=5000)


class ActionCreate(Input):
    goal_id: int = Field(..., description="The goal the action is under")
    description: str = Field(..., max_length=300)
    owner_kind: str = Field("resident", description="resident, officer or partner")
    owner_staff_id: int | None = Field(None, description="The officer, for owner_kind officer")
    partner_name: str = Field("", max_length=120, description="For owner_kind partner")
    due_date: IsoDate | None = None


class ActionUpdate(Input):
    version: int = Field(..., description="The action version your change is based on")
    description: str | None = Field(None, max_length=300)
    owner_kind: str | None = None
    owner_staff_id: int | None = None
    partner_name: str | None = Field(None, max_length=120)
    due_date: IsoDate | None = Field(None, description="null clears the date")
    status: str | None = Field(None, description="to_do, done or not_needed")


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return found_for(access.get_plan_for, request, plan_id, "plan")


def _staff(staff_id: int | None) -> Staff | None:
    if staff_id is None:
        return None
    staff = Staff.objects.filter(pk=staff_id, is_active=True).first()
    if staff is None:
        raise ValidationError(
            {"owner_staff_id": [f"There is no member of staff with id {staff_id}"]}
        )
    return staff


def _conflict(error: services.StaleEdit):
    return Status(
        409,
        {"detail": error.message, "changed_by": error.changed_by, "changed_at": error.changed_at},
    )


@router.get(
    "/residents/{resident_id}/plans",
    response={200: PlanList, 401: Detail, 404: NotFound},
    summary="A resident's plans",
    description="Newest first, without their goals and actions (read a plan for those).",
)
def list_plans(request: HttpRequest, resident_id: int):
    resident = live_resident(resident_id)
    plans = list(queries.plans_for(resident.pk))
    for plan in plans[:1]:
        services.record_read(
            actor=request.auth, plan=plan, detail=f"API: {len(plans)} plans", request=request
        )
    return {"count": len(plans), "items": plans}


@router.post(
    "/residents/{resident_id}/plans",
    response={201: PlanOut, 401: Detail, 404: NotFound, 422: ValidationErrors},
    summary="Make a plan",
    description="A draft plan, empty or from a template. Share it with the resident from "
    "Doorstep's pages.",
)
def create_plan(
    request: HttpRequest, resident_id: int, payload: PlanCreate, response: HttpResponse
):
    resident = live_resident(resident_id)
    template = case = None
    if payload.template_id is not None:
        template = queries.template(payload.template_id)
        if template is None:
            raise ValidationError(
                {"template_id": [f"There is no plan template with id {payload.template_id}"]}
            )
    if payload.case_id is not None:
        case = queries.resident_cases(resident.pk).filter(pk=payload.case_id).first()
        if case is None:
            raise ValidationError({"case_id": ["Give the id of one of this resident's cases"]})
    plan = services.create_plan(
        actor=request.auth,
        resident=resident,
        title=payload.title,
        summary=payload.summary,
        case=case,
        template=template,
        request=request,
    )
    response["Location"] = reverse("api:plan", args=[plan.pk])
    return Status(201, plan)


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, 401: Detail, 404: NotFound},
    summary="Get a plan",
    url_name="plan",
)
def get_plan(request: HttpRequest, plan_id: int):
    plan = _plan(request, plan_id)
    services.record_read(actor=request.auth, plan=plan, detail="API: plan", request=request)
    return plan


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanOut, 401: Detail, 404: NotFound, 409: Conflict, 422: ValidationErrors},
    summary="Change a plan's title or summary",
    description="Send `version` from your last read; 409 if the plan changed since.",
)
def update_plan(request: HttpRequest, plan_id: int, payload: PlanUpdate):
    plan = _plan(request, plan_id)
    try:
        plan = services.update_plan(
            actor=request.auth,
            plan=plan,
            version=payload.version,
            title=payload.title,
            summary=payload.summary,
            request=request,
        )
    except services.StaleEdit as error:
        return _conflict(error)
    return plan


@router.get(
    "/plans/{plan_id}/actions",
    response={200: ActionList, 401: Detail, 404: NotFound},
    summary="A plan's actions",
)
def list_actions(request: HttpRequest, plan_id: int):
    plan = _plan(request, plan_id)
    actions = [a for goal in queries.goals_with_actions(plan) for a in goal.actions.all()]
    services.record_read(actor=request.auth, plan=plan, detail="API: actions", request=request)
    return {"count": len(actions), "items": actions}


def _reloaded(action: Action) -> Action:
    return queries.action(action.pk)


@router.post(
    "/plans/{plan_id}/actions",
    response={201: ActionOut, 401: Detail, 404: NotFound, 422: ValidationErrors},
    summary="Add an action",
)
def add_action(request: HttpRequest, plan_id: int, payload: ActionCreate):
    plan = _plan(request, plan_id)
    goal = queries.plan_goal(plan.pk, payload.goal_id)
    if goal is None:
        raise ValidationError({"goal_id": ["Give the id of one of this plan's goals"]})
    action = services.add_action(
        actor=request.auth,
        goal=goal,
        description=payload.description,
        owner_kind=payload.owner_kind,
        owner_staff=_staff(payload.owner_staff_id),
        partner_name=payload.partner_name,
        due_date=payload.due_date,
        request=request,
    )
    return Status(201, _reloaded(action))


@router.patch(
    "/plans/{plan_id}/actions/{action_id}",
    response={200: ActionOut, 401: Detail, 404: NotFound, 409: Conflict, 422: ValidationErrors},
    summary="Change an action",
    description="Send `version` from your last read and only the fields to change; 409 if "
    "the action changed since.",
)
def update_action(request: HttpRequest, plan_id: int, action_id: int, payload: ActionUpdate):
    plan = _plan(request, plan_id)
    action = queries.plan_action(plan.pk, action_id)
    if action is None:
        raise NotFoundError(f"Plan {plan_id} has no action with id {action_id}")
    given = payload.model_dump(exclude_unset=True)
    owner_kind = payload.owner_kind
    if owner_kind is None and "owner_staff_id" in given:
        owner_kind = "officer"
    try:
        action = services.update_action(
            actor=request.auth,
            action=action,
            version=payload.version,
            description=payload.description,
            owner_kind=owner_kind,
            owner_staff=_staff(payload.owner_staff_id),
            partner_name=payload.partner_name,
            due_date=payload.due_date if "due_date" in given else ...,
            status=payload.status,
            request=request,
        )
    except services.StaleEdit as error:
        return _conflict(error)
    return _reloaded(action)
