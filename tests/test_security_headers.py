"""Every page carries a strict Content-Security-Policy; what the pages serve obeys it (no inline script or
style without the response's nonce, no style attribute, no inline event handler, no outside origin); HSTS
in production."""
import re

import pytest

from app.review.states import State
from tests.conftest import login
from tests.review.world import make_world

#: Pages of each role (and anonymous) read for their markup.
PAGES = {
    None: ["/", "/login/", "/public/progress", "/public/campaign/{campaign}", "/public/campaign/{campaign}/form/1",
           "/nothing-here"],
    "clerk": ["/", "/apply/", "/apply/batch/{batch}", "/myapplicationmodelview/list/",
              "/myapplicationmodelview/show/{own}", "/apply/edit/{own}", "/application/{own}/print",
              "/account/password", "/campaigns/{campaign}"],
    "district": ["/", "/review/district/list/", "/review/district/show/{own}", "/user-management/list/",
                 "/user-management/add", "/district-request/list/", "/payments/transfers/list/",
                 "/payments/reports/list/", "/payments/reconciliation/list/", "/stats/"],
    "city": ["/", "/campaigns/", "/campaigns/{campaign}", "/campaigns/new", "/review/final/list/",
             "/organisationmodelview/list/", "/organisationmodelview/add", "/city-accounts/list/",
             "/city-accounts/add", "/district-admins/list/", "/security-log/list/", "/batchmodelview/list/",
             "/referenceitemmodelview/list/", "/district-requests/list/", "/stats/"],
    "finance": ["/", "/payments/funding/list/", "/payments/due/list/"],
}


def _policy(response):
    policy = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ") if part}


def assert_obeys_policy(path, response):
    # Only the one page asked for on purpose may be missing: a 404 elsewhere fails (it would hide the page).
    assert response.status_code == (404 if path == "/nothing-here" else 200), (path, response.status_code)
    policy = _policy(response)
    assert policy.get("default-src") == ["'self'"], path
    assert policy.get("object-src") == ["'none'"] and policy.get("frame-ancestors") == ["'self'"], path
    nonces = [s for s in policy["script-src"] if s.startswith("'nonce-")]
    assert len(nonces) == 1 and policy["script-src"] == ["'self'", nonces[0]], path
    assert policy["style-src"] == ["'self'", nonces[0]], path
    assert not any("unsafe" in s for values in policy.values() for s in values), path
    nonce = nonces[0][len("'nonce-"):-1]
    html = response.get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag:
            assert re.search(r'src="/static/', tag), (path, tag)
        else:
            assert f'nonce="{nonce}"' in tag, (path, tag)
    for tag in re.findall(r"<style\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, (path, tag)
    assert not re.search(r"<[a-zA-Z][^<>]*\sstyle=", html), (path, re.search(r"<[^<>]*\sstyle=[^<>]*>", html))
    assert not re.search(r"<[a-zA-Z][^<>]*\son[a-z]+=", html), (path, re.search(r"<[^<>]*\son[a-z]+=[^<>]*>", html))
    assert "javascript:" not in html, path
    for url in re.findall(r'(?:src|href)="(https?:)?//', html):
        pytest.fail(f"{path}: outside origin {url}")


def test_every_page_has_a_strict_policy_and_obeys_it(app, db, make_client, clock):
    world = make_world()
    own = world.app(State.PENDING)
    values = {"campaign": world.campaign.id, "batch": world.campaign.batches[0].id, "own": own.id}
    users = {"clerk": world.baoshan_clerk, "district": world.baoshan_admin, "city": world.city_admin,
             "finance": world.finance}
    nonces = set()
    for role, paths in PAGES.items():
        client = make_client()
        if role:
            assert login(client, users[role].username).status_code == 302
        for path in paths:
            path = path.format(**values)
            response = client.get(path)
            assert_obeys_policy(path, response)
            nonces.add(_policy(response)["script-src"][1])
    assert len(nonces) > 20  # a new nonce for every response


def test_hsts_only_in_production(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login/").headers
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    header = client.get("/login/").headers["Strict-Transport-Security"]
    assert "max-age=31536000" in header


def test_downloads_keep_their_own_stricter_policy(app, db, make_client, clock):
    """An attachment is served with ``default-src 'none'; sandbox`` (set by its view): not replaced."""
    from app.web import content_security_policy

    assert "sandbox" not in content_security_policy("x")
    response = make_client().get("/login/")
    assert "sandbox" not in response.headers["Content-Security-Policy"]
