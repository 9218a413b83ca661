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
- `new_page(phone=True)` opens a phone-sized, touch window (375×812); `assert_no_horizontal_scroll`
  checks that a page fits its window's width.
- `team` is the program's people and resource directory, set up directly (not the subject of
  these tests): a director, a referrer, two supporters who can sign in, four resources.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
# A phone between clinical duties: an iPhone-sized screen, touch, the page's own viewport meta.
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PASSWORD = "a long browser password"


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

    def open_page(*, phone: bool = False, **options):
        if phone:
            options = {**PHONE, **options}
        # en-US fixes how a date field reads typed digits (month, day, year).
        context = browser.new_context(base_url=site, locale="en-US", **options)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        # Anything the Content-Security-Policy refuses on any page fails the test that opened it.
        page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        return page

    refused: list[str] = []
    yield open_page
    for context in contexts:
        context.close()
    assert refused == [], f"The Content-Security-Policy refused something: {refused}"


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
        found = [f"{v['id']} ({v['impact']}): {v['help']}: {[node['html'][:200] for node in v['nodes'][:3]]}"
                 for v in violations]
        assert not found, f"Accessibility violations on {page.url}: {found}"

    return check


@pytest.fixture
def assert_no_horizontal_scroll():
    """Fails if the page is wider than its window (the phone would scroll sideways)."""

    def check(page) -> None:
        scroll_width, client_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, (
            f"{page.url} scrolls sideways: {scroll_width}px of content in a {client_width}px window"
        )

    return check


@dataclass
class Team:
    director: Any  # User
    referrer: Any  # User
    supporter: Any  # Supporter Alex Mendes, who signs in on a phone
    other_supporter: Any  # Supporter Blair Novak: a second suggestion for the director
    resources: list
    password: str = PASSWORD

    def refer(self, peer, **overrides):
        """A referral of `peer` by the team's referrer; returns its one case."""
        from peersupport.front.tests.helpers import refer

        return refer(self.referrer, peer, **overrides).cases.get()

    def assign(self, case, supporter=None):
        from peersupport.front.tests.helpers import assign

        return assign(self.director, case, supporter or self.supporter)


@pytest.fixture
def team(transactional_db) -> Team:
    from peersupport.accounts.models import Role
    from peersupport.accounts.testing import enrolled_device
    from peersupport.resources.models import Resource
    from peersupport.testing.factories import make_person, make_supporter, make_user

    supporters = []
    for name, email, department in (
        ("Alex Mendes", "alex@example.org", "Pediatrics"),
        ("Blair Novak", "blair@example.org", "Radiology"),
    ):
        person = make_person(name=name, email=email, department=department)
        supporters.append(make_supporter(person, capacity=4))
        make_user(Role.SUPPORTER, person=person, email=email, password=PASSWORD)
    resources = [
        Resource.objects.create(name="Employee Assistance Program", category="counseling",
                                contact="+1 555 0140", description="Free, confidential counseling."),
        Resource.objects.create(name="Mindful Minutes", category="stress_reduction", contact="Room 4B"),
        Resource.objects.create(name="Risk & Legal Counsel Hotline", category="medicolegal",
                                contact="+1 555 0144"),
        Resource.objects.create(name="Crisis Lifeline", category="crisis", contact="Call or text 988",
                                description="Any hour."),
    ]
    director = make_user(Role.DIRECTOR, email="director@example.org", password=PASSWORD)
    enrolled_device(director)  # an authenticator set up: signing in asks for its code
    return Team(
        director=director,
        referrer=make_user(Role.REFERRER, email="safety@example.org", password=PASSWORD),
        supporter=supporters[0],
        other_supporter=supporters[1],
        resources=resources,
    )


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
    from peersupport.accounts.testing import pass_second_step

    pass_second_step(page, email)
