"""The platform's user (a FAB user with an organisation) and the security audit log."""
import warnings

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, cast, null, true
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.clock import utcnow
from app.models_base import Model
from app.orgs.services import district_of
from app.security.personal import EncryptedString

#: Titles of the stable event codes of the security log (SecurityEvent.event).
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
    "progress_query": "进度查询",
    "api_token_created": "创建API令牌",
    "api_token_revoked": "撤销API令牌",
    "personal_view": "查看完整个人信息",
    "personal_print": "打印完整个人信息",
    "personal_export": "导出完整个人信息",
    "job_submitted": "提交后台任务",
    "job_finished": "后台任务结束",
}

with warnings.catch_warnings():
    # Redeclaring FAB's email column (made optional) is intended.
    warnings.simplefilter("ignore", sa_exc.SAWarning)

    class AppUser(User):
        __tablename__ = "ab_user"

        #: Optional here: clerks are reached by mobile, not e-mail.
        email = mapped_column(String(320), unique=True, nullable=True)
        organisation_id: Mapped[int | None] = mapped_column(
            ForeignKey("organisations.id"), index=True, nullable=True)
        real_name: Mapped[str | None] = mapped_column(String(30))
        mobile: Mapped[str | None] = mapped_column(String(11))
        #: 身份证号码, encrypted at rest with its keyed hash beside it (app/security/personal.py).
        id_number: Mapped[str | None] = mapped_column(
            EncryptedString("user_id_number", "id", "id_number_hmac"), nullable=True)
        id_number_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True)
        must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
        locked_until = mapped_column(DateTime, nullable=True)
        #: Bumped on logout, password change, reset and deactivation: older sessions stop working.
        session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
        #: Whether the messages of 消息中心 are also sent to ``email`` (the user may turn it off).
        email_notifications: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True,
                                                          server_default=true())

        organisation = relationship("Organisation", lazy="joined")
        #: 报名次数: filled only by list queries that ask for it (app.accounts.views.common.UserListInterface).
        application_count = query_expression(cast(null(), Integer))

        # Not columns: what an account form typed, handed on the row to the account service.
        #: The password typed on 添加用户 / 修改用户, hashed by the service (blank: none).
        typed_password = None
        #: 新单位名称: a 基层工会 to create for the account (blank: none).
        new_unit_name = None

        @property
        def district_name(self):
            """区县局: the 区县局（产业）工会 the account's organisation belongs to."""
            district = district_of(self.organisation) if self.organisation is not None else None
            return district.name if district is not None else ""

        @property
        def unit_name(self):
            """单位: the employer of the account's 基层工会 (its name when no 单位 is recorded)."""
            org = self.organisation
            if org is None:
                return ""
            return org.unit_name or org.name

        @property
        def display_name(self):
            return self.real_name or self.username

        def get_full_name(self):
            return self.display_name


class PasswordHistory(Model):
    """The last password hashes of a user, so a new password cannot repeat one of them."""

    __tablename__ = "password_histories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)


class SecurityEvent(Model):
    """Security audit log: logins, failures, lockouts, password and account changes."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    #: The name as typed on the login form (may not exist).
    username: Mapped[str | None] = mapped_column(String(128))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    address: Mapped[str | None] = mapped_column(String(64))
    #: Stable code, e.g. login, login_failed, locked, password_changed (titles in EVENT_TITLES).
    event: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    success: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Free text without passwords or full personal numbers.
    detail: Mapped[str | None] = mapped_column(String(500))
    #: The account the event is about, when it is not the actor (reset, role change).
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    user = relationship("AppUser", foreign_keys=[user_id])
    target = relationship("AppUser", foreign_keys=[target_user_id])
    organisation = relationship("Organisation")

    @property
    def event_title(self):
        return EVENT_TITLES.get(self.event, self.event)
