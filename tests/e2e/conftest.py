"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

One browser for the whole run; a fresh browser context (cookies, storage) for each test.
"""

import json
import os
from pathlib import Path

import pytest

from doorstep.core import roles

from ..factories import PASSWORD, ResidentFactory, StaffFactory, TeamFactory

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise refuse
# every ORM call made by the test itself (creating residents, reading the timeline).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("DOORSTEP_CHROMIUM", "/usr/bin/chromium"))
REPO_DIR = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("DOORSTEP_SKIP_BROWSER_TESTS") == "1":
        pytest.skip("DOORSTEP_SKIP_BROWSER_TESTS=1: browser tests switched off")
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}. Install it (apt-get install chromium), point "
            "DOORSTEP_CHROMIUM at it, or set DOORSTEP_SKIP_BROWSER_TESTS=1 to skip browser tests.",
            pytrace=False,
        )
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not at {AXE_SCRIPT}. Run `npm install` first.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """Script errors and failed requests seen by a page, so a broken asset fails the test."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.policy_violations: list[str] = []  # Content-Security-Policy: fail every test
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("console", self._console)
        page.on(
            "response",
            lambda response: (
                self.errors.append(f"HTTP {response.status} for {response.url}")
                if response.status >= 400 and response.request.resource_type != "document"
                else None
            ),
        )

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console {message.type}: {message.text}")
        if "Content Security Policy" in message.text:
            self.policy_violations.append(message.text)

    def assert_none(self):
        assert not self.errors, "The page had problems:\n" + "\n".join(self.errors)

    def assert_no_policy_violations(self):
        assert not self.policy_violations, "Content-Security-Policy violations:\n" + "\n".join(
            self.policy_violations
        )


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = PageProblems(page)
    return context, page


def _close(context, page) -> None:
    violations = page.problems
    context.close()
    violations.assert_no_policy_violations()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context, page = _new_page(browser, live_server)
    yield page
    _close(context, page)


@pytest.fixture
def narrow_page(browser, live_server, transactional_db):
    """A phone-sized screen: 320 CSS pixels wide (WCAG 1.4.10 reflow)."""
    context, page = _new_page(browser, live_server, viewport={"width": 320, "height": 640})
    yield page
    _close(context, page)


@pytest.fixture
def no_js_page(browser, live_server, transactional_db):
    context, page = _new_page(browser, live_server, java_script_enabled=False)
    yield page
    _close(context, page)


@pytest.fixture
def e2e_officer(transactional_db):
    team = TeamFactory(name="Housing Needs", slug="housing-needs")
    return StaffFactory(
        email="officer@council.example",
        full_name="Olivia Officer",
        roles=[roles.OFFICER],
        teams=[team],
    )


@pytest.fixture
def residents(transactional_db):
    return {
        "john": ResidentFactory(first_name="John", last_name="Smith", postcode="E8 1DY"),
        "jane": ResidentFactory(first_name="Jane", last_name="Smith", postcode="E5 0LL"),
        "joan": ResidentFactory(first_name="Joan", last_name="Smithers", postcode="N16 7AA"),
        "amir": ResidentFactory(first_name="Amir", last_name="Khan", postcode="E9 6EJ"),
    }


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/account/sign-in/" not in page.url, f"Sign-in failed, still on {page.url}"


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n      ")
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now and fail with a readable list of violations."""
    # Evaluated by the browser's debugger, which the page's Content-Security-Policy does not
    # govern (an inline <script> tag would be refused).
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations = result["violations"]
    assert not violations, (
        f"axe-core found {len(violations)} accessibility problem(s) on {page.url}:\n"
        + _describe(violations)
    )
    # Guard against axe silently checking nothing.
    assert result["passes"], f"axe-core ran no checks on {page.url}: {json.dumps(result)[:500]}"


def assert_no_horizontal_scrolling(page, width: int = 320) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .filter(el => el.parentElement.getBoundingClientRect().right <= width + 1)
                .slice(0, 8)
                .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
                     + `right=${Math.round(el.getBoundingClientRect().right)}`)""",
            width,
        )
        pytest.fail(
            f"{page.url} scrolls sideways at {width} px (scrollWidth {scroll_width}); "
            "widest elements:\n" + "\n".join(wide),
            pytrace=False,
        )
