"""Browser fixtures: Debian's Chromium driven by Playwright's sync API against ``live_server``.

One browser per test module; each test gets a fresh context (cookies, storage)
the size of a phone, and a page whose screenshot and HTML are saved to
test-artifacts/ when the test fails (``new_page`` opens one more such context
per actor of a journey: applicant, admin, buyer). The demo shop is seeded inside the test
with ``transactional_db``: the live server's thread only sees committed rows.
Those tests end by emptying every table; ``django_db_serialized_rollback``
then puts back what migrations created (product class, attributes ...), which
the next test's seeding and the rest of the suite rely on.
"""

import os
import re

import pytest
from haystack import connections

from tests.factories.demo import seed_demo
from tests.faults.backends import RecordingSmsBackend

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
ACTION_TIMEOUT_MS = 10_000
# A page load waits for the live server, which shares two cores with the other pytest worker (a
# crowd test of hundreds of buyers may run beside it): a slow load is not a failure, a stuck one is.
NAVIGATION_TIMEOUT_MS = 30_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (rep_setup, rep_call, rep_teardown) for the page fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser():
    """Chromium, for the browser tests of one module.

    While Playwright's sync API is started it runs an asyncio event loop in this thread, and Django
    refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation): the tests that
    use the browser say it is safe (DJANGO_ALLOW_ASYNC_UNSAFE) for as long as Playwright runs, and
    stopping it at the end of the module gives the other tests back Django's check.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Entering sync_playwright() leaves this thread in another contextvars
    # context, where Django's connections (an asgiref Local) would be new
    # objects: not the ones pytest-django set up, which hold the serialized
    # test database that django_db_serialized_rollback restores. Keep those.
    connections_before = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in connections_before.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _phone_page(browser):
    """A page in a fresh context the size of a phone (390x844, touch, zh-CN, Shanghai time)."""
    context = browser.new_context(
        viewport=PHONE,
        screen=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context.new_page()


def _save_artifacts_on_failure(request, page, suffix: str = "") -> None:
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        artifacts = request.config.rootpath / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid) + suffix
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        (artifacts / f"{name}.html").write_text(page.content(), encoding="utf-8")


@pytest.fixture(autouse=True)
def _recorded_sms(request, settings):
    """Browser journeys read the SMS codes the live server sends (tests.factories.browser.sms_code_sent_to)."""
    if request.node.get_closest_marker("browser"):
        settings.SMS_BACKEND = "tests.faults.backends.RecordingSmsBackend"
        RecordingSmsBackend.sent = []


@pytest.fixture
def page(browser, request):
    """A phone-sized page in a fresh context; screenshot and HTML on failure."""
    page = _phone_page(browser)
    try:
        yield page
        _save_artifacts_on_failure(request, page)
    finally:
        page.context.close()


@pytest.fixture
def new_page(browser, request):
    """Opens phone-sized pages, each in its own context: ``new_page("admin")``, one per actor of a journey.

    Each actor has its own cookies (its own session); on failure every actor's
    page is saved, suffixed with the actor's name.
    """
    opened = []

    def open_page(actor: str):
        page = _phone_page(browser)
        opened.append((actor, page))
        return page

    try:
        yield open_page
        for actor, page in opened:
            _save_artifacts_on_failure(request, page, suffix=f"-{actor}")
    finally:
        for _actor, page in opened:
            page.context.close()


@pytest.fixture
def demo_logins(transactional_db, django_db_serialized_rollback, live_server):
    """The demo catalogue (vendors, products, China), committed; the logins seed_demo printed, {login: password}."""
    return seed_demo("--no-index", "--no-live-events")


@pytest.fixture
def shop_url(demo_logins, live_server):
    """The demo catalogue (vendors, products, China), committed; the live server's URL."""
    return live_server.url


@pytest.fixture
def indexed_shop_url(transactional_db, django_db_serialized_rollback, live_server):
    """The demo catalogue and its search index (in the test run's temporary folder); the live server's URL.

    The index is emptied first: documents of earlier tests' products (their rows
    are gone, their documents are not) must not turn up in the results.
    """
    backend = connections["default"].get_backend()
    backend.clear()
    seed_demo("--no-live-events")
    yield live_server.url
    backend.clear()
