"""zh_CN completeness: every page a user meets shows no untranslated Flask-AppBuilder string."""
import re
from html.parser import HTMLParser
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import login
from tests.factories import make_campaign, make_user

ROOT = Path(__file__).resolve().parent.parent
#: Latin words a Chinese page may legitimately show (product names, formats, user names typed in tests).
ALLOWED_WORDS = {"Excel", "PDF", "API", "JPG", "PNG", "admin", "user", "zhadmin", "zhclerk", "Flask", "AppBuilder"}


class _VisibleText(HTMLParser):
    """Text nodes and the attributes a user reads (title, placeholder, button values)."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if value and (name in ("title", "placeholder", "alt", "aria-label")
                          or (name == "value" and tag in ("button",))
                          or (name == "value" and dict(attrs).get("type") in ("submit", "button"))):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def visible_texts(html):
    parser = _VisibleText()
    parser.feed(html)
    return parser.texts


def fab_msgids():
    root = Path(flask_appbuilder.__file__).parent
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(root), method_map, keywords={"_": None, "gettext": None, "lazy_gettext": None, "_l": None}):
        ids.add(message if isinstance(message, str) else message[0])
    return {m for m in ids if m and re.search(r"[A-Za-z]{2,}", m)}


def untranslated(html, msgids):
    found = []
    for text in visible_texts(html):
        words = set(re.findall(r"[A-Za-z]{3,}", text))
        if text in msgids or (words - ALLOWED_WORDS):
            found.append(text)
    return found


@pytest.fixture(scope="module")
def msgids():
    return fab_msgids()


def test_catalogue_is_compiled_from_the_po_file():
    po_path = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    po = read_po(po_path.open("rb"))
    mo = read_mo((po_path.with_suffix(".mo")).open("rb"))
    assert {m.id: m.string for m in po if m.id} == {m.id: m.string for m in mo if m.id}, \
        "run: pybabel compile -d translations"


#: The one page each language test opens on purpose where there is nothing: the 404 page must read in Chinese too.
NOT_FOUND = "not found"


def assert_page_exists(name, response):
    """A page a language test reads must be the page itself, not a 404 that happens to be in Chinese."""
    expected = 404 if name == NOT_FOUND else 200
    assert response.status_code == expected, (name, response.status_code)


def admin_pages(client, campaign, user):
    yield "list", client.get("/campaigns/")
    yield "filtered list", client.get("/campaigns/?q=测试&state=published")
    yield "pagination", client.get("/referenceitemmodelview/list/?psize_ReferenceItemModelView=10&page_ReferenceItemModelView=2")
    yield "show", client.get(f"/campaigns/{campaign.id}")
    yield "add", client.get("/campaigns/new")
    yield "edit", client.get(f"/campaigns/{campaign.id}/edit")
    yield "batches", client.get("/batchmodelview/list/")
    yield "users", client.get("/city-accounts/list/")
    yield "user show", client.get(f"/city-accounts/show/{user.id}")
    yield "user add", client.get("/city-accounts/add")
    yield "user edit", client.get(f"/city-accounts/edit/{user.id}")
    yield "organisations", client.get("/organisationmodelview/list/")
    yield "home", client.get("/")
    yield "password", client.get("/account/password")
    yield NOT_FOUND, client.get("/campaigns/999999")


def test_every_page_is_chinese(app, db, make_client, msgids):
    campaign = make_campaign(name="测试活动")
    admin = make_user("系统管理员", username="zhadmin")
    make_user("基层工会用户", username="zhclerk")
    anonymous = make_client()
    problems = {}
    for name, path in (("login", "/login/"), ("front page", "/"), ("活动主页", f"/public/campaign/{campaign.id}"),
                       ("进度查询", "/public/progress")):
        response = anonymous.get(path)
        assert_page_exists(name, response)
        problems[name] = untranslated(response.get_data(as_text=True), msgids)
    client = make_client()
    assert login(client, admin.username).status_code == 302
    for name, response in admin_pages(client, campaign, admin):
        assert_page_exists(name, response)
        problems[name] = untranslated(response.get_data(as_text=True), msgids)
    problems = {k: sorted(set(v)) for k, v in problems.items() if v}
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_list_shows_delete_confirmation_and_actions_in_chinese(app, db, make_client):
    make_campaign(name="测试活动")
    admin = make_user("系统管理员", username="zhadmin")
    client = make_client()
    login(client, admin.username)
    make_user("区县局管理员", username="zhdistrict")
    html = client.get("/district-admins/list/").get_data(as_text=True)
    assert "确定删除此项吗" in html or "您确定要删除" in html
    assert "Are you sure" not in html
