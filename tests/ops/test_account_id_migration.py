"""Migration 0012 on a database holding accounts' ID numbers in clear and attachment names carrying a whole ID
number: the numbers encrypted with their hash, the names masked; its downgrade gives the clear numbers back."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app.accounts.models import AppUser
from app.applications.models import Attachment
from app.security.personal import keyring, lookup_hash
from tests.factories import make_application, make_user
from tests.ids import unique_id_number

BEFORE = "0012-1"  # the revision before this one, wherever the chain puts it


def raw(db):
    with db.engine.connect() as conn:
        return {row.id: row.id_number for row in conn.execute(text("SELECT id, id_number FROM ab_user"))}


def test_upgrade_encrypts_account_numbers_and_masks_scan_names(app, db):
    numbers = [unique_id_number() for _ in range(3)]
    users = [make_user(id_number=n) for n in numbers] + [make_user()]
    application = make_application(users[0])
    db.session.add(Attachment(application_id=application.id, kind="id_copy", original_name=f"{numbers[0]}_身份证.png",
                              stored_name="f" * 32 + ".png", content_type="image/png", size=1, sha256="0" * 64,
                              uploaded_by_id=users[0].id, organisation_id=users[0].organisation_id))
    db.session.commit()
    expected = {u.id: n for u, n in zip(users, [*numbers, None])}
    db.session.remove()
    try:
        downgrade(revision=BEFORE)
        assert {k: v for k, v in raw(db).items() if k in expected} == expected
        with db.engine.begin() as conn:  # as the old code stored a zip's scan name
            conn.execute(text("UPDATE attachments SET original_name = :name"), {"name": f"{numbers[0]}_身份证.png"})
    finally:
        db.session.remove()
        upgrade()
    rows = raw(db)
    dump = repr(rows)
    assert all(n not in dump for n in numbers)
    assert all(rows[u.id].startswith(keyring().active + ":") for u in users[:3]) and rows[users[3].id] is None
    with db.engine.connect() as conn:
        hashes = dict(conn.execute(text("SELECT id, id_number_hmac FROM ab_user")).all())
        names = conn.execute(text("SELECT original_name FROM attachments")).scalars().all()
    assert hashes[users[1].id] == lookup_hash(numbers[1], "id") and hashes[users[3].id] is None
    assert set(names) == {f"{numbers[0][:6]}********{numbers[0][-4:]}_身份证.png"}
    db.session.expire_all()
    assert db.session.get(AppUser, users[2].id).id_number == numbers[2]
    assert db.session.scalar(select(AppUser.id).where(AppUser.id_number == numbers[1])) == users[1].id
