"""Personal numbers encrypted at rest: the raw table holds no clear ID or card number, Python reads clear
text, SQL equality / IN work through the keyed hash, other operators are refused, every write path keeps
the hash in step, keys rotate."""
import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import aliased

from app.accounts.models import AppUser
from app.applications.models import Application
from app.security import personal
from app.security.personal import DataKeyError, lookup_hash, new_key, parse_data_keys
from tests.factories import make_application, make_user
from tests.ids import unique_bank_card, unique_id_number

RAW = ("SELECT id_number, id_number_hmac, union_card_no, bank_card_no, paid_card_no, birth_date "
       "FROM applications ORDER BY id")


def raw_rows(db):
    with db.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(RAW))]


def test_the_raw_table_holds_no_clear_number(app, db):
    user = make_user()
    union = "8888000011112222"
    made = [make_application(user), make_application(user, union_card_no=union, bank_card_no=None)]
    db.session.execute(update(Application).where(Application.id == made[0].id)
                       .values(paid_card_no=made[0].bank_card_no))
    db.session.commit()
    rows = raw_rows(db)
    dump = repr(rows)
    for item in made:
        assert item.id_number not in dump
    assert made[0].bank_card_no not in dump and union not in dump
    for row in rows:
        assert row["id_number"].startswith(personal.keyring().active + ":")
        assert len(row["id_number_hmac"]) == 64
    assert str(rows[0]["birth_date"]).replace("-", "") == made[0].id_number[6:14]
    # The accounts' ID numbers too (用户管理 records a clerk's 身份证).
    number = unique_id_number()
    account = make_user(id_number=number)
    with db.engine.connect() as conn:
        stored, hashed = conn.execute(text("SELECT id_number, id_number_hmac FROM ab_user WHERE id = :id"),
                                      {"id": account.id}).one()
        every_account = repr(conn.execute(text("SELECT * FROM ab_user")).all())
    assert number not in every_account and stored.startswith(personal.keyring().active + ":")
    assert hashed == lookup_hash(number, "id")
    # Python reads clear text.
    db.session.expire_all()
    again = db.session.get(Application, made[1].id)
    assert again.id_number == made[1].id_number and again.union_card_no == union
    assert db.session.get(Application, made[0].id).paid_card_no == made[0].bank_card_no
    assert db.session.get(AppUser, account.id).id_number == number
    assert db.session.scalar(select(AppUser.id).where(AppUser.id_number == number)) == account.id


def test_equality_and_in_work_in_sql(app, db):
    user = make_user()
    a, b = make_application(user), make_application(user)
    assert db.session.scalars(select(Application.id).where(Application.id_number == a.id_number)).all() == [a.id]
    assert set(db.session.scalars(select(Application.id).where(
        Application.id_number.in_([a.id_number, b.id_number, unique_id_number()])))) == {a.id, b.id}
    assert db.session.scalars(select(Application.id).where(Application.id_number != a.id_number)).all() == [b.id]
    assert db.session.scalars(select(Application.id).where(Application.bank_card_no == b.bank_card_no)).all() == [b.id]
    assert db.session.scalars(select(Application.id).where(Application.union_card_no.is_(None))).all() == [a.id, b.id]
    other = aliased(Application)
    assert db.session.scalars(select(other.id).where(other.id_number == b.id_number)).all() == [b.id]
    # Selecting the column itself gives clear text.
    assert db.session.scalars(select(Application.id_number).where(Application.id == a.id)).one() == a.id_number


def test_other_operators_are_refused(app, db):
    for build in (lambda: Application.id_number.like("3101%"), lambda: Application.id_number < "3",
                  lambda: Application.bank_card_no.contains("1234")):
        with pytest.raises(NotImplementedError, match="只能按等于"):
            build()


def test_every_write_path_keeps_the_hash_in_step(app, db):
    user = make_user()
    item = make_application(user)
    # The ORM unit of work.
    new_id = unique_id_number()
    item.id_number = new_id
    db.session.commit()
    assert db.session.scalar(select(Application.id).where(Application.id_number == new_id)) == item.id
    # An UPDATE statement (what apply_transition runs with the corrected fields).
    newer = unique_id_number()
    db.session.execute(update(Application).where(Application.id == item.id).values(id_number=newer))
    db.session.commit()
    assert db.session.scalar(select(Application.id).where(Application.id_number == newer)) == item.id
    assert db.session.scalar(select(Application.id).where(Application.id_number == new_id)) is None
    row = raw_rows(db)[0]
    assert row["id_number_hmac"] == lookup_hash(newer, "id")
    assert str(row["birth_date"]).replace("-", "") == newer[6:14]
    # A bulk INSERT with many parameter sets (the benchmark's generator, imports).
    values = {c.name: getattr(item, c.key) for c in Application.__table__.c
              if c.name not in ("id",) and not c.name.endswith("_hmac") and c.name != "birth_date"}
    numbers = [unique_id_number(), unique_id_number()]
    db.session.execute(insert(Application.__table__), [
        {**values, "id_number": n, "certificate_no": f"CERT{k}", "bank_card_no": unique_bank_card()}
        for k, n in enumerate(numbers)])
    db.session.commit()
    assert db.session.scalar(select(Application.id).where(Application.id_number == numbers[1])) is not None
    assert all(numbers[0] not in repr(r) for r in raw_rows(db))


def test_first_time_unique_index_still_holds(app, db):
    from sqlalchemy.exc import IntegrityError

    user = make_user()
    first = make_application(user)
    with pytest.raises(IntegrityError):
        make_application(user, id_number=first.id_number)
    db.session.rollback()


def test_rotation_reencrypts_with_the_new_key_in_batches(app, db):
    user = make_user()
    made = [make_application(user) for _ in range(5)]
    old = app.config["DATA_KEYS"]
    app.config["DATA_KEYS"] = f"k9:{new_key()},{old}"
    try:
        result = CliRunner().invoke(app.cli, ["rotate-data-key", "--batch", "2"], obj=None,
                                    catch_exceptions=False)
        assert "重新加密 5 行" in result.output, result.output
        rows = raw_rows(db)
        assert all(r["id_number"].startswith("k9:") and r["bank_card_no"].startswith("k9:") for r in rows)
        # The old key can go now.
        app.config["DATA_KEYS"] = app.config["DATA_KEYS"].split(",")[0]
        db.session.expire_all()
        assert [db.session.get(Application, m.id).id_number for m in made] == [m.id_number for m in made]
        assert db.session.scalar(select(Application.id).where(Application.id_number == made[2].id_number)) \
            == made[2].id
    finally:
        app.config["DATA_KEYS"] = old
        personal.keyring(app)


def test_a_value_under_an_unknown_key_or_tampered_is_refused(app, db):
    ring = personal.keyring()
    sealed = ring.encrypt("310109198309073016", "id_number")
    with pytest.raises(DataKeyError, match="校验失败"):
        ring.decrypt(sealed, "bank_card_no")  # moved to another column
    with pytest.raises(DataKeyError, match="未配置的密钥"):
        ring.decrypt("zz:" + sealed.partition(":")[2], "id_number")


def test_key_settings_are_checked():
    with pytest.raises(DataKeyError):
        parse_data_keys("")
    with pytest.raises(DataKeyError):
        parse_data_keys("k1:short")
    active, keys = parse_data_keys(f"k2:{new_key()},k1:{new_key()}")
    assert active == "k2" and set(keys) == {"k1", "k2"}


def test_production_refuses_to_start_without_the_data_keys(tmp_path, monkeypatch):
    from config import Config

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("DATA_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="DATA_KEYS"):
        Config()
    monkeypatch.setenv("DATA_KEYS", f"k1:{new_key()}")
    monkeypatch.delenv("DATA_LOOKUP_KEY", raising=False)
    with pytest.raises(RuntimeError, match="DATA_LOOKUP_KEY"):
        Config()
    assert not (tmp_path / "data_keys").exists()


def test_development_generates_the_keys_once_into_the_instance_folder(tmp_path, monkeypatch):
    from config import Config

    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("DATA_KEYS", raising=False)
    monkeypatch.delenv("DATA_LOOKUP_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    first = Config()
    assert first.DATA_KEYS.startswith("k1:") and Config().DATA_KEYS == first.DATA_KEYS
    assert oct((tmp_path / "data_keys").stat().st_mode)[-3:] == "600"
    parse_data_keys(first.DATA_KEYS)


def test_the_register_matches_applications_through_the_hash(app, db):
    from datetime import date

    from app.verification.models import RegisterEntry, RegisterImport

    user = make_user()
    item = make_application(user)
    imported = RegisterImport(file_name="证书信息.xlsx", row_count=2, imported_by_id=user.id)
    db.session.add(imported)
    db.session.flush()
    for number in (item.id_number, unique_id_number()):
        db.session.add(RegisterEntry(import_id=imported.id, certificate_no=item.certificate_no, name="张三",
                                     id_number=number, level="2", issue_date=date(2014, 12, 1), issuer="人社局"))
    db.session.commit()
    with db.engine.connect() as conn:
        raw = repr(conn.execute(text("SELECT * FROM register_entries")).all())
    assert item.id_number not in raw
    matched = db.session.execute(select(Application.id, RegisterEntry.id_number)
                                 .join(RegisterEntry, RegisterEntry.id_number == Application.id_number)).all()
    assert matched == [(item.id, item.id_number)]
    reverse = db.session.scalars(select(RegisterEntry.id).join(
        Application, Application.id_number == RegisterEntry.id_number)).all()
    assert len(reverse) == 1
