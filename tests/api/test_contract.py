"""The API keeps the promises its OpenAPI schema makes, checked by Schemathesis with every check.

Requests go straight to the WSGI application inside the test's transaction, with a real token
that holds every scope, so they find the records seeded here and the ones earlier requests
made. One test per operation runs the examples, coverage and fuzzing phases; the stateful
test follows the schema's links (a new resident, then its plan, then the plan's actions).
Generation is derandomised and bounded: a failure reproduces, and the whole run stays short.
"""

import datetime

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from doorstep.api.auth import DISPLAY_PREFIX_LENGTH, ApiActor, generate_token
from doorstep.api.models import ApiToken, Scope
from doorstep.core.tokens import hash_token
from doorstep.evidence import services as evidence
from doorstep.evidence.models import DocumentType
from doorstep.inclusion import services as inclusion
from doorstep.inclusion import skills
from doorstep.messaging import services as messaging
from doorstep.plans import services as plans
from doorstep.plans.models import PlanTemplate
from doorstep.vulnerability.indicators import INDICATORS

from ..factories import PhoneFactory, ResidentFactory, TeamFactory

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/v1/openapi.json"
MAX_EXAMPLES = 10
STATEFUL_STEPS = 10
STATEFUL_EXAMPLES = 30
SEED = 20261203
# Made once, so the schema loaded at collection can send it; stored by the `token` fixture.
TOKEN = generate_token()

# Operations whose rules go beyond what a JSON schema can say, so a request the schema allows
# may still get 422 with a message saying what to fix. Everywhere else 422 for a request the
# schema allows fails the test.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/residents": "real phone numbers, postcodes, NI numbers and e-mail addresses; "
    "an NI number no other resident has",
    "PATCH /api/v1/residents/{resident_id}": "the same rules as creating a resident",
    "POST /api/v1/residents/{resident_id}/assessments": "indicator slugs and life areas from "
    "the catalogue; a real phone number for the other service",
    "POST /api/v1/residents/{resident_id}/messages": "a body or a template in use, not both; "
    "a resident who agreed to texts and has a mobile",
    "POST /api/v1/residents/{resident_id}/evidence-requests": "document types, reviewers, "
    "teams and a case that exist; a due date that has not passed",
    "GET /api/v1/documents/{document_id}/content": "file_id when the document has several files",
    "POST /api/v1/residents/{resident_id}/plans": "a title unless a template is given; a "
    "template and a case that exist",
    "PATCH /api/v1/plans/{plan_id}": "a title that is not blank",
    "POST /api/v1/plans/{plan_id}/actions": "one of the plan's goals; an officer who exists; a "
    "due date that has not passed",
    "PATCH /api/v1/plans/{plan_id}/actions/{action_id}": "the same rules as adding an action",
    "POST /api/v1/digital-friends": "a real e-mail address; topics, places and times from "
    "the lists in docs/inclusion.md, at least one of each",
    "POST /api/v1/help-requests": "the same lists as a Digital Friend; a way to contact them",
    "POST /api/v1/sessions": "confidence from 1 to 5 and topics from the list",
    "POST /api/v1/residents/{resident_id}/skills-checks": "the routing answers the level "
    "rule needs (docs/inclusion.md)",
    "GET /api/v1/inclusion/impact": "an end on or after the start (by default the first of "
    "this month); a postcode area of one or two letters",
    "GET /api/v1/housing/estimates": "a band that is in the lettings data",
}
# Schemathesis's own list of answers to a request the schema allows, and 422.
ACCEPTED_WITH_RULES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

# Realistic values, offered now and then in place of made-up text, so that requests pass the
# rules the schema cannot state often enough to create records for the links to follow.
DICTIONARIES = {
    "names": ["Ada", "Grace", "Mary", "Lovelace", "Hopper", "Seacole"],
    "postcodes": ["E8 1DY", "N16 0AA", "SW1A 1AA", "e5 8bb"],
    "phones": ["07700 900982", "+44 7700 900123", "01632 960001"],
    "ni_numbers": ["AB123456C", "ab 12 34 57 c", "JG103759A"],
    "emails": ["ada@example.com", "grace.hopper@example.org"],
    "topics": list(skills.TOPICS),
    "places": list(skills.PLACES),
    "slots": ["mon_am", "wed_pm", "sat_eve"],
    "friend_kinds": ["staff", "community"],
    "connections": ["home", "mobile", "none"],
    "titles": ["Your housing plan", "Getting online"],
    "descriptions": ["Send us a copy of the notice", "Call the landlord"],
    "owner_kinds": ["resident", "partner"],
    "texts": ["Your appointment is on Monday at 10am", "Hello ((first name))"],
    "coming_days": [
        (timezone.localdate() + datetime.timedelta(days=n)).isoformat() for n in (7, 30)
    ],
    "languages": ["English", "Somali", "Turkish"],
    "goals": ["Use email to keep in touch with family", "Apply for jobs online"],
    "small_numbers": [1, 2, 3, 4],
    "minutes": [30, 45, 60],
    # A new plan or action is at version 1; the links carry later ones.
    "versions": [1, 2],
    "indicators": list(INDICATORS)[:6],
    # Document types and plan templates the migrations load (checked by `seeded`).
    "catalogue_ids": [1, 2],
}
OFTEN = 0.9
PARAMETERS = {
    "query.q": "names",
    "body.first_name": "names",
    "body.last_name": "names",
    "body.full_name": "names",
    "body.name": "names",
    "body.postcode": "postcodes",
    "body.phones[*]": "phones",
    "body.phone": "phones",
    "body.national_insurance_number": "ni_numbers",
    "body.email": "emails",
    "body.topics[*]": "topics",
    "body.places[*]": "places",
    "body.availability[*]": "slots",
    "body.kind": "friend_kinds",
    "body.connection": "connections",
    "body.title": "titles",
    "body.description": "descriptions",
    "body.owner_kind": "owner_kinds",
    "body.body": "texts",
    "body.due_date": "coming_days",
    "body.documents[*].document_type_id": "catalogue_ids",
    "body.template_id": "catalogue_ids",
    "body.languages[*]": "languages",
    "body.language": "languages",
    "body.goal": "goals",
    "body.capacity": "small_numbers",
    "body.confidence": "small_numbers",
    "body.confidence_before": "small_numbers",
    "body.confidence_after": "small_numbers",
    "body.minutes": "minutes",
    "body.available_from": "coming_days",
    "body.held_on": "coming_days",
    "body.indicators[*]": "indicators",
    "body.version": "versions",
}


def contract_config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {TOKEN}"},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "checks": {"enabled": True},
            "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
            "parameters": {
                key: {"dictionary": name, "probability": OFTEN} for key, name in PARAMETERS.items()
            },
            # Chains of calls spend their budget on requests the schema allows, to reach the
            # records behind the links; the per-operation test sends the invalid ones.
            "phases": {
                "stateful": {"max-steps": STATEFUL_STEPS, "generation": {"mode": "positive"}}
            },
            "operations": [
                {
                    "include-name": name,
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ACCEPTED_WITH_RULES}
                    },
                }
                for name in RULES_BEYOND_THE_SCHEMA
            ],
        }
    )


# Loaded once, when the tests are collected: reading the schema needs no database.
schema = schemathesis.openapi.from_wsgi(
    SCHEMA_PATH, get_wsgi_application(), config=contract_config()
)


# The ids of the records `seeded` made, by path parameter; offered in place of made-up ids.
SEEDED: dict[str, list[int]] = {}


def _seeded_ids(path: str, name: str) -> list[int]:
    if name == "request_id":
        name = "help_request_id" if path.startswith("/api/v1/help-requests") else name
    return SEEDED.get(name, [])


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Now and then name a record that exists, so reads and writes reach the logic behind the
    404. Only whole numbers are swapped: a made-up value in a negative case stays made up."""
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path if context.operation else ""
    real = {
        name: ids
        for name, value in path_parameters.items()
        if isinstance(value, int) and not isinstance(value, bool)
        for ids in [_seeded_ids(path, name)]
        if ids
    }
    if not real:
        return st.just(path_parameters)
    swapped = st.fixed_dictionaries({name: st.sampled_from(ids) for name, ids in real.items()})
    return st.one_of(st.just(path_parameters), swapped.map(lambda ids: {**path_parameters, **ids}))


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """Keep the database connection open between requests, as Django's test client does:
    closing it after a request (PostgreSQL) would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    return ApiToken.objects.create(
        name="Contract tests",
        token_hash=hash_token(TOKEN),
        prefix=TOKEN[:DISPLAY_PREFIX_LENGTH],
        scopes=list(Scope.values),
    )


@pytest.fixture
def seeded(token):
    """A few residents for searches and reads to find, and one of each record a path names: a
    plan with actions, a request for documents, a help request and a text."""
    residents = [
        ResidentFactory(first_name="Ada", last_name="Lovelace", consents_to_text=True),
        ResidentFactory(first_name="Grace", last_name="Hopper"),
        ResidentFactory(first_name="Mary", last_name="Seacole"),
    ]
    PhoneFactory(resident=residents[0], number="+447700900982", is_mobile=True, is_primary=True)
    catalogue = DICTIONARIES["catalogue_ids"]
    assert DocumentType.objects.filter(pk__in=catalogue).count() == len(catalogue)
    assert PlanTemplate.objects.filter(pk__in=catalogue).count() == len(catalogue)
    actor = ApiActor(token)
    plan = plans.create_plan(
        actor=actor,
        resident=residents[0],
        title="",
        summary="Your landlord has given you notice.",
        case=None,
        template=PlanTemplate.objects.order_by("pk").first(),
    )
    asked = evidence.create_request(
        actor=actor,
        resident=residents[0],
        documents=[
            {
                "document_type": DocumentType.objects.get(pk=catalogue[0]),
                "note": "",
                "reviewer": None,
                "reviewer_team": TeamFactory(),
            }
        ],
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    ).evidence_request
    help_request = inclusion.make_help_request(
        actor=actor,
        source="officer",
        resident=residents[1],
        name="Grace Hopper",
        goal="Use email to keep in touch with family",
        topics=[list(skills.TOPICS)[1]],
        places=[list(skills.PLACES)[0]],
        availability=["mon_am"],
    )
    text = messaging.send_message(resident=residents[0], actor=actor, body="Hello")
    SEEDED.clear()
    SEEDED.update(
        resident_id=[resident.pk for resident in residents],
        plan_id=[plan.pk],
        action_id=list(plan.actions.values_list("pk", flat=True)),
        request_id=[asked.pk],
        document_id=list(asked.items.values_list("pk", flat=True)),
        help_request_id=[help_request.pk],
        message_id=[text.pk],
    )
    yield residents
    SEEDED.clear()


@schema.parametrize()
# Records made by one example stay for the next on purpose: later requests find them.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_each_operation_keeps_its_contract(case, seeded):
    case.call_and_validate()


class LinkedCalls(schema.as_state_machine()):
    """Each scenario starts from the seeded records alone, and a link with nothing to follow
    is not taken for a request the schema allows."""

    def setup(self):
        # Hypothesis replays a failing scenario to shrink it, and must see the same answers
        # each time: records and rate-limit counts an earlier scenario left would change them.
        cache.clear()
        self._scenario = transaction.atomic()
        self._scenario.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._scenario.__exit__(None, None, None)

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        # Links Schemathesis infers read every item of a list (`/items/*/resident_id`) and may
        # pick one whose value is null, sending `/residents/None/...`: a request the schema
        # does not allow, so only a server error counts against it.
        if None in (case.path_parameters or {}).values():
            case.validate_response(
                response,
                checks=[not_a_server_error],
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )
            return
        super().validate_response(response, case, additional_checks, **kwargs)


def test_linked_operations_keep_their_contract(seeded):
    LinkedCalls.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            stateful_step_count=STATEFUL_STEPS,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
