"""Account verbs: create, update, reset a password, deactivate, end sessions, log out.

Used by the admin screens, the console, the demo loader and the tests. Each verb writes its
security-log entries; the caller commits unless the verb says it does.
"""
import secrets
import string

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.events import changed_fields, record_event
from app.accounts.lockout import unlock
from app.accounts.models import AppUser, PasswordHistory
from app.accounts.passwords import HISTORY_SIZE, password_problems
from app.accounts.roles import SYSTEM_ADMIN
from app.clock import utcnow
from app.extensions import appbuilder, db
from app.orgs.models import Organisation, OrgKind
from app.orgs.services import create_org

_ALPHABET = string.ascii_letters + string.digits
_SYMBOLS = "#%+=@"

#: Account fields whose changes the security log names (never their values), with their titles.
FIELD_TITLES = {"username": "登录名", "real_name": "姓名", "id_number": "身份证", "organisation_id": "所属组织",
                "mobile": "手机号码"}
AUDITED_FIELDS = (*FIELD_TITLES, "active", "roles")


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


def end_sessions(user):
    """End every session of ``user``: each one carries an older epoch from its next request on."""
    user.session_epoch = (user.session_epoch or 0) + 1


def _stamp(user, actor):
    """Who changed the account and when; FAB's name columns follow the real name."""
    user.changed_on = utcnow()
    user.changed_by_fk = getattr(actor, "id", None)
    user.first_name = (user.real_name or user.username)[:64]
    user.last_name = user.last_name or ""


def add_account(user, password, actor=None, detail=None, must_change_password=True):
    """Store a new account (roles and organisation set): the password hashed, creator, time, names.

    ``actor``: the admin creating it, named in the security log with ``detail``.
    """
    user.password = hash_password(password)
    user.must_change_password = must_change_password
    _stamp(user, actor)
    user.created_on = user.changed_on
    user.created_by_fk = user.changed_by_fk
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        record_event("account_created", user=actor, target=user, detail=detail)
    return user


def create_account(username, password, role_name, organisation, real_name, mobile=None, id_number=None,
                   must_change_password=True, created_by=None, detail=None):
    """Add an active user with one role in one organisation; the password is stored hashed."""
    role = appbuilder.sm.find_role(role_name)
    if role is None:
        raise LookupError(f"role {role_name!r} is missing; run `flask seed`")
    user = AppUser(username=username, real_name=real_name, mobile=mobile, id_number=id_number,
                   organisation=organisation, active=True, roles=[role])
    return add_account(user, password, created_by, detail, must_change_password)


def update_account(user, actor, new_password=None):
    """Save an account a form has changed (call it before anything flushes): changer, time, names,
    security-log entries naming the changed fields; deactivation ends its sessions; a typed password
    replaces the old one and must be changed at the next login."""
    changed = changed_fields(user, AUDITED_FIELDS)
    _stamp(user, actor)
    titles = "、".join(FIELD_TITLES[name] for name in changed if name in FIELD_TITLES)
    if titles:
        record_event("account_changed", user=actor, target=user, detail=f"修改账号 {user.username}：{titles}")
    if "roles" in changed:
        record_event("role_changed", user=actor, target=user,
                     detail=f"账号 {user.username} 的角色改为：{'、'.join(r.name for r in user.roles)}")
    if "active" in changed:
        if user.active:
            record_event("account_changed", user=actor, target=user, detail=f"重新启用账号 {user.username}")
        else:
            end_sessions(user)
            record_event("account_deactivated", user=actor, target=user, detail=f"停用账号 {user.username}")
    if new_password:
        set_password(user, new_password, must_change=True)
        record_event("password_reset", user=actor, target=user,
                     detail=f"为账号 {user.username} 设置新密码（下次登录须修改）")


def add_grassroots_unit(unit_name, district, actor):
    """A new 基层工会 for the employer ``unit_name`` under ``district``, typed on an account form."""
    org = create_org(f"{unit_name}工会", OrgKind.GRASSROOTS, district, unit_name=unit_name)
    record_event("account_changed", user=actor, detail=f"新增基层工会 {org.name}")
    return org


def count_active_accounts(organisations):
    """How many active accounts belong to any of ``organisations``."""
    return db.session.scalar(select(func.count(AppUser.id)).where(
        AppUser.organisation_id.in_([o.id for o in organisations]), AppUser.active.is_(True)))


def ensure_initial_admin():
    """On an empty database: the first 系统管理员 with a one-time password. Returns (username, password)."""
    if db.session.scalar(select(func.count()).select_from(AppUser)):
        return None
    root = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
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
    """Store a new password hash, remember it in the history and end the user's sessions."""
    user.password = hash_password(new_password)
    user.must_change_password = must_change
    end_sessions(user)
    user.changed_on = utcnow()
    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password))


def recent_password_hashes(user):
    return list(db.session.scalars(
        select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc()).limit(HISTORY_SIZE)))


def change_password(user, old_password, new_password):
    """The user's own change: checks the old password and every password rule; commits."""
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


def reset_password(user, actor):
    """An admin's reset: a one-time password (returned, to be shown once), changed at the next login.

    It ends the user's sessions and lifts a login lock; commits.
    """
    password = one_time_password()
    set_password(user, password, must_change=True)
    unlock(user)
    record_event("password_reset", user=actor, target=user, detail=f"重置账号 {user.username} 的密码")
    db.session.commit()
    return password


def deactivate_account(user, actor):
    """删除 in the manual: the account can no longer log in; the row and its applications stay; commits."""
    if not user.active:
        return False
    user.active = False
    end_sessions(user)
    _stamp(user, actor)
    record_event("account_deactivated", user=actor, target=user, detail=f"停用账号 {user.username}")
    db.session.commit()
    return True


def log_out(user):
    """Logging out ends every session of the account, not only this one; commits."""
    end_sessions(user)
    record_event("logout", user=user)
    db.session.commit()
