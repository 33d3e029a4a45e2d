"""Words and figures every role meets read the same way everywhere: sizes, times, Chinese widgets."""
import re
from pathlib import Path

from app.review.states import State
from tests.review.world import make_world


def test_attachment_size_reads_the_same_for_reviewer_and_clerk(app, db, login_as, clock):
    from app.applications.models import Attachment

    world = make_world()
    application = world.app(State.PENDING)
    attachment = db.session.scalar(db.select(Attachment).where(Attachment.application_id == application.id))
    if attachment is None:
        attachment = Attachment(application_id=application.id, kind="certificate", original_name="证书.jpg",
                                stored_name="x" * 32, content_type="image/jpeg", size=300, sha256="0" * 64,
                                uploaded_by_id=world.baoshan_clerk.id,
                                organisation_id=world.baoshan_clerk.organisation_id)
        db.session.add(attachment)
    attachment.size = 300  # under half a kilobyte: once "0 KB" for the reviewer, "1 KB" for the clerk
    db.session.commit()
    clerk = login_as(world.baoshan_clerk).get(f"/myapplicationmodelview/show/{application.id}").get_data(as_text=True)
    reviewer = login_as(world.baoshan_admin).get(f"/review/district/show/{application.id}").get_data(as_text=True)
    assert "1 KB" in clerk and "1 KB" in reviewer and "0 KB" not in reviewer


def test_stored_times_read_in_shanghai_time(app, db, login_as, clock):
    from datetime import datetime

    from app.orgs.models import Organisation

    world = make_world()
    org = world.baoshan_unit
    db.session.get(Organisation, org.id).created_at = datetime(2015, 3, 1, 23, 30)  # UTC
    db.session.commit()
    html = login_as(world.city_admin).get(f"/organisationmodelview/show/{org.id}").get_data(as_text=True)
    assert "2015-03-02 07:30" in html and "23:30" not in html


def test_the_alert_box_and_the_datepicker_speak_chinese(app, db, login_as, clock):
    world = make_world()
    html = login_as(world.city_admin).get("/batchmodelview/list/").get_data(as_text=True)
    assert re.search(r'id="modal-alert".*确定', html, re.S) and ">OK<" not in html
    assert "bootstrap-datepicker.zh-CN.min.js" in html and "select2.zh-CN.js" in html
    script = (Path(app.static_folder) / "js" / "app.js").read_text()
    assert 'defaults.language = "zh-CN"' in script


def test_the_display_filter_shows_stored_times_in_shanghai_and_dates_as_iso():
    from datetime import date, datetime

    from app.web import display

    assert display(datetime(2015, 3, 1, 23, 30)) == "2015-03-02 07:30"
    assert display(date(2015, 4, 1)) == "2015-04-01"
    assert (display(None), display(True), display(False)) == ("", "是", "否")
