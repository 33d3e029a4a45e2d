"""修改密码 (原密码, 新密码, 确认密码), also the page a new or reset account is sent to first."""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from app.accounts.services import PasswordRejected, change_password
from app.accounts.sessions import keep_session


class PasswordChangeForm(FlaskForm):
    old_password = PasswordField(_l("原密码"), validators=[DataRequired(message=_l("请输入原密码"))])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(message=_l("请输入新密码"))])
    confirm_password = PasswordField(_l("确认密码"), validators=[
        DataRequired(message=_l("请再次输入新密码")), EqualTo("new_password", message=_l("两次输入的新密码不一致"))])


class PasswordChangeView(BaseView):
    route_base = "/account"
    default_view = "password"

    @expose("/password", methods=["GET", "POST"])
    def password(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login"))
        form = PasswordChangeForm()
        if request.method == "POST" and form.validate_on_submit():
            try:
                change_password(user, form.old_password.data, form.new_password.data)
            except PasswordRejected as exc:
                getattr(form, exc.field).errors = list(form[exc.field].errors) + exc.messages
            else:
                keep_session(user)
                flash(str(_l("密码修改成功")), "success")
                return redirect(url_for("HomeView.index"))
        return self.render_template("account/password.html", title=_l("修改密码"), form=form,
                                    forced=user.must_change_password)
