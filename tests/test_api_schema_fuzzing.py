"""Schemathesis against /api/v1/openapi.json: no input makes the API fail, no answer breaks its schema.

Every operation of the published schema is called in-process (the WSGI application, the test
database) with generated requests, valid and invalid, as a director and as a supporter. Each
answer must be no 5xx, have a status code the operation documents, the documented content type
and headers, and a body that matches the documented schema; a request the schema calls invalid
must be refused (4xx).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as oa_checks

from peersupport.accounts.intake_secrets import intake_secret_rotate
from peersupport.accounts.models import ApiToken, Role
from peersupport.api.tests.helpers import refer
from peersupport.cases.actions import case_record_outreach, case_record_response
from peersupport.cases.services import case_assign
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person, make_supporter, make_user
from peersupport.wsgi import application

# The bearer token comes from the persona below, never from generated data: generating the
# Authorization header would spend most examples on 401s. `ignored_auth` still checks, for
# every operation, that a missing or wrong token answers 401.
CONFIG = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# About a minute of CPU: its own CI step (`make test-fuzz`), not part of `make test`.
pytestmark = pytest.mark.fuzz

CHECKS = [
    st_checks.not_a_server_error,
    oa_checks.status_code_conformance,
    oa_checks.content_type_conformance,
    oa_checks.response_headers_conformance,
    oa_checks.response_schema_conformance,
    oa_checks.negative_data_rejection,
    oa_checks.ignored_auth,
    oa_checks.unsupported_method,
    oa_checks.missing_required_header,
]


@pytest.fixture
def in_process_requests():
    """Django's test client does this: keep the test's database connection (and its transaction)
    open across requests, which the WSGI handler would otherwise close after each one."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def program(db, in_process_requests):
    """A small program: a director, two supporters, cases in several states, a resource.

    Generated ids are often small, so the generated requests reach these cases too."""
    director = make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))
    mine = make_supporter(make_person(name="Alex Supporter", department="Surgery"), capacity=10)
    make_user(Role.SUPPORTER, person=mine.person)
    other = make_supporter(make_person(name="Blair Supporter", department="Pediatrics"), capacity=10)
    make_user(Role.SUPPORTER, person=other.person)
    referrer = make_user(Role.REFERRER)
    peers = [make_person(name=f"Pat Peer {n}", department="Emergency") for n in range(5)]
    cases = list(refer(referrer, *peers).cases.order_by("pk"))
    # Case ids 1-5: assigned, reached, accepted (the supporter's), another supporter's, waiting.
    for case in cases[:3]:
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=mine.person.employee_id,
                    override_reason="availability")
    for case in cases[1:3]:
        case_record_outreach(actor=mine.person.user, case_id=case.pk, channel="call")
    case_record_response(actor=mine.person.user, case_id=cases[2].pk, response="accepted")
    case_assign(actor=director, case_id=cases[3].pk, supporter_employee_id=other.person.employee_id)
    Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="x1234")
    # The signed intake is set up (without a secret it answers 503 by design): unsigned, it answers 401.
    intake_secret_rotate()
    return {"director": director, "supporter": mine.person.user}


_token: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class PersonaToken:
    """The current persona's bearer token; schemathesis leaves it off the cases that test a missing one."""

    def get(self, case, ctx):
        return _token.get("key")

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(params=["director", "supporter"])
def persona(request, program):
    _, _token["key"] = ApiToken.issue(program[request.param])
    yield request.param
    _token.clear()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_api_operation_answers_within_its_schema_and_never_fails(case, persona):
    case.call_and_validate(checks=CHECKS)
