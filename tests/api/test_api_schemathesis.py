"""Property-based run of the whole OpenAPI document (schemathesis, bounded examples): no server error, and
every answer matches the documented status codes, content type and schema."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.review.states import State
from tests.api.conftest import make_token
from tests.review.world import make_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(app):
    with app.app_context():
        world = make_world()
        for state in (State.PENDING, State.DISTRICT_APPROVED, State.FUNDED):
            world.app(state)
        world.app(foreign=True)
        world.submitted_request()
        raw = make_token(world.baoshan_admin, "schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    loaded = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers=headers)
    loaded.test_headers = headers
    return loaded


#: Every operation of the document (a test below checks the document has exactly these).
OPERATIONS = [
    ("GET", "/api/v1/applications/"),
    ("GET", "/api/v1/applications/{pk}"),
    ("POST", "/api/v1/applications/{pk}/transitions/{name}"),
    ("GET", "/api/v1/campaigns/"),
    ("GET", "/api/v1/campaigns/{pk}"),
    ("GET", "/api/v1/batches/"),
    ("GET", "/api/v1/batches/{pk}"),
    ("GET", "/api/v1/requests/"),
    ("GET", "/api/v1/requests/{batch_id}/{org_id}"),
    ("GET", "/api/v1/stats/summary"),
    ("GET", "/api/v1/stats/tables/{dimension}"),
]


def test_the_document_has_exactly_these_operations(api_schema):
    found = sorted((method.upper(), path) for path, item in api_schema.raw_schema["paths"].items()
                   for method in item)
    assert found == sorted(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_keeps_its_documented_promises(api_schema, method, path):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=api_schema.test_headers, checks=CHECKS)

    check()
