"""In real Chromium: a clerk sits on its home page; a district's script approves its application through the
API with a personal token; the bell shows the new message without a reload, and 消息中心 reads it."""
import json
import urllib.request

import pytest

from app.review import services
from tests.api.conftest import make_token
from tests.browser.conftest import fill_login
from tests.factories import PASSWORD
from tests.review.conftest import world  # noqa: F401  (the review world fixture)

pytestmark = pytest.mark.browser


def call(base, raw, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, headers={
        "Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
        data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback test server)
        return json.loads(response.read())


def test_the_clerk_s_bell_rings_when_the_district_s_script_approves(app, db, world, page, live_server):
    zhang = world.app(name="张三")
    services.record_creation(zhang, world.baoshan_clerk)
    db.session.commit()
    raw = make_token(world.baoshan_admin, "区县台账同步")
    clerk = world.baoshan_clerk.username
    db.session.remove()
    app.config["NOTIFICATION_POLL_SECONDS"] = 1
    try:
        fill_login(page, clerk, PASSWORD)
        page.wait_for_selector("#notification-bell")
        assert page.locator("#notification-count").is_hidden()

        pending = call(live_server, raw, "GET", "/api/v1/applications/?state=pending")
        [row] = pending["result"]
        done = call(live_server, raw, "POST", f"/api/v1/applications/{row['id']}/transitions/approve_by_district",
                    {"version": row["version"]})
        assert done["result"]["state_title"] == "区县局初审通过"

        page.wait_for_selector("#notification-count:not(.hidden)", timeout=10000)
        assert page.locator("#notification-count").inner_text() == "1"
        page.click("#notification-bell-link")
        page.wait_for_selector("#notification-list")
        assert "您提交的张三的申请已被区县局初审通过" in page.locator("#notification-list").inner_text()
        page.click("#notification-list .notification-open button")
        page.wait_for_selector("#application-show")
        assert "区县局初审通过" in page.locator("#state-label").inner_text()
        assert "（通过API）" in page.content()
    finally:
        app.config["NOTIFICATION_POLL_SECONDS"] = 30
