"""The staff header and the Admin page: each member of staff sees the links their permissions
open, on one line of links; the pages used less often sit on the Admin page."""

import re

import pytest
from django.urls import reverse

from doorstep import navigation
from doorstep.core import roles

from .factories import StaffFactory

pytestmark = pytest.mark.django_db


def _header(client, url: str = "/account/") -> list[tuple[str, bool]]:
    """The header's links as (text, current?)."""
    page = client.get(url).content.decode()
    nav = re.search(r'<nav aria-label="Menu".*?</nav>', page, re.S).group(0)
    return [
        (re.sub(r"<[^>]+>", "", text).strip(), "aria-current" in attributes)
        for attributes, text in re.findall(r"<a ([^>]*)>(.*?)</a>", nav, re.S)
    ]


@pytest.fixture
def signed_in(client, settings):
    settings.OTP_REQUIRED_ROLES = []

    def sign_in(role, **extra):
        client.force_login(StaffFactory(full_name="Sam Jones", roles=[role], **extra))
        return client

    return sign_in


def test_each_role_sees_its_own_links(signed_in):
    labels = {
        role: [text for text, _ in _header(signed_in(role))]
        for role in (roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR)
    }
    account = "Your account: Sam"
    assert labels[roles.OFFICER] == [
        "Residents",
        "My work",
        "Texts",
        "Documents",
        "Figures",
        account,
    ]
    assert labels[roles.TEAM_LEADER] == [
        "Residents", "My work", "Texts", "Documents", "Team work", "Digital Friends", "Figures",
        account,
    ]  # fmt: skip
    # Thirteen links once; the ones used less often now sit on the Admin page.
    assert labels[roles.ADMINISTRATOR] == [
        "Residents", "My work", "Texts", "Documents", "Team work", "Digital Friends", "Figures",
        "Admin", account,
    ]  # fmt: skip


def test_a_digital_friend_sees_only_their_learners(signed_in):
    assert [text for text, _ in _header(signed_in(roles.DIGITAL_FRIEND))] == [
        "Your learners",
        "Your account: Sam",
    ]


def test_the_current_section_is_marked(signed_in):
    client = signed_in(roles.ADMINISTRATOR)
    assert [text for text, current in _header(client, reverse("cases:my_work")) if current] == [
        "My work"
    ]
    # An admin page counts as Admin, not as the app it belongs to.
    for url in (reverse("residents:import"), reverse("messaging:templates"), reverse("audit_log")):
        assert [text for text, current in _header(client, url) if current] == ["Admin"], url


def test_the_admin_page_lists_each_page_an_administrator_may_use(signed_in):
    client = signed_in(roles.ADMINISTRATOR, is_staff=True)
    page = client.get(reverse("admin_pages")).content.decode()
    hrefs = re.findall(r'<a class="govuk-link govuk-!-font-weight-bold" href="([^"]+)"', page)
    assert hrefs == [reverse(link.url_name) for link in navigation.ADMIN]
    for href in hrefs:
        if href != reverse("admin:index"):
            assert client.get(href).status_code == 200, href


def test_the_django_admin_is_listed_only_for_accounts_that_can_use_it(signed_in):
    page = signed_in(roles.ADMINISTRATOR).get(reverse("admin_pages")).content.decode()
    assert reverse("audit_log") in page
    assert reverse("admin:index") not in page


@pytest.mark.parametrize("role", [roles.OFFICER, roles.TEAM_LEADER, roles.DIGITAL_FRIEND])
def test_others_have_no_admin_page(signed_in, role):
    assert signed_in(role).get(reverse("admin_pages")).status_code == 403


def test_residents_see_the_service_name_and_no_links(client):
    page = client.get(reverse("housing:estimate")).content.decode()
    assert "govuk-service-navigation__service-name" in page
    assert '<nav aria-label="Menu"' not in page


def test_staff_without_a_role_still_reach_their_account(client):
    client.force_login(StaffFactory(full_name="Sam Jones"))
    assert _header(client, reverse("audit_log")) == [("Your account: Sam", False)]
    assert _header(client, reverse("account_home")) == [("Your account: Sam", True)]
