"""Every URL pattern × every kind of visitor gets the answer we expect.

The table below must name every URL pattern in the project: a new page that is not added here
fails `test_every_url_is_in_the_matrix`, so nobody ships a page without deciding who may see it.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from doorstep.api.models import ApiToken
from doorstep.core import roles
from doorstep.housing.models import Upload as HousingUpload
from doorstep.messaging.models import Cohort, Message, Template
from doorstep.residents.models import DuplicateCandidate, ImportJob
from doorstep.vulnerability import services as vulnerability_services

from ..factories import CaseFactory, ResidentFactory, StaffFactory, TaskFactory
from .resident_browser import get

ANONYMOUS = "anonymous"
VISITORS = [ANONYMOUS, roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR, roles.DIGITAL_FRIEND]
STAFF = [roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR]
LEADERS = [roles.TEAM_LEADER, roles.ADMINISTRATOR]
ADMINS = [roles.ADMINISTRATOR]
EVERYONE_SIGNED_IN = [*STAFF, roles.DIGITAL_FRIEND]

# url name: (who may use it, the status those visitors get on GET, the objects its URL needs)
# "public" pages answer everyone; for the rest anonymous visitors are sent to sign in and
# signed-in visitors without permission get 403. POST-only pages answer a GET with 405.
# A pair of statuses is (for anonymous visitors, for signed-in ones).
MATRIX = {
    "home": (EVERYONE_SIGNED_IN, 302, None),
    "healthz": ("public", 200, None),
    "account_home": (EVERYONE_SIGNED_IN, 200, None),
    "login": ("public", (200, 302), None),  # signed-in visitors go straight on
    "logout": (EVERYONE_SIGNED_IN, 405, None),
    "two_factor": (EVERYONE_SIGNED_IN, 200, None),
    "password_reset": ("public", 200, None),
    "password_reset_done": ("public", 200, None),
    "password_reset_confirm": ("public", 200, "reset"),
    "password_reset_complete": ("public", 200, None),
    "audit_log": (ADMINS, 200, None),
    "admin_pages": (ADMINS, 200, None),
    "residents:search": (STAFF, 200, None),
    "residents:create": (STAFF, 200, None),
    "residents:detail": (STAFF, 200, "resident"),
    "residents:edit": (STAFF, 200, "resident"),
    "residents:add_note": (STAFF, 200, "resident"),
    "residents:add_flag": (STAFF, 200, "resident"),
    "residents:add_household_member": (STAFF, 200, "resident"),
    "residents:remove_household_member": (STAFF, 405, "member"),
    "residents:import": (ADMINS, 200, None),
    "residents:import_detail": (ADMINS, 200, "import_job"),
    "residents:import_report": (ADMINS, 200, "import_job"),
    "residents:duplicates": (ADMINS, 200, None),
    "residents:duplicate_review": (ADMINS, 200, "duplicate"),
    "cases:my_work": (STAFF, 200, None),
    "cases:done_tasks": (STAFF, 200, None),
    "cases:team_work": (LEADERS, 200, None),
    "cases:open": (STAFF, 200, "resident_pk"),
    "cases:detail": (STAFF, 200, "case"),
    "cases:reassign": (LEADERS, 405, "case"),
    "cases:add_task": (STAFF, 405, "case"),
    "cases:change_status": (STAFF, 405, "case"),
    "cases:add_note": (STAFF, 405, "case"),
    "cases:complete_task": (STAFF, 405, "task"),
    "cases:reopen_task": (STAFF, 405, "task"),
    "api_tokens": (ADMINS, 200, None),
    "api_token_new": (ADMINS, 200, None),
    "api_token_revoke": (ADMINS, 200, "token"),
    "messaging:templates": (ADMINS, 200, None),
    "messaging:template_new": (ADMINS, 200, None),
    "messaging:template_edit": (ADMINS, 200, "template"),
    "messaging:template_deactivate": (ADMINS, 405, "template"),
    "messaging:template_activate": (ADMINS, 405, "template"),
    "messaging:preview": (STAFF, 405, None),
    "messaging:conversation": (STAFF, 200, "resident"),
    "messaging:send": (STAFF, 200, "resident"),
    "messaging:opt_out": (STAFF, 200, "resident"),
    "messaging:opt_in": (STAFF, 200, "resident"),
    "messaging:mark_handled": (STAFF, 405, "unmatched_text"),
    "messaging:simulator": (STAFF, 200, None),
    "messaging:simulator_phone": (STAFF, 200, "phone_number"),
    "messaging:inbox": (STAFF, 200, None),
    "messaging:triage": (STAFF, 200, None),
    "messaging:triage_link": (STAFF, 200, "unmatched_text"),
    "messaging:cohorts": (LEADERS, 200, None),
    "messaging:cohort_new": (LEADERS, 200, None),
    "messaging:cohort": (LEADERS, 200, "cohort"),
    "housing:estimate": ("public", 200, None),
    "housing:lookup": ("public", 200, None),
    "housing:estimates": (STAFF, 200, None),
    "housing:uploads": (ADMINS, 200, None),
    "housing:upload_lettings": (ADMINS, 200, None),
    "housing:upload_applications": (ADMINS, 200, None),
    "housing:upload_makeup": (ADMINS, 200, None),
    "housing:upload_detail": (ADMINS, 200, "housing_upload"),
    "housing:upload_report": (ADMINS, 200, "housing_upload"),
    "callbacks:notify_delivery": ("public", 405, None),
    "callbacks:notify_received": ("public", 405, None),
    "callbacks:twilio_status": ("public", 405, None),
    "callbacks:twilio_inbound": ("public", 405, None),
    "vulnerability:assess": (STAFF, 200, "resident_pk"),
    "vulnerability:history": (STAFF, 200, "resident_pk"),
    "vulnerability:assessment": (STAFF, 200, "assessment"),
    "vulnerability:refer": (STAFF, 200, "assessment"),
    "vulnerability:directory": (STAFF, 200, None),
    "vulnerability:directory_import": (ADMINS, 200, None),
}

# Newer capabilities keep their rows beside their own tests, in tests/<app>/matrix.py: a MATRIX in
# the same form and an `objects(...)` function giving the URL arguments its rows name.
APP_MATRICES = [
    importlib.import_module(f"tests.{app}.matrix")
    for app in ("evidence", "plans", "reporting", "inclusion")
]
for _app in APP_MATRICES:
    assert not set(_app.MATRIX) & set(MATRIX), f"{_app.__name__} repeats a URL name"
    MATRIX.update(_app.MATRIX)


def _url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin" or str(pattern.pattern).startswith("api/"):
                continue  # Django's admin has its own sign-in; the API has its own test suite
            prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    assert sorted(set(_url_names())) == sorted(MATRIX)


@pytest.fixture
def objects(db, team):
    resident = ResidentFactory()
    other = ResidentFactory()
    case = CaseFactory(resident=resident, team=team)
    administrator = StaffFactory(roles=[roles.ADMINISTRATOR])
    job = ImportJob.objects.create(source="Academy", file="imports/x.csv", status="done")
    pair = DuplicateCandidate.objects.create(
        resident_a=min(resident, other, key=lambda r: r.pk),
        resident_b=max(resident, other, key=lambda r: r.pk),
        reason="name_dob",
    )
    token = ApiToken.objects.create(
        name="Housing system", token_hash="0" * 64, prefix="dst_0000", created_by=administrator
    )
    found = {
        "resident": {"pk": resident.pk},
        "resident_pk": {"resident_pk": resident.pk},
        "member": {"pk": resident.pk, "member_pk": other.pk},
        "case": {"pk": case.pk},
        "task": {"pk": TaskFactory(case=case).pk},
        "import_job": {"pk": job.pk},
        "duplicate": {"pk": pair.pk},
        "token": {"pk": token.pk},
        "reset": {"uidb64": "MQ", "token": "set-password"},
        "unmatched_text": {
            "pk": Message.objects.create(
                direction="inbound", kind="reply", status="received", number="+447700900555"
            ).pk
        },
        "cohort": {"pk": Cohort.objects.create(name="Reminder", body="Hello").pk},
        "template": {"pk": Template.objects.create(name="Reminder", body="Hello").pk},
        "phone_number": {"number": "+447700900982"},
        "housing_upload": {
            "pk": HousingUpload.objects.create(kind="lettings", status="rejected").pk
        },
        "assessment": {
            "pk": vulnerability_services.record_assessment(
                actor=administrator, resident=resident, indicators=["rent_arrears"]
            ).pk
        },
    }
    for app in APP_MATRICES:
        found.update(
            app.objects(
                resident=resident, other=other, case=case, team=team, administrator=administrator
            )
        )
    return found


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_who_may_open_each_page(client, settings, objects, team, name, visitor):
    settings.OTP_REQUIRED_ROLES = []
    allowed, status, needs = MATRIX[name]
    url = reverse(name, kwargs=objects[needs] if needs else None)
    if visitor != ANONYMOUS:
        client.force_login(StaffFactory(roles=[visitor], teams=[team]))
    response = get(client, url)  # a resident link's first visit is followed to its page
    if isinstance(status, tuple):
        status = status[0] if visitor == ANONYMOUS else status[1]
    if allowed == "public" or visitor in allowed:
        assert response.status_code == status, f"{visitor} on {url}"
    elif visitor == ANONYMOUS:
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    else:
        assert response.status_code == 403, f"{visitor} on {url}"
