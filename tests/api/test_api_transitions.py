"""Every transition the API offers, and each refusal: the same rules as the pages, answered in JSON."""
from datetime import timedelta

import pytest

from app.clock import today
from app.review.models import ReviewRecord
from app.review.states import State
from tests.api.conftest import make_token

URL = "/api/v1/applications/{id}/transitions/{name}"


def post(client, application, name, **body):
    body.setdefault("version", application.version)
    return client.post(URL.format(id=application.id, name=name), json=body)


def records(db, application):
    return db.session.scalars(db.select(ReviewRecord).where(ReviewRecord.application_id == application.id)).all()


@pytest.fixture
def clients(world, api):
    return {
        "clerk": api(make_token(world.baoshan_clerk)),
        "district": api(make_token(world.baoshan_admin)),
        "city": api(make_token(world.city_admin)),
        "finance": api(make_token(world.finance)),
        "foreign_district": api(make_token(world.hongkou_admin)),
    }


SUCCESSES = [
    ("clerk", "withdraw", State.PENDING, {}, State.WITHDRAWN),
    ("district", "approve_by_district", State.PENDING, {}, State.DISTRICT_APPROVED),
    ("district", "reject_by_district", State.PENDING, {"comment": "证书复印件不清晰"}, State.DISTRICT_REJECTED),
    ("city", "approve_final", State.DISTRICT_APPROVED, {"comment": "核对无误"}, State.FINAL_APPROVED),
    ("city", "reject_final", State.DISTRICT_APPROVED, {"comment": "证书信息不符"}, State.FINAL_REJECTED),
    ("district", "void", State.DISTRICT_APPROVED, {"comment": "重复申报"}, State.VOIDED),
    ("city", "void", State.FINAL_APPROVED, {"comment": "重复申报"}, State.VOIDED),
]


@pytest.mark.parametrize(("who", "name", "source", "body", "target"), SUCCESSES,
                         ids=[f"{w}-{n}" for w, n, *_ in SUCCESSES])
def test_each_transition_through_the_api(db, world, clients, who, name, source, body, target):
    application = world.app(source)
    body = {k: (today().isoformat() if v == "TODAY" else v) for k, v in body.items()}
    response = post(clients[who], application, name, **body)
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()["result"]
    assert result["state"] == target.value and result["version"] == application.version + 1
    assert result["reviews"][-1]["via"] == "api"
    [record] = records(db, application)
    assert (record.action, record.via, record.to_state) == (name, "api", target.value)
    assert record.comment == body.get("comment")


def test_record_payment_through_the_api(db, world, clients):
    world.submitted_request(technician="800")
    application = world.app(State.FUNDED)
    response = post(clients["district"], application, "record_payment", paid_on=today().isoformat(),
                    card_no="6222 abc")
    assert response.status_code == 422 and "card_no" in response.get_json()["errors"]
    card = application.bank_card_no or application.union_card_no
    response = post(clients["district"], application, "record_payment", paid_on=today().isoformat(), card_no=card)
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()["result"]
    assert result["state"] == State.PAID.value and result["district_amount"] == "800.00"


REFUSALS = [
    # (who, transition, state, body, status, words in the message)
    ("district", "approve_by_district", State.DISTRICT_APPROVED, {}, 422, "不能审核通过"),
    ("district", "reject_by_district", State.PENDING, {}, 422, "请填写原因"),
    ("district", "reject_by_district", State.PENDING, {"comment": "字" * 501}, 422, "原因最多500字"),
    ("city", "approve_by_district", State.PENDING, {}, 422, "您的角色不能执行“审核通过”"),
    ("clerk", "approve_by_district", State.PENDING, {}, 422, "您的角色不能执行"),
    ("district", "approve_final", State.DISTRICT_APPROVED, {}, 422, "您的角色不能执行"),
    ("city", "reject_final", State.DISTRICT_APPROVED, {}, 422, "请填写原因"),
    # 配套发放 is taken only on 奖励资金划拨, under a voucher: the API says so, whatever the body.
    ("finance", "fund", State.FINAL_APPROVED, {}, 422, "奖励资金划拨"),
    ("finance", "fund", State.FINAL_APPROVED, {"funded_on": "TODAY"}, 422, "填写凭证号划拨"),
    ("finance", "fund", State.FINAL_APPROVED, {"funded_on": "TODAY", "voucher_no": "V-1"}, 422, "奖励资金划拨"),
    ("city", "fund", State.FINAL_APPROVED, {"funded_on": "TODAY"}, 422, "奖励资金划拨"),
    # Not on finance's screen (配套发放查询 shows 终审通过 and later): as unknown as on the page.
    ("finance", "fund", State.DISTRICT_APPROVED, {"funded_on": "TODAY"}, 404, ""),
    ("district", "record_payment", State.FUNDED, {"paid_on": "TODAY", "card_no": "6222020000000000000"}, 422,
     "申请单"),
    ("district", "void", State.FINAL_APPROVED, {"comment": "重复"}, 422, "不能作废"),
    ("district", "void", State.PENDING, {}, 422, "请填写原因"),
    ("finance", "void", State.FINAL_APPROVED, {"comment": "重复"}, 422, "您的角色不能执行"),
    ("clerk", "withdraw", State.DISTRICT_APPROVED, {}, 422, "不能撤回"),
    ("district", "withdraw", State.PENDING, {}, 422, "您的角色不能执行"),
    ("district", "approve_by_district", State.PENDING, {"version": "1"}, 422, "版本号"),
    ("district", "approve_by_district", State.PENDING, {"version": 7}, 409, "该申请已被他人处理，请刷新后重试"),
    ("district", "correct", State.PENDING, {}, 404, ""),
    ("district", "delete", State.PENDING, {}, 404, ""),
    ("foreign_district", "approve_by_district", State.PENDING, {}, 404, ""),
]


@pytest.mark.parametrize(("who", "name", "source", "body", "status", "words"), REFUSALS,
                         ids=[f"{r[0]}-{r[1]}-{r[2].value}-{r[4]}-{i}" for i, r in enumerate(REFUSALS)])
def test_each_refusal_writes_nothing(db, world, clients, who, name, source, body, status, words):
    application = world.app(source)
    days = {"TODAY": today(), "TOMORROW": today() + timedelta(days=1)}
    body = {k: (days[v].isoformat() if v in days else v) for k, v in body.items()}
    response = post(clients[who], application, name, **body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert words in response.get_json()["message"]
    db.session.expire_all()
    assert records(db, application) == []
    assert db.session.get(type(application), application.id).state == source.value


def test_someone_acted_first_answers_409_with_the_reason(db, world, clients):
    application = world.app()
    seen = clients["district"].get(f"/api/v1/applications/{application.id}").get_json()["result"]["version"]
    assert post(clients["district"], application, "approve_by_district", version=seen).status_code == 200
    again = post(clients["district"], application, "reject_by_district", version=seen, comment="晚了")
    assert again.status_code == 409 and again.get_json()["message"] == "该申请已被他人处理，请刷新后重试"


def test_review_window_closed_is_refused_as_on_the_page(db, world, clients, clock):
    application = world.app()
    clock.set(application.batch.paper_deadline + timedelta(days=1))
    response = post(clients["district"], application, "approve_by_district")
    assert response.status_code == 422 and "审核已于" in response.get_json()["message"]


def test_a_body_that_is_not_json_is_a_400(db, world, clients):
    application = world.app()
    response = clients["district"].post(URL.format(id=application.id, name="approve_by_district"), data="x",
                                        content_type="text/plain")
    assert response.status_code == 400
