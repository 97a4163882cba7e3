"""OpenAPI links: how an answer leads to the next call (the resident just created, then its
timeline; the plan, then its actions).

Clients and tools read them to chain calls; Schemathesis's stateful tests follow them, so
they reach records that exist instead of trying made-up ids. Each link names its target by
method and path; `add_links` turns that into the target's operationId.
"""

from dataclasses import dataclass, field

RESIDENT = "/residents/{resident_id}"
PLAN = "/plans/{plan_id}"
ACTION = "/plans/{plan_id}/actions/{action_id}"
HELP_REQUEST = "/help-requests/{request_id}"


@dataclass(frozen=True)
class Link:
    name: str
    method: str
    path: str
    parameters: dict[str, str]
    body: dict[str, str] = field(default_factory=dict)


def _resident_links(resident_id: str) -> list[Link]:
    """Everything a resident's id opens, given where the id is found in the answer."""
    ids = {"resident_id": resident_id}
    return [
        Link("GetResident", "GET", RESIDENT, ids),
        Link("ChangeResident", "PATCH", RESIDENT, ids),
        Link("ResidentTimeline", "GET", f"{RESIDENT}/timeline", ids),
        Link("AssessResident", "POST", f"{RESIDENT}/assessments", ids),
        Link("ResidentAssessments", "GET", f"{RESIDENT}/assessments", ids),
        Link("TextResident", "POST", f"{RESIDENT}/messages", ids),
        Link("ResidentTexts", "GET", f"{RESIDENT}/messages", ids),
        Link("AskForDocuments", "POST", f"{RESIDENT}/evidence-requests", ids),
        Link("MakePlan", "POST", f"{RESIDENT}/plans", ids),
        Link("ResidentPlans", "GET", f"{RESIDENT}/plans", ids),
        Link("RecordSkillsCheck", "POST", f"{RESIDENT}/skills-checks", ids),
        Link("ResidentSkillsChecks", "GET", f"{RESIDENT}/skills-checks", ids),
        Link("AskForDigitalFriend", "POST", "/help-requests", {}, {"resident_id": resident_id}),
    ]


def _plan_links(plan: str) -> list[Link]:
    """What a plan in the answer opens; `plan` is the JSON pointer to it ('' for the body)."""
    ids = {"plan_id": f"$response.body#{plan}/id"}
    action = f"$response.body#{plan}/goals/0/actions/0"
    return [
        Link("GetPlan", "GET", PLAN, ids),
        Link("ChangePlan", "PATCH", PLAN, ids, {"version": f"$response.body#{plan}/version"}),
        Link("PlanActions", "GET", f"{PLAN}/actions", ids),
        Link(
            "AddAction",
            "POST",
            f"{PLAN}/actions",
            ids,
            {"goal_id": f"$response.body#{plan}/goals/0/id"},
        ),
        Link(
            "ChangeFirstAction",
            "PATCH",
            ACTION,
            {**ids, "action_id": f"{action}/id"},
            {"version": f"{action}/version"},
        ),
    ]


def _action_link(action: str) -> Link:
    return Link(
        "ChangeAction",
        "PATCH",
        ACTION,
        {"plan_id": "$request.path.plan_id", "action_id": f"$response.body#{action}/id"},
        {"version": f"$response.body#{action}/version"},
    )


def _help_request_links(request_id: str) -> list[Link]:
    ids = {"request_id": request_id}
    return [
        Link("GetHelpRequest", "GET", HELP_REQUEST, ids),
        Link("HelpRequestMatches", "GET", f"{HELP_REQUEST}/matches", ids),
    ]


def _evidence_links(pointer: str) -> list[Link]:
    document = {"document_id": f"$response.body#{pointer}/documents/0/id"}
    return [
        Link("GetDocument", "GET", "/documents/{document_id}", document),
        Link("DocumentContent", "GET", "/documents/{document_id}/content", document),
    ]


SAME_RESIDENT = {"resident_id": "$request.path.resident_id"}
FIRST_ITEM = "$response.body#/items/0/id"
BODY_ID = "$response.body#/id"

# (method, path, status) of an answer: the calls it leads to.
LINKS: dict[tuple[str, str, int], list[Link]] = {
    ("POST", "/residents", 201): _resident_links(BODY_ID),
    ("GET", "/residents", 200): _resident_links(FIRST_ITEM),
    ("GET", RESIDENT, 200): _resident_links(BODY_ID),
    ("PATCH", RESIDENT, 200): _resident_links(BODY_ID),
    ("POST", f"{RESIDENT}/assessments", 201): [
        Link("ResidentAssessments", "GET", f"{RESIDENT}/assessments", SAME_RESIDENT)
    ],
    ("POST", f"{RESIDENT}/skills-checks", 201): [
        Link("ResidentSkillsChecks", "GET", f"{RESIDENT}/skills-checks", SAME_RESIDENT)
    ],
    ("POST", f"{RESIDENT}/messages", 201): [
        Link("GetText", "GET", "/messages/{message_id}", {"message_id": BODY_ID})
    ],
    ("GET", f"{RESIDENT}/messages", 200): [
        Link("GetText", "GET", "/messages/{message_id}", {"message_id": FIRST_ITEM})
    ],
    ("POST", f"{RESIDENT}/evidence-requests", 201): [
        Link(
            "GetEvidenceRequest", "GET", "/evidence-requests/{request_id}", {"request_id": BODY_ID}
        ),
        *_evidence_links(""),
    ],
    ("GET", "/evidence-requests/{request_id}", 200): _evidence_links(""),
    ("POST", f"{RESIDENT}/plans", 201): _plan_links(""),
    ("GET", f"{RESIDENT}/plans", 200): [Link("GetPlan", "GET", PLAN, {"plan_id": FIRST_ITEM})],
    ("GET", PLAN, 200): _plan_links(""),
    ("PATCH", PLAN, 200): _plan_links(""),
    ("GET", f"{PLAN}/actions", 200): [_action_link("/items/0")],
    ("POST", f"{PLAN}/actions", 201): [_action_link("")],
    ("PATCH", ACTION, 200): [_action_link("")],
    ("POST", "/digital-friends", 201): [
        Link("GetDigitalFriend", "GET", "/digital-friends/{friend_id}", {"friend_id": BODY_ID})
    ],
    ("GET", "/digital-friends", 200): [
        Link("GetDigitalFriend", "GET", "/digital-friends/{friend_id}", {"friend_id": FIRST_ITEM})
    ],
    ("POST", "/help-requests", 201): _help_request_links(BODY_ID),
    ("GET", "/help-requests", 200): _help_request_links(FIRST_ITEM),
}


def add_links(schema: dict, *, prefix: str) -> None:
    """Write LINKS into an OpenAPI schema whose paths start with `prefix` ('/api/v1')."""
    paths = schema["paths"]
    for (method, path, status), links in LINKS.items():
        responses = paths[prefix + path][method.lower()]["responses"]
        # ninja keys responses by number until the schema is written out as JSON.
        response = responses[status] if status in responses else responses[str(status)]
        found = response.setdefault("links", {})
        for link in links:
            target = paths[prefix + link.path][link.method.lower()]
            found[link.name] = {
                "operationId": target["operationId"],
                "parameters": dict(link.parameters),
                **({"requestBody": dict(link.body)} if link.body else {}),
                "description": f"{link.method} {link.path}",
            }
