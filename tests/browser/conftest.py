"""End-to-end tests in a real Chromium against a live server, a real SMTP server and the real worker.

- The browser is Debian's /usr/bin/chromium, driven by Playwright's sync API through
  `executable_path` (Playwright's own browser download is not available here). Without it the
  tests are skipped with the reason; `.ci/run` installs it.
- The app runs in pytest-django's `live_server` (a thread of this process, so it needs
  `transactional_db`). Playwright's sync API keeps an event loop running in the test's thread,
  which Django's async-safety check would take for async code calling the ORM; the fixture
  allows it for the test's duration (the calls really are synchronous).
- Mail goes through the outbox to the loopback SMTP server (`smtp_server`, root conftest), and
  is delivered by the real background worker: `deliver_mail()` runs `db_worker --batch`, which
  runs every queued delivery task and exits. Running it between steps, in the test's own
  thread, keeps the test deterministic: no sleeping, no worker thread to race against.
- `SITE_URL` is the live server's address, so links in emails point at the app under test.
- `assert_accessible(page)` runs axe-core on the page as it stands and fails on any violation.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright waits this long for an element before failing a step (milliseconds).
STEP_TIMEOUT_MS = 10_000


@pytest.fixture
def browser() -> Iterator["object"]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but {CHROMIUM} is missing; .ci/run installs it")
        pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM}); apt-get install chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, transactional_db, smtp_server, settings) -> str:
    """The live server's base URL, with emails linking to it and sent to `smtp_server`."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def new_page(browser, site):
    """Opens a page in a fresh browser context (its own cookies: one signed-in person each)."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=site)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def deliver_mail(site):
    """Runs the real background worker until no task is left (emails go out via the outbox)."""
    from peersupport.notifications.testing import run_worker_until_idle

    return run_worker_until_idle


@pytest.fixture
def assert_accessible():
    """Fails the test if axe-core (bundled with axe-playwright-python) finds a violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        violations = axe.run(page).response["violations"]
        found = [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations]
        assert not found, f"Accessibility violations on {page.url}: {found}"

    return check


@pytest.fixture
def sign_in():
    """Signs a page in through the login form."""
    return _sign_in


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
