"""A database error that means "cannot answer now" gives the Chinese 503 page, drawn without the database."""
from sqlalchemy import exc

from app.ops.outage import unavailable_page


def test_operational_error_renders_the_chinese_503_page(app):
    with app.test_request_context("/anything"):
        error = exc.OperationalError("SELECT secret FROM t WHERE id_number = %s", {"p": "310109198309073016"},
                                     Exception("server closed the connection unexpectedly"))
        body, status, headers = unavailable_page(error)
    assert status == 503
    assert headers["Retry-After"]
    assert "系统暂时无法访问" in body and "请稍后重试" in body
    assert "310109198309073016" not in body and "SELECT" not in body


def test_the_handler_is_registered_for_connection_errors(app):
    for error_class in (exc.OperationalError, exc.InterfaceError, exc.TimeoutError):
        assert app.error_handler_spec[None][None].get(error_class), error_class
