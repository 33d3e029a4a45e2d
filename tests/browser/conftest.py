"""Real-Chromium fixtures: the app served on a free local port, and a Playwright page."""
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.axe import check, watch

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A page of a fresh context; every page it visits is watched (tests/browser/axe.py): the journey fails on
    any Content-Security-Policy violation and on any serious or critical axe-core violation."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    watcher = watch(context)
    pg = context.new_page()
    pg.set_default_timeout(30000)  # axe-core runs on every page load: slower on a busy machine
    pg.watcher = watcher
    settle_after_waits(pg)
    yield pg
    try:
        if not pg.is_closed() and pg.url.startswith("http"):
            check(pg, watcher)
    finally:
        context.close()
    problems = watcher.problems()
    assert not problems, "\n".join(problems)


#: The table cells whose text runs out of them over their neighbours (wider than the cell, not clipped): on a
#: phone Bootstrap keeps the cells of a scrolled table on one line, and a fixed layout then laid texts over each
#: other. Their first words, for the message.
SPILLED_CELLS = """() => [...document.querySelectorAll('#main-content td, #main-content th')]
  .filter(c => c.offsetParent && c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflowX === 'visible')
  .map(c => c.textContent.trim().slice(0, 30))"""


def settle_after_waits(page):
    """``wait_for_selector`` returns once the element has been parsed, and journeys read the rows below it next:
    on a busy machine the page may then still be arriving (a row read so lacked its last cells). Every wait of
    the page also waits for its document to have loaded whole (at once when it has)."""
    plain = page.wait_for_selector

    def wait_for_selector(selector, **kwargs):
        found = plain(selector, **kwargs)
        page.wait_for_load_state()
        return found
    page.wait_for_selector = wait_for_selector


def next_person(page):
    """The next person at the keyboard: the last page is left first (a request it still has in flight, such as
    the bell's poll, must not bring its session cookie back over the new login's captcha), then no cookies."""
    page.goto("about:blank")
    page.context.clear_cookies()


def open_menu(page, title):
    """Open a page from the left menu and wait until it has loaded whole: a click returns once the new page has
    begun to arrive, and a row read then may not have its last cells yet."""
    page.click(f"text={title}")
    page.wait_for_load_state()


def fill_login(page, username, password, captcha="TEST"):
    """Fill the login form as a person would (TestConfig fixes the captcha answer to "TEST")."""
    page.goto("/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    if page.locator("#captcha").count():
        page.fill("#captcha", captcha)
    page.click("form [type=submit]")
