"""API令牌: a user's own personal API tokens (create with a name and a lifetime, see the last use, revoke).
HTTP only: app.accounts.tokens does the work. A new token is shown in the answer to the POST that created
it and never again (not in a flash, a session or a URL)."""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.accounts import tokens
from app.clock import iso_minute, utcnow
from app.extensions import db


class ApiTokenView(BaseView):
    route_base = "/api-tokens"
    default_view = "index"
    base_permissions = ["can_list", "can_add", "can_delete"]  # noqa: RUF012
    method_permission_name = {"index": "list", "create": "add", "revoke": "delete"}  # noqa: RUF012

    def render(self, *, created=None, raw=None, errors=None, values=None, status=200):
        return self.render_template(
            "api/tokens.html", title="API令牌", tokens=tokens.tokens_of(g.user), now=utcnow(),
            status_title=tokens.status_title, iso_minute=iso_minute, lifetimes=tokens.LIFETIMES,
            created=created, raw=raw, errors=errors or {}, values=values or {"days": "90"},
            docs_url=url_for("ApiDocsView.index")), status

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        return self.render()

    @expose("/", methods=["POST"])
    @has_access
    def create(self):
        values = {"name": request.form.get("name", ""), "days": request.form.get("days", "")}
        try:
            token, raw = tokens.create_token(g.user, values["name"], values["days"])
            db.session.commit()
        except tokens.TokenInvalid as exc:
            db.session.rollback()
            return self.render(errors=exc.errors, values=values, status=422)
        response, _status = self.render(created=token, raw=raw)
        return response, 201

    @expose("/<int:token_id>/revoke", methods=["POST"])
    @has_access
    def revoke(self, token_id):
        if tokens.revoke_token(g.user, token_id):
            db.session.commit()
            flash("令牌已撤销，使用它的程序将无法再访问接口", "success")
        else:
            db.session.rollback()
            flash("该令牌不存在或已撤销", "warning")
        return redirect(url_for(".index"))
