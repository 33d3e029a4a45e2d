"""消息中心 (HTTP only): the user's messages, opening one (it is then read), mark all read, the e-mail choice,
and the unread count the top bar's bell polls (static/js/bell.js)."""
from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.clock import iso_minute
from app.extensions import db
from app.notifications import services
from app.notifications.links import link_for


class NotificationView(BaseView):
    route_base = "/notifications"
    default_view = "index"
    base_permissions = ["can_list", "can_read"]  # noqa: RUF012
    method_permission_name = {"index": "list", "count": "list", "open": "read", "read_all": "read",  # noqa: RUF012
                              "email": "read"}

    @expose("/")
    @has_access
    def index(self):
        page = request.args.get("page", "0")
        page = int(page) if page.isdigit() and len(page) < 6 else 0
        total, rows = services.messages(g.user, page)
        pages = max(1, -(-total // services.PAGE_SIZE))
        return self.render_template(
            "notifications/index.html", title="消息中心", rows=rows, total=total, page=page, pages=pages,
            unread=services.unread_count(g.user), iso_minute=iso_minute, user=g.user)

    @expose("/count")
    @has_access
    def count(self):
        """{"unread": n}: polled by the bell; not the user's activity (the idle timeout still ends the session)."""
        return jsonify(unread=services.unread_count(g.user))

    @expose("/<int:notification_id>/open", methods=["POST"])
    @has_access
    def open(self, notification_id):
        notification = services.own_message(g.user, notification_id)
        if notification is None:
            abort(404)
        services.mark_read(g.user, notification)
        db.session.commit()
        target = link_for(g.user, notification.target)
        if target is None:
            flash("该消息所指的内容已不在您的管理范围内，或已不存在", "warning")
            return redirect(url_for(".index"))
        return redirect(target)

    @expose("/read-all", methods=["POST"])
    @has_access
    def read_all(self):
        changed = services.mark_all_read(g.user)
        db.session.commit()
        flash(f"已将{changed}条消息标记为已读" if changed else "没有未读消息", "success")
        return redirect(url_for(".index"))

    @expose("/email", methods=["POST"])
    @has_access
    def email(self):
        services.set_email(g.user, request.form.get("enabled") == "1")
        db.session.commit()
        flash("已开启邮件通知" if g.user.email_notifications else "已关闭邮件通知", "success")
        return redirect(url_for(".index"))
