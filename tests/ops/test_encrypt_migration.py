"""Migration 0010 on a database holding clear numbers: every row encrypted with its hash and birth date, the
look-ups work again; its downgrade gives the clear numbers back."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app.applications.models import Application
from tests.factories import make_application, make_user

BEFORE = "0010-1"  # the revision before this one, wherever the chain puts it


def raw(db):
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT id, id_number, bank_card_no FROM applications ORDER BY id")).all()


def test_upgrade_encrypts_existing_rows_and_downgrade_restores_them(app, db):
    user = make_user()
    made = [make_application(user) for _ in range(7)]
    clear = {m.id: (m.id_number, m.bank_card_no) for m in made}
    db.session.remove()
    try:
        downgrade(revision=BEFORE)
        assert {row.id: (row.id_number, row.bank_card_no) for row in raw(db)} == clear
    finally:
        db.session.remove()
        upgrade()
    rows = raw(db)
    assert all(":" in row.id_number and row.id_number not in clear[row.id] for row in rows)
    db.session.expire_all()
    for item in made:
        found = db.session.scalar(select(Application).where(Application.id_number == item.id_number))
        assert found.id == item.id and found.bank_card_no == clear[item.id][1]
        assert found.birth_date.strftime("%Y%m%d") == item.id_number[6:14]
