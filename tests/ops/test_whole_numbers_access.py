"""Whole personal numbers only for the roles that need them, and every view of them (detail page, print view,
汇总表) recorded in the 安全日志 with who and when; 市总财务 sees them masked and leaves no such record."""
import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.accounts.models import SecurityEvent
from app.accounts.roles import DISTRICT_ADMIN, FINANCE
from app.masking import mask_card, mask_id_number
from app.review.states import State
from tests.factories import make_application, make_user


def events(db, kind):
    db.session.expire_all()
    return db.session.scalars(select(SecurityEvent).where(SecurityEvent.event == kind)).all()


def workbook_text(response):
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return repr([row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)])


def test_district_sees_whole_numbers_and_each_view_is_recorded(app, db, login_as):
    clerk = make_user()
    item = make_application(clerk)
    district = make_user(DISTRICT_ADMIN)
    c = login_as(district)
    page = c.get(f"/review/district/show/{item.id}").get_data(as_text=True)
    assert item.id_number in page and item.bank_card_no in page
    (view,) = events(db, "personal_view")
    assert view.user_id == district.id and view.organisation_id == district.organisation_id
    assert view.created_at is not None and f"#{item.id}" in view.detail and item.id_number not in view.detail

    assert c.get(f"/application/{item.id}/print").status_code == 200
    assert [e.user_id for e in events(db, "personal_print")] == [district.id]

    excel = c.get("/review/district/excel/")
    assert excel.status_code == 200 and item.id_number in workbook_text(excel)
    (export,) = events(db, "personal_export")
    assert export.user_id == district.id and "1 行" in export.detail and item.id_number not in export.detail


def test_the_clerk_who_entered_them_sees_them_and_is_recorded(app, db, login_as):
    clerk = make_user()
    item = make_application(clerk)
    page = login_as(clerk).get(f"/myapplicationmodelview/show/{item.id}")
    assert page.status_code == 200
    assert item.id_number in page.get_data(as_text=True)
    assert [e.user_id for e in events(db, "personal_view")] == [clerk.id]


def test_finance_sees_them_masked_and_leaves_no_whole_number_record(app, db, login_as):
    clerk = make_user()
    item = make_application(clerk, state=State.PAID)
    item.paid_card_no = item.bank_card_no
    db.session.commit()
    c = login_as(make_user(FINANCE))
    page = c.get(f"/payments/funding/show/{item.id}").get_data(as_text=True)
    assert mask_id_number(item.id_number) in page and mask_card(item.bank_card_no) in page
    assert item.id_number not in page and item.bank_card_no not in page
    excel = c.get("/payments/funding/excel/")
    assert excel.status_code == 200
    text = workbook_text(excel)
    assert mask_id_number(item.id_number) in text and item.id_number not in text and item.bank_card_no not in text
    assert not events(db, "personal_view") and not events(db, "personal_export")


def test_an_account_form_holding_an_id_number_is_recorded_when_opened(app, db, login_as):
    """用户管理 → 修改: the form shows the clerk's 身份证号码 whole, so opening it is in the 安全日志 like a detail
    page; a form without one leaves no record, and sending the form adds none."""
    from tests.ids import id_number

    district = make_user(DISTRICT_ADMIN)
    with_number = make_user(id_number=id_number())
    without = make_user()
    c = login_as(district)
    page = c.get(f"/user-management/edit/{with_number.id}").get_data(as_text=True)
    assert with_number.id_number in page
    (view,) = events(db, "personal_view")
    assert view.user_id == district.id and with_number.username in view.detail
    assert with_number.id_number not in view.detail
    assert c.get(f"/user-management/edit/{without.id}").status_code == 200
    assert len(events(db, "personal_view")) == 1


def test_a_download_made_in_the_request_never_touches_the_disk(app, db, login_as, monkeypatch):
    """汇总表 and the other downloads made while the user waits hold whole numbers: they are built in memory,
    never in a temporary file (which would put them on the disk in clear)."""
    import tempfile

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("a download went through a temporary file")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_temporary_file)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temporary_file)
    clerk = make_user()
    item = make_application(clerk)
    c = login_as(make_user(DISTRICT_ADMIN))
    excel = c.get("/review/district/excel/")
    assert excel.status_code == 200 and item.id_number in workbook_text(excel)
    assert int(excel.headers["Content-Length"]) == len(excel.data)  # sent from memory, its size known
    stats = c.get("/stats/excel?dimension=state")
    assert stats.status_code == 200 and stats.data[:2] == b"PK"
