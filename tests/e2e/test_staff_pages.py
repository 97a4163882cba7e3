"""Every kind of staff page, for each role, checked at 375 and 1,280 px.

Each role signs in to a council loaded with the demo data and opens every page its header
links to, every page on the Admin page, and the pages a resident's Single View links to, and
the pages those link to: one page of each kind (URL pattern). The page fixture runs axe-core and
the check for sideways scrolling on each page as it loads, at both widths (conftest.PageChecks);
this module makes sure every kind of staff page is loaded. A link a role is shown must open.
"""

import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from doorstep.core import roles
from doorstep.core.models import Staff
from doorstep.demo import services as demo
from doorstep.messaging import services as messaging
from doorstep.messaging.models import Cohort
from doorstep.residents.models import Resident
from doorstep.residents.services import add_note

from .conftest import PHONE_WIDTH, assert_accessible, assert_no_horizontal_scrolling

pytestmark = pytest.mark.e2e

# A web address with nowhere to break a line: texts and notes hold such things.
LONG_LINK = (
    "https://www.examplecouncil.gov.uk/forms/HousingRegisterApplication2026"
    "?reference=HR000013ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)
# Not pages: files, exports, another site's admin, the API.
NOT_PAGES = re.compile(r"\.(csv|json)$|/files/|^/django-admin/|^/api/|/download")
# How far to follow links from each starting page.
HEADER_DEPTH, ADMIN_DEPTH, SINGLE_VIEW_DEPTH = 1, 1, 2
# Kinds of page opened for a role tested before: the next role opens its own header's pages
# and the Single View again (what they show depends on the role), and only new kinds beyond.
_CHECKED_FOR_AN_EARLIER_ROLE: set[str] = set()


@pytest.fixture(autouse=True)
def _texting_any_time_and_one_factor(settings):
    settings.OTP_REQUIRED_ROLES = []
    settings.SMS_PROVIDER = "outbox"
    settings.SMS_QUIET_HOURS = ""
    settings.SMS_INBOX_HOURS = ""
    settings.SMS_OUTBOX_DELIVERY_SECONDS = 0


@pytest.fixture
def demo_council(migration_data):
    """The demo data: an account for each role, 20 residents and all that goes with them."""
    call_command("seed_demo", residents=20, seed=4, stdout=io.StringIO())


@pytest.fixture
def demo_accounts(migration_data):
    call_command("seed_demo", residents=0, stdout=io.StringIO())


def _busiest_resident() -> Resident:
    """The resident with the most on their Single View, with long links in their texts and notes."""
    resident = (
        Resident.objects.filter(plans__isnull=False, messages__isnull=False)
        .annotate(texts=Count("messages", distinct=True))
        .order_by("-texts", "pk")
        .first()
    )
    officer = Staff.objects.get(email=demo.DEMO_ACCOUNTS[0].email)
    add_note(actor=officer, resident=resident, body=f"Sent them the form: {LONG_LINK}")
    messaging.send_message(resident=resident, actor=officer, body=f"The form: {LONG_LINK}")
    phone = resident.phones.filter(is_mobile=True).first()
    messaging.reply_as_resident(number=phone.number, body=f"It says not found {LONG_LINK}")
    return resident


def _sign_in(page, role: str) -> None:
    account = next(account for account in demo.DEMO_ACCOUNTS if account.role == role)
    page.goto("/account/sign-in/")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Menu")).to_be_visible()


def _kind(href: str) -> str | None:
    """One key per kind of page (URL pattern, and which query parameters it has), or None for
    a link that is not to one of this site's pages."""
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https") or NOT_PAGES.search(parts.path):
        return None
    if parts.netloc and not parts.netloc.startswith(("localhost", "127.0.0.1")):
        return None
    try:
        route = resolve(parts.path).route
    except Resolver404:
        return None
    return route + "?" + "&".join(sorted(key for key, _ in parse_qsl(parts.query)))


def _links(page, scope: str) -> list[str]:
    return page.locator(f"{scope} a[href]").evaluate_all(
        "links => links.map(link => link.href).filter(href => !href.includes('#'))"
    )


def _visit(page, starts: list[str], depth: int, seen: set[str]) -> list[str]:
    """Open each starting page and, to the depth given, the pages it links to: one of each kind
    (beyond the starting pages, which are opened anyway)."""
    opened = []
    queue = [(href, depth, True) for href in starts]
    while queue:
        href, depth, start = queue.pop(0)
        kind = _kind(href)
        if kind is None or (kind in seen and not start):
            continue
        seen.add(kind)
        response = page.goto(href)
        assert response.status == 200, f"{href} answered {response.status}"
        opened.append(urlsplit(page.url).path)
        if depth:
            queue += [(link, depth - 1, False) for link in _links(page, "main")]
    return opened


@pytest.mark.parametrize(
    "role", [roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR, roles.DIGITAL_FRIEND]
)
def test_every_page_a_role_can_reach_is_accessible_and_fits_a_phone(page, demo_council, role):
    resident = _busiest_resident()
    _sign_in(page, role)
    header = _links(page, "nav[aria-label=Menu]")
    seen = set(_CHECKED_FOR_AN_EARLIER_ROLE)
    opened = []
    if role != roles.DIGITAL_FRIEND:
        opened += _visit(page, [f"/residents/{resident.pk}/"], SINGLE_VIEW_DEPTH, seen)
    opened += _visit(page, header, HEADER_DEPTH, seen)
    if admin := [href for href in header if urlsplit(href).path == "/admin/"]:
        page.goto(admin[0])
        opened += _visit(page, _links(page, "main"), ADMIN_DEPTH, seen)
    # Every kind of page the brief names was opened, for this role or one before it.
    expected = ["/account/"]
    if role != roles.DIGITAL_FRIEND:
        expected += [
            "/residents/1/", "/cases/my-work/", "/cases/1/", "/messages/inbox/",
            "/messages/residents/1/", "/messages/residents/1/send/", "/evidence/residents/1/ask/",
            "/evidence/review/", "/evidence/review/overdue/", "/evidence/review/documents/1/",
            "/plans/1/", "/plans/1/edit/", "/vulnerability/assessments/1/",
            "/vulnerability/residents/1/assess/", "/inclusion/residents/1/skills-check/",
            "/housing/my-position/", "/reporting/",
        ]  # fmt: skip
    if role == roles.TEAM_LEADER:
        expected += ["/cases/team/", "/messages/groups/", "/inclusion/coordinate/"]
    if role == roles.ADMINISTRATOR:
        expected += [
            "/admin/", "/audit/", "/residents/import/", "/residents/duplicates/",
            "/messages/templates/", "/evidence/document-types/", "/plans/templates/",
            "/housing/uploads/", "/integrations/",
        ]  # fmt: skip
    if role == roles.DIGITAL_FRIEND:
        expected += ["/inclusion/my-learners/", "/inclusion/my-learners/1/"]
    routes = {kind.partition("?")[0] for kind in seen}
    missing = [path for path in expected if _kind(path).partition("?")[0] not in routes]
    assert not missing, f"Not opened: {missing}; opened:\n" + "\n".join(opened)
    _CHECKED_FOR_AN_EARLIER_ROLE.update(seen)
    page.problems.assert_none()


@pytest.mark.parametrize(
    "role", [roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR, roles.DIGITAL_FRIEND]
)
def test_the_header_is_one_line_of_links_on_a_laptop_and_a_menu_on_a_phone(
    page, demo_accounts, role
):
    _sign_in(page, role)
    service = page.locator(".govuk-service-navigation")
    items = service.locator(".govuk-service-navigation__item")
    tops = {round(box["y"]) for box in (item.bounding_box() for item in items.all())}
    assert len(tops) == 1, f"The header's links wrap onto {len(tops)} lines"
    name_top = round(service.locator(".govuk-service-navigation__service-name").bounding_box()["y"])
    assert len(tops | {name_top}) <= 2, "The service name and links take more than 2 lines"

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(items.first).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for item in items.all():
        expect(item.get_by_role("link")).to_be_visible()
    assert_no_horizontal_scrolling(page, PHONE_WIDTH)
    assert_accessible(page)
    page.problems.assert_none()


def test_a_group_texts_progress_updates_without_reloading_the_page(page, demo_council):
    _sign_in(page, roles.TEAM_LEADER)
    page.goto("/messages/groups/new/")
    later = page.get_by_label("At a date and time")
    time = page.get_by_label("Time", exact=True)
    expect(time).to_be_hidden()
    later.check()
    expect(time).to_be_visible()
    assert page.locator("input[type=radio][aria-expanded]").count() == 0
    assert_accessible(page)

    page.get_by_label("Name for this group text").fill("Rent statements")
    page.get_by_label("Has a case with team").select_option(label="Housing Needs")
    page.get_by_label("Message", exact=True).fill(
        "Hello ((first name)), your rent statement is ready."
    )
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Check who will get it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your group text")
    page.get_by_role("button", name="Send the group text").click()

    expect(page.locator("#stage")).to_have_text("Preparing")
    assert page.locator("meta[http-equiv]").count() == 0
    expect(page.get_by_role("link", name="Refresh the page")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Cohort.objects.get().status != Cohort.Status.PREPARING
    expect(page.locator("#stage")).to_have_text("Finished", timeout=20_000)
    expect(page.locator("#group-progress-news")).to_have_text("Status: Finished")
    assert page.evaluate("window.stillTheSamePage"), "The page reloaded itself"
    assert_accessible(page)
    page.problems.assert_none()


def test_wide_tables_stack_on_a_phone_and_stay_tables(page, demo_council):
    resident = _busiest_resident()
    _sign_in(page, roles.OFFICER)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto(f"/residents/?q={resident.last_name}")
    table = page.get_by_role("table", name=re.compile("found"))
    row = table.get_by_role("row").filter(has_text=resident.full_name).first
    # Still a table to screen readers: rows, cells and the column headings they belong to.
    expect(table.get_by_role("columnheader", name="Postcode")).to_have_count(1)
    expect(row.get_by_role("cell")).to_have_count(4)
    # On screen, one block per resident, each value named.
    cell = row.locator("td[data-label=Postcode]")
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    # Shown, but not read out a second time: "/ ''" is the text screen readers get.
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Postcode: " / ""', label
    assert table.locator("thead").bounding_box()["height"] <= 1
    assert_no_horizontal_scrolling(page, PHONE_WIDTH)
    page.problems.assert_none()
