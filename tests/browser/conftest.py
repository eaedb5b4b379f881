"""Browser tests: Playwright driving Debian's chromium against Django's live server.

See STACK.md, "Browser tests". One browser runs for the whole session (starting
chromium is the slow part); every test gets a fresh context, so cookies and
language choices never leak from one test to the next.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The sync Playwright API runs an event loop in the test thread, and Django
# refuses ORM calls from a thread with a running loop. The tests call the ORM
# only between browser steps, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from fasttrack.login.policy import needs_second_factor
from fasttrack.people.demo import DEMO_PASSWORD
from fasttrack.web.forms import LoginForm
from tests.conftest import totp_code

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = ROOT / "var" / "screenshots"
BROWSER_TESTS = Path(__file__).resolve().parent

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
MOBILE: ViewportSize = {"width": 390, "height": 844}
# Auto-waiting covers slow pages; anything longer than this is a real hang.
TIMEOUT_MS = 10_000

START_PATHS = {
    "hr": "/arbejdsgiver/",
    "leder": "/leder/",
    "janni": "/borger/",
    "laege": "/laege/",
    "sagsbehandler": "/jobcenter/",
    "jobcenterchef": "/jobcenter/ledelse/",
    "anden-hr": "/arbejdsgiver/",
    "anden-sagsbehandler": "/jobcenter/",
}


def pytest_configure(config: pytest.Config) -> None:
    # Registered here because the browser tests own only this folder.
    config.addinivalue_line("markers", "browser: drives chromium through Playwright (slow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only this folder's.
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: run `make browser` to install it")
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


def da(msgid: str) -> str:
    """The Danish text of a message, as the page shows it.

    Locators use the catalogue's own wording, so a translator's rephrasing
    does not break the tests, while the accessible name is still checked.
    """
    with translation.override("da"):
        return translation.gettext(msgid)


def en(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield chromium
    chromium.close()


# Reports every Content-Security-Policy violation on every page to the test;
# added through the DevTools protocol, which the policy does not govern.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${location.pathname}` +
    (event.sample ? `: ${event.sample}` : "")
  );
});
"""


@dataclass
class Tab:
    """A page in a fresh browser context, with the CSP violations it met."""

    page: Page
    csp_violations: list[str]


def open_tab(browser: Browser, base_url: str) -> Tab:
    context = browser.new_context(
        base_url=base_url,
        # The Content-Security-Policy is enforced as in production: every page
        # the tests walk must keep to it (axe is brought in without a script tag).
        bypass_csp=False,
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
        viewport=DESKTOP,
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.expose_function("reportCspViolation", report)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", console)
    return Tab(page, violations)


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    # live_server makes pytest-django's `db` transactional, so `demo_world`
    # and `personas` write rows the server thread can read.
    tab = open_tab(browser, str(live_server))
    yield tab.page
    tab.page.context.close()
    assert not tab.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(
        tab.csp_violations
    )


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form, as a fresh visitor.

    Jobcentre staff, doctors and operators then type the code their
    authenticator app shows (computed from their device, as the app would).
    """
    # A new party takes over the browser: drop the previous party's session
    # (and any language choice) without counting on the log-out page.
    page.context.clear_cookies()
    page.goto("/log-ind/")
    form = LoginForm()
    with translation.override("da"):
        # Django's own catalogue names these fields ("Brugernavn", "Adgangskode").
        username_label = str(form.fields["username"].label)
        password_label = str(form.fields["password"].label)
    page.get_by_label(username_label).fill(username)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=da("Log in"), exact=True).click()
    user = User.objects.get(username=username)
    if needs_second_factor(user):
        expect(page).to_have_url(re.compile(r"/log-ind/kode/"))
        if "/log-ind/kode/ny/" in page.url:
            return  # no authenticator app yet: the caller sets one up
        give_code(page, user)
    if username in START_PATHS:
        expect(page).to_have_url(START_PATHS[username])


def give_code(page: Page, user: User) -> None:
    """The code step: the code from the user's authenticator app, then continue."""
    page.get_by_label(da("Code"), exact=True).fill(totp_code(user))
    page.get_by_role("button", name=da("Continue"), exact=True).click()


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds on the page as it now stands, one readable entry per rule."""
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's
        # Content-Security-Policy does not govern (a script tag it refuses).
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    # Asking only for violations spares axe from detailing every passing check,
    # which roughly halves its time on a long page. Without preloading: axe
    # would copy the page's style sheets into <style> elements of its own to
    # read them (for css-orientation-lock alone), which the policy refuses and
    # which would count as the page's violations.
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations'], preload: false}))"
        ".violations"
    )
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]\n"
        + "\n".join(
            f"  at {node['target']}: {node['html'][:160]}\n    {node['failureSummary']}"
            for node in v["nodes"]
        )
        for v in violations
    ]
    return [f"axe on {page.url}: {line}" for line in lines]


def check_axe(page: Page) -> None:
    """Assert that axe-core finds no violations on the page as it now stands."""
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


def screenshot(page: Page, name: str) -> None:
    """Save the whole page at desktop and at mobile width under var/screenshots/."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size(MOBILE)
    try:
        page.screenshot(path=SCREENSHOT_DIR / f"{name}-mobile.png", full_page=True)
    finally:
        page.set_viewport_size(DESKTOP)
