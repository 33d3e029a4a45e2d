"""How every API request is let in: a personal API token (``Authorization: Bearer jst_…``) and nothing else.

No session cookie is accepted (the API is exempt from CSRF, so a browser's cookie must never act here) and
no JWT (Flask-AppBuilder's JSON login stays closed). Each token is rate-limited on its own
(``API_RATE_LIMIT``, in the app's limiter storage: Redis when ``REDIS_URL`` is set).
"""
from flask import current_app, g, request
from flask_appbuilder.hooks import before_request
from limits import parse

from app.accounts import tokens
from app.extensions import limiter

UNAUTHORISED = "请在请求头 Authorization 中提供有效的API令牌（Bearer jst_…）；令牌可在“API令牌”页面创建"
INVALID = "API令牌无效、已过期或已撤销"
TOO_MANY = "请求过于频繁，请稍后再试"


def bearer_token():
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return header[7:].strip() or None


def rate_limit_ok(token):
    item = parse(current_app.config.get("API_RATE_LIMIT", "120 per minute"))
    return limiter.limiter.hit(item, "api-token", str(token.id))


class TokenAuthMixin:
    """Mixed into every API class: the token check before each handler, JSON answers in Chinese."""

    @before_request
    def authenticate_token(self):
        raw = bearer_token()
        if raw is None:
            return self.refuse(401, UNAUTHORISED)
        token = tokens.authenticate(raw)
        if token is None:
            return self.refuse(401, INVALID)
        if not rate_limit_ok(token):
            return self.refuse(429, TOO_MANY)
        g.user = token.account
        g._api_key_user = True
        g.api_token = token
        return None

    def refuse(self, code, message, **extra):
        response = self.response(code, message=message, **extra)
        response.headers["Cache-Control"] = "no-store"
        return response

    def response_401(self):
        return self.refuse(401, UNAUTHORISED)

    def response_403(self):
        return self.refuse(403, "您的角色不能使用此接口")

    def response_404(self):
        return self.refuse(404, "您要找的数据不存在，或您无权查看")

    def response_400(self, message=None):
        return self.refuse(400, message or "请求参数不正确")

    def response_422(self, message=None):
        return self.refuse(422, message or "无法处理该请求")

    def response_500(self, message=None):
        return self.refuse(500, "服务器内部错误")

    def ok(self, **payload):
        response = self.response(200, **payload)
        response.headers["Cache-Control"] = "no-store"
        return response


class SpecFromDictMixin:
    """The OpenAPI operation of each endpoint comes from ``openapi_spec_methods`` (built in Python by
    app.api.spec), not from docstring YAML; the security requirement is the personal token."""

    def operation_helper(self, path=None, operations=None, methods=None, func=None, **kwargs):
        for method in methods:
            spec = (self.openapi_spec_methods or {}).get(func.__name__, {}).get(method.lower())
            operations[method.lower()] = dict(spec) if spec else {}
