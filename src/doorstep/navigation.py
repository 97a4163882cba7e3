"""The staff header's links, and the Admin page that holds the ones used less often.

Like urls.py, this module sits above the apps and names their pages (by URL name); it imports
none of them. Each link shows only to staff whose permissions open the page it leads to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    url_name: str
    permission: str
    description: str = ""
    # Highlighted in the header on every page whose path starts with this.
    section: str = ""
    also_needs: Callable | None = None

    def allowed(self, user) -> bool:
        return user.has_perm(self.permission) and (self.also_needs is None or self.also_needs(user))


# In the order they show. Every role's links fit on one line of the header at 1,280 px.
HEADER = [
    Link("residents", "Residents", "residents:search", "residents.view_resident", section="/residents/"),
    Link("my_work", "My work", "cases:my_work", "cases.view_case", section="/cases/my-work/"),
    Link("texts", "Texts", "messaging:inbox", "messaging.view_message", section="/messages/"),
    Link("documents", "Documents", "evidence:review_queue", "evidence.review_document", section="/evidence/review/"),
    Link("team_work", "Team work", "cases:team_work", "cases.view_team_work", section="/cases/team/"),
    Link("friends", "Digital Friends", "inclusion:coordinate", "inclusion.coordinate", section="/inclusion/coordinate/"),
    Link("learners", "Your learners", "inclusion:my_learners", "inclusion.log_session", section="/inclusion/my-learners/"),
    Link("figures", "Figures", "reporting:dashboard", "reporting.view_dashboard", section="/reporting/"),
]  # fmt: skip


def _can_use_django_admin(user) -> bool:
    return user.is_staff


ADMIN = [
    Link("import", "Import residents", "residents:import", "residents.import_residents",
         "Add or update residents from another system's spreadsheet."),
    Link("duplicates", "Possible duplicates", "residents:duplicates", "residents.merge_resident",
         "Records that may be the same person: compare them and merge."),
    Link("text_templates", "Text templates", "messaging:templates", "messaging.manage_templates",
         "The texts officers start from."),
    Link("document_types", "Document types", "evidence:catalogue", "evidence.manage_document_types",
         "What residents can be asked to send, who reviews it and how long it is kept."),
    Link("plan_templates", "Plan templates", "plans:templates", "plans.manage_templates",
         "The goals and actions a new shared plan starts from."),
    Link("directory", "Support services directory", "vulnerability:directory_import",
         "vulnerability.import_directory", "Load the directory of services officers refer to."),
    Link("lettings", "Lettings and register figures", "housing:uploads", "housing.manage_lettings",
         "Uploads behind the waiting-time estimates."),
    Link("costs", "Costs", "reporting:costs", "reporting.manage_costs",
         "The costs behind the cost per transaction figure."),
    Link("api_tokens", "API tokens", "api_tokens", "api.manage_api_tokens",
         "Access for other systems that read or send data."),
    Link("audit", "Audit log", "audit_log", "core.view_auditevent",
         "Who saw or changed what, and when."),
    Link("django_admin", "Staff, teams and case types", "admin:index", "core.view_staff",
         "Accounts, roles, teams and the other settings kept in the Django admin.",
         also_needs=_can_use_django_admin),
]  # fmt: skip


def admin_links(user) -> list[Link]:
    return [link for link in ADMIN if link.allowed(user)]


def staff_navigation(request) -> dict:
    """Context processor: the header's links for the signed-in member of staff, the one for the
    section the page is in marked current (an admin page counts as Admin, not its app's link)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    in_admin = path == reverse("admin_pages") or any(
        path.startswith(reverse(link.url_name)) for link in ADMIN
    )
    items = [
        {
            "key": link.key,
            "label": link.label,
            "href": reverse(link.url_name),
            "current": not in_admin and path.startswith(link.section),
        }
        for link in HEADER
        if link.allowed(user)
    ]
    if admin_links(user):
        items.append(
            {"key": "admin", "label": "Admin", "href": reverse("admin_pages"), "current": in_admin}
        )
    return {"staff_navigation": items}


def admin_pages(request):
    """The Admin page: the less used pages, for those whose permissions open any of them."""
    links = admin_links(request.user)
    if not links:
        raise PermissionDenied
    return render(
        request,
        "admin_pages.html",
        {"links": [(link, reverse(link.url_name)) for link in links]},
    )
