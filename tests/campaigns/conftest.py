"""Helpers of the campaign screen tests: the system admin's client and form posts with their CSRF token."""
import re

import pytest

from app.accounts.roles import SYSTEM_ADMIN
from tests.conftest import csrf_token
from tests.factories import make_user

CAMPAIGN_FORM = dict(name="2015年度上海职工晋升技师、高级技师奖励申请", category="技师奖励", start_date="2015-02-02",
                     end_date="2015-10-15", cert_issued_from="2014-01-01", cert_issued_to="2015-09-01",
                     reward_technician="1000", reward_senior_technician="2000", description="活动说明全文",
                     contacts="王奇峰（受理审核事宜）电话：55885591")


@pytest.fixture
def admin(app, db):
    return make_user(SYSTEM_ADMIN, username="cityadmin")


@pytest.fixture
def admin_client(admin, login_as):
    return login_as(admin)


def post(client, path, data, token_path="/campaigns/", **kwargs):
    """POST ``data`` with a CSRF token taken from a page the client may open."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_path)}, **kwargs)


def field_message(html, field):
    """The message shown next to ``field`` (empty when none)."""
    match = re.search(rf'<span class="help-block field-error" id="msg-{field}">([^<]*)</span>', html)
    return match.group(1) if match else ""


def flashed(html):
    return " ".join(re.findall(r'<div class="alert alert-(?:danger|success|info|warning)[^"]*"[^>]*>(.*?)</div>',
                               html, re.S))
