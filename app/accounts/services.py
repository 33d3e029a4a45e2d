"""Account operations shared by the console, the demo loader, the admin screens and the tests."""
import secrets
import string

from flask import current_app
from werkzeug.security import generate_password_hash

from app.clock import utcnow
from app.extensions import appbuilder, db

_ALPHABET = string.ascii_letters + string.digits
_SYMBOLS = "#%+=@"


def one_time_password(length=12):
    """A random password that satisfies the password rules (all four character classes)."""
    while True:
        body = [secrets.choice(_ALPHABET) for _ in range(length - 1)] + [secrets.choice(_SYMBOLS)]
        secrets.SystemRandom().shuffle(body)
        pwd = "".join(body)
        if any(c.islower() for c in pwd) and any(c.isupper() for c in pwd) and any(c.isdigit() for c in pwd):
            return pwd


def hash_password(password):
    return generate_password_hash(
        password,
        method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )


def create_account(username, password, role_name, organisation, real_name, mobile=None, id_number=None,
                   must_change_password=True, created_by=None):
    """Add a user with one role in one organisation; the password is stored hashed."""
    sm = appbuilder.sm
    role = sm.find_role(role_name)
    if role is None:
        raise LookupError(f"role {role_name!r} is missing; run `flask seed`")
    user = sm.user_model(
        username=username,
        first_name=real_name[:64],
        last_name="",
        real_name=real_name,
        mobile=mobile,
        id_number=id_number,
        organisation=organisation,
        active=True,
        must_change_password=must_change_password,
        password=hash_password(password),
        created_on=utcnow(),
        changed_on=utcnow(),
    )
    if created_by is not None:
        user.created_by_fk = created_by.id
    user.roles = [role]
    db.session.add(user)
    db.session.flush()
    return user


def ensure_initial_admin():
    """On an empty database: the first 系统管理员 with a one-time password. Returns (username, password)."""
    from app.accounts.models import AppUser
    from app.accounts.roles import SYSTEM_ADMIN
    from app.orgs.models import Organisation

    if db.session.scalar(db.select(db.func.count()).select_from(AppUser)):
        return None
    root = db.session.scalar(db.select(Organisation).where(Organisation.parent_id.is_(None)))
    password = one_time_password()
    create_account("admin", password, SYSTEM_ADMIN, root, "系统管理员", must_change_password=True)
    db.session.commit()
    return "admin", password


class PasswordRejected(ValueError):
    """A password change the rules refuse; ``field`` names the form field the messages belong to."""

    def __init__(self, field, messages):
        super().__init__("; ".join(messages))
        self.field = field
        self.messages = messages


def set_password(user, new_password, must_change=False):
    """Store a new password hash, remember it in the history and end the user's other sessions."""
    from app.accounts.models import PasswordHistory

    user.password = hash_password(new_password)
    user.must_change_password = must_change
    user.session_epoch = (user.session_epoch or 0) + 1
    user.changed_on = utcnow()
    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password))


def recent_password_hashes(user):
    from app.accounts.models import PasswordHistory
    from app.accounts.passwords import HISTORY_SIZE

    return list(db.session.scalars(
        db.select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc()).limit(HISTORY_SIZE)))


def change_password(user, old_password, new_password):
    """The user's own change: checks the old password and every password rule."""
    from werkzeug.security import check_password_hash

    from app.accounts.events import record_event
    from app.accounts.passwords import password_problems

    if not user.password or not check_password_hash(user.password, old_password):
        record_event("password_change_failed", user=user, success=False)
        db.session.commit()
        raise PasswordRejected("old_password", ["原密码不正确"])
    problems = password_problems(new_password, user.username)
    history = [user.password] + recent_password_hashes(user)
    if any(check_password_hash(h, new_password) for h in history if h):
        problems.append("新密码不能与最近5次使用过的密码相同")
    if problems:
        raise PasswordRejected("new_password", problems)
    set_password(user, new_password, must_change=False)
    record_event("password_changed", user=user)
    db.session.commit()
    from flask import session

    # This session stays valid: it carries the new epoch.
    session["epoch"] = user.session_epoch


def reset_password(user, actor):
    """An admin's reset: a one-time password (returned, to be shown once), changed at the next login.

    It ends the user's sessions (set_password bumps the epoch) and lifts a login lock.
    """
    from app.accounts.events import record_event
    from app.accounts.lockout import unlock

    password = one_time_password()
    set_password(user, password, must_change=True)
    unlock(user)
    record_event("password_reset", user=actor, target=user, detail=f"重置账号 {user.username} 的密码")
    db.session.commit()
    return password


def deactivate_account(user, actor):
    """删除 in the manual: the account can no longer log in; the row and its applications stay."""
    from app.accounts.events import record_event

    if not user.active:
        return False
    user.active = False
    user.session_epoch = (user.session_epoch or 0) + 1
    user.changed_on = utcnow()
    user.changed_by_fk = getattr(actor, "id", None)
    record_event("account_deactivated", user=actor, target=user, detail=f"停用账号 {user.username}")
    db.session.commit()
    return True



def field_values(item, names):
    """The values of ``names`` on ``item`` (relationships by id, roles by name), to compare before/after.

    Taken before a form writes to the row: SQLAlchemy's own history is lost when loading a collection
    autoflushes the changes made so far.
    """
    values = {}
    for name in names:
        if name == "roles":
            values[name] = sorted(r.name for r in item.roles)
        elif name.endswith("_id") and hasattr(item, name[:-3]):
            related = getattr(item, name[:-3])
            values[name] = related.id if related is not None else None
        else:
            values[name] = getattr(item, name)
    return values


def changed_fields(before, item):
    """The names whose value on ``item`` differs from the snapshot ``before`` (see field_values)."""
    after = field_values(item, list(before))
    return [name for name in before if before[name] != after[name]]
