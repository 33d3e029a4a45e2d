"""Pieces of the OpenAPI document the endpoints share (responses, parameters, the token scheme), and the
way values are written in answers."""
from datetime import timezone

from app.clock import SHANGHAI

SECURITY = [{"api_token": []}]
TOKEN_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "jst_…",
                "description": "个人API令牌：登录后在“API令牌”页面创建，请求头 Authorization: Bearer jst_…"}
ID_MAX = 2 ** 31 - 1

_DESCRIPTIONS = {
    200: "成功", 400: "请求参数不正确", 401: "缺少或无效的API令牌", 403: "您的角色不能使用此接口",
    404: "不存在，或不在您的管理范围内", 409: "他人已先办理（version 已变化），请刷新后重试",
    422: "不能办理（原因见 message / errors）", 429: "请求过于频繁",
}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def responses(ok, *codes):
    """200 with schema ``ok`` and each of ``codes`` with the Message schema (401 and 429 always)."""
    answer = {"200": {"description": _DESCRIPTIONS[200], "content": {"application/json": {"schema": _ref(ok)}}}}
    for code in sorted(set(codes) | {400, 401, 403, 429}):
        answer[str(code)] = {"description": _DESCRIPTIONS[code],
                             "content": {"application/json": {"schema": _ref("Message")}}}
    return answer


def path_id(name, description):
    return {"in": "path", "name": name, "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}


def query(name, description, schema=None):
    return {"in": "query", "name": name, "required": False, "description": description,
            "schema": schema or {"type": "string", "maxLength": 100}}


def query_id(name, description):
    return query(name, description, {"type": "integer", "minimum": 1, "maximum": ID_MAX})


def operation(summary, ok, codes=(), parameters=(), body=None, description=None):
    spec = {"summary": summary, "parameters": list(parameters), "responses": responses(ok, *codes),
            "security": SECURITY}
    if description:
        spec["description"] = description
    if body:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    return spec


def parse_id(value):
    """A positive id typed in a path or query, else None."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


def iso_time(value):
    """A stored (naive UTC) timestamp as RFC 3339 in Shanghai time: 2026-11-25T19:54:21+08:00."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).isoformat(timespec="seconds")
