"""The OpenAPI document of /api/v1 (``/api/v1/_openapi``) and the Swagger page that reads it.

The document is open to a signed-in user's browser (GET only, it holds no data) and to any valid token;
the Swagger page only to signed-in users. Swagger UI is the copy Flask-AppBuilder ships in its static files
(no outside origin); our own script starts it (no inline script).
"""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, g, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi
from flask_appbuilder.api.manager import resolver
from flask_login import current_user

from app.accounts import tokens
from app.api import spec
from app.api.auth import INVALID, UNAUTHORISED, TokenAuthMixin, bearer_token, rate_limit_ok

VERSION = "v1"


def openapi_document():
    """The OpenAPI 3 document of every API class of version v1, as a dict."""
    api_spec = APISpec(
        title=f"{current_app.config['APP_NAME']} API", version=VERSION, openapi_version="3.0.2",
        info={"description": "按组织机构范围提供申请表、报名活动、批次、申请单和统计数据，并可办理审核等操作。"
                             "以个人API令牌认证（请求头 Authorization: Bearer jst_…）。"},
        plugins=[MarshmallowPlugin(schema_name_resolver=resolver)],
    )
    api_spec.components.security_scheme("api_token", spec.TOKEN_SCHEME)
    for view in current_app.appbuilder.baseviews:
        if isinstance(view, TokenAuthMixin) and view.version == VERSION:
            view.add_api_spec(api_spec)
    return api_spec.to_dict()


class OpenApiView(BaseApi):
    """``GET /api/v1/_openapi``."""

    route_base = "/api"
    version = None  # not itself a documented operation
    resource_name = "openapi"

    @expose(f"/{VERSION}/_openapi", methods=["GET"])
    def document(self):
        raw = bearer_token()
        if raw is not None:
            token = tokens.authenticate(raw)
            if token is None:
                return self.response(401, message=INVALID)
            if not rate_limit_ok(token):
                return self.response(429, message="请求过于频繁，请稍后再试")
        elif not (current_user and current_user.is_authenticated):
            return self.response(401, message=UNAUTHORISED)
        return self.response(200, **openapi_document())


class ApiDocsView(BaseView):
    """API文档: Swagger UI over the document, for signed-in users."""

    route_base = "/swagger"
    default_view = "index"
    base_permissions = ["can_list"]  # noqa: RUF012
    method_permission_name = {"index": "list"}  # noqa: RUF012

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("api/swagger.html", openapi_url=url_for("OpenApiView.document"),
                                    tokens_url=url_for("ApiTokenView.index"), user=g.user)
