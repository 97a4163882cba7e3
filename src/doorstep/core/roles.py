"""Roles are Django groups; this module is the one place that says what each may do.

`sync_roles()` (run by `manage.py setup_roles` and after migrations) makes the groups match
this table, so a permission added here reaches every installation.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

OFFICER = "Officer"
TEAM_LEADER = "Team leader"
ADMINISTRATOR = "Administrator"
DIGITAL_FRIEND = "Digital Friend"
ALL_ROLES = [OFFICER, TEAM_LEADER, ADMINISTRATOR, DIGITAL_FRIEND]

_OFFICER_PERMISSIONS = [
    "residents.view_resident",
    "residents.add_resident",
    "residents.change_resident",
    "residents.add_note",
    "cases.view_case",
    "cases.add_case",
    "cases.change_case",
    "cases.add_task",
    "cases.change_task",
    "cases.add_casenote",
    # Understanding vulnerability: details are further limited to linked staff (queries.py).
    "vulnerability.view_assessment",
    "vulnerability.add_assessment",
    "vulnerability.add_referral",
    "vulnerability.view_supportservice",
    # Waiting-time estimates for every band and size (the public page shows the same).
    "housing.view_estimate",
    # Texts: send to one resident, read conversations, opt numbers out and in on request.
    "messaging.send_message",
    "messaging.view_message",
    # Management information: an officer sees their own team's figures (reporting/views).
    "reporting.view_dashboard",
    # Shared plans: make, change and share plans with residents.
    "plans.view_plan",
    "plans.add_plan",
    "plans.change_plan",
    # Documents: ask residents for them; review those routed to them or their teams.
    "evidence.request_evidence",
    "evidence.review_document",
    # Digital inclusion: skills checks, contact and access needs, referrals to Digital Friends.
    "inclusion.view_skillscheck",
    "inclusion.add_skillscheck",
    "inclusion.change_accessneeds",
    "inclusion.add_helprequest",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OFFICER: _OFFICER_PERMISSIONS,
    TEAM_LEADER: [
        *_OFFICER_PERMISSIONS,
        "cases.reassign_work",
        "cases.view_team_work",
        # Group texts reach many residents at once, so only leaders and administrators send them.
        "messaging.send_cohort",
        # Management information for every team, not only their own.
        "reporting.view_all_teams",
        # Approving Digital Friends, matching them to requests, events and impact figures.
        "inclusion.coordinate",
    ],
    ADMINISTRATOR: [
        *_OFFICER_PERMISSIONS,
        "cases.reassign_work",
        "cases.view_team_work",
        "messaging.send_cohort",
        "residents.import_residents",
        "residents.merge_resident",
        "core.view_auditevent",
        "core.manage_staff",
        "api.manage_api_tokens",
        # The Django admin, where Administrators keep staff, teams, roles and case types.
        "core.view_staff",
        "core.add_staff",
        "core.change_staff",
        "core.view_team",
        "core.add_team",
        "core.change_team",
        "auth.view_group",
        "cases.view_casetype",
        "cases.add_casetype",
        "cases.change_casetype",
        # The support-services directory, in the Django admin and by CSV import.
        "vulnerability.add_supportservice",
        "vulnerability.change_supportservice",
        "vulnerability.delete_supportservice",
        "vulnerability.import_directory",
        # Lettings and register uploads; bands in the Django admin.
        "housing.manage_lettings",
        "housing.view_band",
        "housing.add_band",
        "housing.change_band",
        # Text templates, on their own pages and in the Django admin.
        "messaging.manage_templates",
        "messaging.view_template",
        "messaging.add_template",
        "messaging.change_template",
        # Management information for every team, and the costs behind cost per transaction.
        "reporting.view_all_teams",
        "reporting.manage_costs",
        # Plan templates, on their own pages.
        "plans.manage_templates",
        # Documents: the catalogue of types (own pages and the Django admin), and every
        # document, to cover absences and settle disputes.
        "evidence.manage_document_types",
        "evidence.view_documenttype",
        "evidence.add_documenttype",
        "evidence.change_documenttype",
        "evidence.review_any_document",
        # Approving Digital Friends, matching them to requests, events and impact figures.
        "inclusion.coordinate",
    ],
    # Volunteers see no resident records unless a record is shared with them by another feature.
    # Their own matches only (name, contact and the request) and the sessions they log.
    DIGITAL_FRIEND: ["inclusion.log_session"],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def sync_roles() -> None:
    # Permissions are created app by app after migrate; make sure all exist before linking.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(name) for name in dotted_names])


def has_role(user, *roles: str) -> bool:
    return user.is_authenticated and user.groups.filter(name__in=roles).exists()
