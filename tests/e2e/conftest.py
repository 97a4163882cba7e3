"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

One browser for the whole run; a fresh browser context (cookies, storage) for each test.
"""

import functools
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


# Every page a browser test loads is checked at both widths: a phone and a laptop.
PHONE_WIDTH = 375
DESKTOP_WIDTH = 1280
# Page methods that only listen or close: no need to check the page before them.
_UNCHECKED_METHODS = {"on", "once", "remove_listener", "is_closed"}


class PageChecks:
    """Runs axe-core, and the check for sideways scrolling, on every page a test loads.

    The browser's load event only notes that a page is waiting to be checked; the check runs
    just before the test next uses the page (any of its methods), or before it is closed, so
    it never races the test's own clicks. Each page is checked at 375 px, where it must also
    not scroll sideways, and at 1,280 px, then put back at the test's own size. A page that
    loads and is left (by a locator's click) before the test touches `page` again cannot be
    checked: that fails the test too, so no page slips through.

    Without JavaScript axe-core cannot run (its timers never fire), so those pages are only
    checked for sideways scrolling; the same pages are checked with axe-core elsewhere.
    """

    def __init__(self, page, *, javascript: bool = True):
        self.page = page
        self.javascript = javascript
        self.loaded: list[str] = []  # pages loaded since the last check
        self.missed: list[str] = []
        page.on("load", lambda loaded: self.loaded.append(loaded.url))
        for name in dir(type(page)):
            if name.startswith("_") or name in _UNCHECKED_METHODS:
                continue
            if callable(getattr(type(page), name)):
                setattr(page, name, self._checked_first(getattr(page, name)))
        page.checks = self

    def _checked_first(self, method):
        def checked_first(*args, **kwargs):
            __tracebackhide__ = True
            self.check_loaded()
            return method(*args, **kwargs)

        return checked_first

    def check_loaded(self, *, even_if_not_loaded: bool = False) -> None:
        """Check the page now showing if it loaded since the last check (or anyway)."""
        __tracebackhide__ = True
        page, cls = self.page, type(self.page)
        if cls.is_closed(page):
            return
        # A click that opens a page returns before the page has loaded: wait, so its load is
        # seen now and not after the test's next click has left it.
        cls.wait_for_load_state(page, "load")
        if not (self.loaded or even_if_not_loaded):
            return
        self.missed += self.loaded[:-1]
        self.loaded = []
        if not page.url.startswith("http") or cls.evaluate(page, "document.contentType") != (
            "text/html"
        ):
            return
        size = page.viewport_size or {"width": DESKTOP_WIDTH, "height": 720}
        problems = []
        if size["width"] < PHONE_WIDTH:
            problems += _sideways_scrolling(page, size["width"])
        for width in (PHONE_WIDTH, DESKTOP_WIDTH):
            self._resize(width, size["height"])
            if width == PHONE_WIDTH:
                problems += _sideways_scrolling(page, width)
            if self.javascript:
                problems += [f"at {width} px: {text}" for text in _axe_problems(page)]
        if size["width"] != DESKTOP_WIDTH:
            self._resize(size["width"], size["height"])
        assert not problems, f"{page.url}\n" + "\n".join(problems)

    def _resize(self, width: int, height: int) -> None:
        cls = type(self.page)
        cls.set_viewport_size(self.page, {"width": width, "height": height})
        if self.javascript:
            # Let the page's media-query listeners (the header's menu button) run first.
            cls.evaluate(
                self.page, "() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))"
            )

    def assert_none_missed(self) -> None:
        assert not self.missed, (
            "These pages loaded and were left before they could be checked (use `page` after "
            "each click that loads a page, e.g. expect(page.get_by_role(...))):\n"
            + "\n".join(self.missed)
        )


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = PageProblems(page)
    checks = PageChecks(page, javascript=options.get("java_script_enabled", True))
    close = context.close

    def check_and_close(*args, **kwargs):
        try:
            checks.check_loaded()
        finally:
            close(*args, **kwargs)
        checks.assert_none_missed()

    context.close = check_and_close
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


def _axe_problems(page) -> list[str]:
    """axe-core's findings on the page as it is now, described for a person to read."""
    # Evaluated by the browser's debugger, which the page's Content-Security-Policy does not
    # govern (an inline <script> tag would be refused). The class's own evaluate: `page`'s
    # methods first check the page (PageChecks), which would come back here.
    evaluate = type(page).evaluate
    if not evaluate(page, "typeof axe !== 'undefined'"):
        evaluate(page, _axe_script())
    result = evaluate(
        page,
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    # Guard against axe silently checking nothing.
    assert result["passes"], f"axe-core ran no checks on {page.url}: {json.dumps(result)[:500]}"
    if not result["violations"]:
        return []
    return [
        f"axe-core found {len(result['violations'])} accessibility problem(s):\n"
        + _describe(result["violations"])
    ]


@functools.cache
def _axe_script() -> str:
    return AXE_SCRIPT.read_text()


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now, at 375 and 1,280 px, and fail with a readable list
    of violations. Pages are checked as they load anyway (PageChecks): call this after a change
    made in the page by script, such as a question revealed or a count updated as you type."""
    if checks := getattr(page, "checks", None):
        checks.check_loaded(even_if_not_loaded=True)
        return
    problems = _axe_problems(page)
    assert not problems, f"{page.url}\n" + "\n".join(problems)


def _sideways_scrolling(page, width: int) -> list[str]:
    evaluate = type(page).evaluate
    scroll_width = evaluate(page, "document.documentElement.scrollWidth")
    if scroll_width <= width:
        return []
    wide = evaluate(
        page,
        """(width) => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .filter(el => el.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 8)
            .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
                 + `right=${Math.round(el.getBoundingClientRect().right)}`)""",
        width,
    )
    return [
        f"scrolls sideways at {width} px (scrollWidth {scroll_width}); widest elements:\n"
        + "\n".join(wide)
    ]


def assert_no_horizontal_scrolling(page, width: int = 320) -> None:
    if problems := _sideways_scrolling(page, width):
        pytest.fail(f"{page.url} " + "\n".join(problems), pytrace=False)
