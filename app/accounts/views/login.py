"""The login page (用户名, 密码, 验证码), its captcha image, and logging out (POST only)."""
from flask import current_app, flash, g, make_response, redirect, request, session, url_for
from flask_appbuilder import expose
from flask_appbuilder.api import BaseApi
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.accounts import captcha
from app.accounts.login import authenticate
from app.accounts.services import log_out
from app.accounts.sessions import end_session, start_session
from app.extensions import limiter

#: The one answer to every failed login: it never tells which of the three was wrong.
INVALID_LOGIN = _l("用户名、密码或验证码不正确")


def locked_message():
    # Shown for any login name that reached the limit, whether or not an account has that name.
    return _l("该账号连续登录失败次数过多，已被锁定，请%(minutes)s分钟后再试",
              minutes=current_app.config.get("LOGIN_LOCK_MINUTES", 15))


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(message=_l("请输入用户名")), Length(max=128)])
    password = PasswordField(_l("密码"), validators=[DataRequired(message=_l("请输入密码")), Length(max=256)])
    # A missing answer is a wrong answer (counted as a failed attempt), so no DataRequired here.
    captcha = StringField(_l("验证码"), validators=[Length(max=16)])


def _login_rate_limit():
    return current_app.config.get("LOGIN_RATE_LIMIT", "30 per minute")


class AppAuthDBView(AuthDBView):
    login_template = "security/login.html"
    logout_template = "security/logout.html"
    title = _l("用户登录")

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    @limiter.limit(_login_rate_limit, methods=["POST"])
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm()
        error = None
        if request.method == "POST":
            # Every POST uses up the challenge, whatever else is wrong with it.
            captcha_ok = captcha.check(form.captcha.data)
            if form.validate():
                outcome = authenticate(form.username.data, form.password.data, captcha_ok)
                if outcome.user is not None:
                    next_url = request.args.get("next")
                    next_url = get_safe_redirect(next_url) if next_url else self.appbuilder.get_url_for_index
                    start_session(outcome.user)
                    return redirect(next_url)
                error = locked_message() if outcome.locked else INVALID_LOGIN
            form.captcha.data = ""
        return self.render_template(self.login_template, title=self.title, form=form, error=error,
                                    appbuilder=self.appbuilder, captcha_url=url_for(".captcha_image"))

    @expose("/login/captcha.png")
    def captcha_image(self):
        """A fresh challenge for this session, as a PNG image."""
        response = make_response(captcha.issue())
        response.headers["Content-Type"] = "image/png"
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        """GET asks for confirmation (it changes nothing); POST (with its CSRF token) logs out."""
        user = self._get_authenticated_user()
        if request.method == "GET":
            if user is None:
                return redirect(self.appbuilder.get_url_for_login)
            return self.render_template(self.logout_template, appbuilder=self.appbuilder)
        if user is not None:
            log_out(user)
        end_session()
        flash(str(_l("您已安全退出系统")), "info")
        session.modified = True
        return redirect(self.appbuilder.get_url_for_login)


class SecurityApiDisabled(BaseApi):
    """In place of FAB's JSON login (/api/v1/security/login), which would skip the captcha."""

    resource_name = "security"
    version = "v1"
