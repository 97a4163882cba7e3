"""Digital inclusion in a real browser: an officer checks a resident's digital skills and refers
them, the coordinator matches a Digital Friend, the Friend logs a session. axe-core checks
every page on the way."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doorstep.core import roles
from doorstep.inclusion import services
from doorstep.inclusion.models import HelpRequest, Match, Session, SkillsCheck

from ..dates import fill_date
from ..factories import PASSWORD, StaffFactory
from ..inclusion.matrix import friend_details
from .conftest import _new_page, assert_accessible, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(residents, e2e_officer, settings):
    settings.SMS_PROVIDER = "outbox"
    settings.SMS_QUIET_HOURS = ""
    settings.OTP_REQUIRED_ROLES = []
    team = e2e_officer.teams.get()
    leader = StaffFactory(
        email="leader@council.example",
        full_name="Lee Leader",
        roles=[roles.TEAM_LEADER],
        teams=[team],
    )
    admin = StaffFactory(email="admin@council.example", roles=[roles.ADMINISTRATOR], teams=[team])
    friend = services.sign_up_friend(
        actor=admin,
        **friend_details(
            full_name="Fatima Friend", topics=["uc_journal", "email"], postcode="E8 3AA"
        ),
    )
    today = timezone.localdate()
    friend = services.approve_friend(
        actor=admin, friend=friend, safeguarding_trained_on=today, data_protection_trained_on=today
    )
    friend.staff.set_password(PASSWORD)
    friend.staff.save()
    return {
        "resident": residents["john"],
        "officer": e2e_officer,
        "leader": leader,
        "friend": friend,
    }


def test_check_refer_match_and_log_a_session(browser, live_server, people):
    resident, friend = people["resident"], people["friend"]

    # The officer checks John's digital skills from his Single View.
    context, page = _new_page(browser, live_server)
    sign_in(page, people["officer"].email)
    page.goto(f"/residents/{resident.pk}/")
    panel = page.locator("#inclusion")
    expect(panel).to_contain_text("No digital skills check yet.")
    assert_accessible(page)
    panel.get_by_role("button", name="Check digital skills").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check digital skills")
    assert_accessible(page)
    page.get_by_label("Send and reply to e-mails").check()
    page.get_by_role("group", name="Have you ever used the internet?").get_by_label("Yes").check()
    page.get_by_role("group", name="Do you still use the internet?").get_by_label("Yes").check()
    page.get_by_role("group", name="Do you like using the internet?").get_by_label("Yes").check()
    page.get_by_label("Some of them").check()
    page.get_by_role("group", name="How do you get online?").get_by_label(
        "Mobile data only"
    ).check()
    page.get_by_role("button", name="Save the check").click()
    expect(page.locator(".govuk-inset-text h2")).to_have_text("Level 6: Task specific")
    assert_accessible(page)
    assert SkillsCheck.objects.get().level == 6

    # …and refers him to a Digital Friend for the Universal Credit journal.
    page.get_by_role(
        "link",
        name="refer for a digital friend for using the universal credit journal and council services",
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to a Digital Friend")
    assert_accessible(page)
    page.get_by_label("What do they want to be able to do?").fill("Use the journal on his own")
    page.get_by_label("Library").check()
    page.get_by_label("Monday morning").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Referral sent")
    help_request = HelpRequest.objects.get()
    assert help_request.topics == ["uc_journal"]
    context.close()

    # The coordinator sees Fatima ranked with the reasons, offers and arranges.
    context, page = _new_page(browser, live_server)
    sign_in(page, people["leader"].email)
    page.goto("/inclusion/coordinate/")
    assert_accessible(page)
    page.get_by_role("link", name=resident.full_name).click()
    expect(page.locator(".govuk-summary-card").first).to_contain_text("Same postcode district (E8)")
    assert_accessible(page)
    page.get_by_role("button", name="Offer to Fatima Friend").click()
    page.get_by_role("link", name="Arrange it now").click()
    assert_accessible(page)
    day = timezone.localdate() + datetime.timedelta(days=3)
    fill_date(page, "Date of the first meeting", day)
    page.get_by_label("Time of the first meeting").fill("10:30")
    page.get_by_label("Where will you meet?").fill("Central Library")
    page.get_by_role("button", name="Accept and send texts").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Arranged")
    assert Match.objects.get().status == "accepted"
    context.close()

    # The Friend signs in, sees John's request (and nothing else of his), logs a session.
    context, page = _new_page(browser, live_server)
    sign_in(page, friend.email)
    page.goto("/inclusion/my-learners/")
    assert_accessible(page)
    page.get_by_role("link", name=resident.full_name).click()
    expect(page.locator("main")).to_contain_text("Use the journal on his own")
    assert_accessible(page)
    response = page.goto(f"/residents/{resident.pk}/")
    assert response.status == 403
    page.go_back()
    page.get_by_role("button", name="Log a session").click()
    assert_accessible(page)
    fill_date(page, "Date of the session", timezone.localdate())
    page.get_by_label("How long was it, in minutes?").fill("45")
    page.get_by_label("What can they now do?").fill("Read and reply in the journal")
    page.get_by_role("group", name="How confident did they feel before?").get_by_label("2").check()
    page.get_by_role("group", name="How confident did they feel after?").get_by_label(
        "4", exact=True
    ).check()
    page.get_by_role("button", name="Save the session").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Session saved")
    assert_accessible(page)
    assert Session.objects.get().minutes == 45
    assert Session.objects.get().held_on == timezone.localdate()
    context.close()


def test_the_public_pages_are_accessible(page, live_server, transactional_db):
    page.goto("/inclusion/skills-check/")
    assert_accessible(page)
    page.get_by_role("button", name="See my result").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether you have ever used the internet"
    )
    assert_accessible(page)
    page.goto("/inclusion/volunteer/")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one topic they can help with"
    )
    assert_accessible(page)
    page.goto("/inclusion/ask-for-help/")
    assert_accessible(page)
    page.problems.assert_none()
