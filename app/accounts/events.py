"""Writing the security audit log. Never a password, never a full ID or card number."""
from flask import has_request_context, request

from app.extensions import db

EVENT_TITLES = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "locked": "账号锁定",
    "logout": "退出登录",
    "password_changed": "修改密码",
    "password_change_failed": "修改密码失败",
    "password_reset": "重置密码",
    "account_created": "创建账号",
    "account_changed": "修改账号",
    "account_deactivated": "停用账号",
    "role_changed": "角色变更",
    "org_changed": "修改组织机构",
    "export": "导出数据",
}


def client_address():
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:64]


def record_event(event, user=None, username=None, success=True, detail=None, target=None):
    """Add one security event to the session (the caller commits)."""
    from app.accounts.models import SecurityEvent

    db.session.add(SecurityEvent(
        event=event,
        user_id=getattr(user, "id", None),
        username=username or getattr(user, "username", None),
        organisation_id=getattr(user, "organisation_id", None),
        address=client_address(),
        success=success,
        detail=detail,
        target_user_id=getattr(target, "id", None),
    ))
