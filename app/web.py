"""Request-wide behaviour: error pages and response headers (Content-Security-Policy, HSTS)."""
import secrets
from datetime import date, datetime

from flask import g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.applications.attachments import size_text
from app.clock import iso_date, iso_minute
from app.extensions import appbuilder, db
from app.ops.outage import UNAVAILABLE, lost_connection, unavailable_page
from app.security.arguments import refuse_malformed_query

SERVER_ERROR = "服务器内部错误，您的操作未能完成，请稍后重试；如仍不成功，请联系系统管理员。"
#: Endpoints a user who must first change the password may still reach.
FORCED_CHANGE_ALLOWED = {"PasswordChangeView.password", "static", "appbuilder.static", "favicon"}


def display(value):
    """How a bare value reads in lists and detail pages: no None/True/False on a Chinese page."""
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, datetime):  # stored in UTC: shown in Asia/Shanghai
        return iso_minute(value)
    if isinstance(value, date):
        return iso_date(value)
    return value


def csp_nonce():
    """This response's script/style nonce (``{{ csp_nonce() }}`` in templates; FAB's baselib uses it too)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce):
    """The policy of every page: only this origin, no inline script or style but a nonce'd element, no
    style attribute, no plug-in, no framing by another site, forms post only here."""
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ))


#: HSTS in production (a year; the reverse proxy serves TLS).
HSTS = "max-age=31536000; includeSubDomains"


def trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address from X-Forwarded-For.

    Rate limits and the security log need the client's address, not the proxy's; with no trusted
    proxy the headers are ignored (a client could forge them).
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_web(app):
    app.add_template_filter(display, "display")
    app.add_template_global(csp_nonce, "csp_nonce")
    # One way to write a file size on every page (the clerk's and the reviewers' agree).
    app.add_template_filter(size_text, "size_text")
    app.before_request(refuse_malformed_query)
    # Browsers ask for /favicon.ico on their own: answer it from the static files, not with a 404 page.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.ico"))

    @app.before_request
    def force_password_change():
        user = current_user
        if not user or not user.is_authenticated or not getattr(user, "must_change_password", False):
            return None
        endpoint = request.endpoint or ""
        if endpoint in FORCED_CHANGE_ALLOWED or endpoint.endswith(".logout"):
            return None
        return redirect(url_for("PasswordChangeView.password"))

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Downloads set their own (stricter) policy; every other response gets the page policy.
        response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        if app.config.get("APP_ENV") == "production":
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # Pages of signed-in users carry personal data: never keep them in a cache.
        try:
            signed_in = bool(current_user and current_user.is_authenticated)
        except UNAVAILABLE:  # the user could not be loaded: the database is gone (the page says so)
            signed_in = True
        if signed_in and not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def error_page(code, message):
        if request.path.startswith("/api/"):
            # Scripts read JSON, also for a path or method the API does not have.
            response = jsonify(message=message)
            response.status_code = code
            response.headers["Cache-Control"] = "no-store"
            return response
        # A refusal raised before FAB's own hook (CSRF, rate limit) still renders the navbar.
        g.setdefault("user", current_user)
        return render_template("error.html", code=code, message=message, appbuilder=appbuilder,
                               base_template=appbuilder.base_template), code

    app.register_error_handler(404, lambda _e: error_page(404, "您要找的页面不存在，或您无权查看。"))
    app.register_error_handler(403, lambda _e: error_page(403, "您没有执行此操作的权限。"))
    app.register_error_handler(413, lambda _e: error_page(413, "上传的文件太大。"))
    app.register_error_handler(400, lambda _e: error_page(400, "请求无效或页面已过期，请返回后刷新页面重试。"))
    app.register_error_handler(429, lambda _e: error_page(429, "操作过于频繁，请稍后再试。"))
    app.register_error_handler(405, lambda _e: error_page(405, "不支持该请求方法。"))
    # Flask has logged the exception (with its traceback) before this handler runs.
    def server_error(error):
        # A database gone while the request ran may surface as another error (a session needing a
        # rollback, a connection invalidated mid-statement): the same 503 page as the outage itself.
        original = getattr(error, "original_exception", None) or error
        if lost_connection(original):
            return unavailable_page(original)
        try:
            db.session.rollback()  # the failed transaction must not break the page that says so
            return error_page(500, SERVER_ERROR)
        except UNAVAILABLE as failure:  # the page itself needs the database (the signed-in user, the menu)
            return unavailable_page(failure)

    app.register_error_handler(500, server_error)
