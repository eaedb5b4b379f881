"""Property-based checks of the whole API against its own OpenAPI document:
no 5xx, and every response (problems included) matches what the document
says, authenticated as a persona."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from fasttrack.cases import actions
from fasttrack.wsgi import application
from tests.api.conftest import EMPLOYEE_ANSWERS
from tests.hypothesis_profiles import api_examples

# Loaded through the WSGI application, as a client would see it. (The lazy
# ``schemathesis.pytest.from_fixture`` does not work with pytest 9 yet.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Unknown query parameters are ignored, as HTTP APIs commonly do; the document
# does not forbid them, so generating them proves nothing.
schema.config.generation.update(allow_extra_parameters=False)
# The tests send a real token themselves: a generated request without one, or
# with a made-up one, would be answered as that of the persona, and a request
# generated as invalid only for its token would then be valid (found by
# `make fuzz`: GET /cases?limit=188 "should have been rejected"). 401 has
# tests of its own (tests/api/test_auth.py).
schema.config.generation.update(with_security_parameters=False)
# A query string too long for the API is refused with 414 before the schema is
# read (docs/api.md); that is a rejection of invalid data too.
_rejection = schema.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "414"]


# The loaded profile (tests/hypothesis_profiles.py) decides the rest: in CI
# derandomized, so the same requests every run; under `make fuzz` random and
# many more. Each operation is a test of its own, so each gets these examples.
FUZZING = hypothesis.settings(
    max_examples=api_examples(),
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    # Called as a raw WSGI app, Django closes "old" database connections at
    # the start and end of each request, which on PostgreSQL closes the test's
    # transaction; Django's own test client switches this off the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def hr_token(personas, token_for, settings, keep_test_connection) -> str:
    # Generated requests must not run into the rate limit.
    settings.API_RATE_LIMIT = "100000/min"
    return token_for(personas.hr)


@schema.parametrize()
@FUZZING
def test_it_keeps_every_response_to_the_contract(case, hr_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {hr_token}"},
        # A well-formed but made-up cursor or token prefix is refused with 422
        # or 404 by design; no JSON Schema can say "a value we gave you".
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


# The operations on one case, run again on a real one: generated ids almost
# never hit a case, and only a case the caller works on reaches the code
# behind the access check (bookings, plans, invitations).
case_operations = schema.include(path_regex=r"^/api/v1/cases/\{case_id\}")


@pytest.fixture
def caseworker_on_a_running_case(
    personas, token_for, settings, keep_test_connection, make_case
) -> tuple[str, int, int]:
    settings.API_RATE_LIMIT = "100000/min"
    case = make_case()
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    meeting = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=timezone.now() + timedelta(days=1),
        location="Jobcenter København",
        participants=[{"user": personas.janni, "name": "Janni Mikkelsen", "role": "employee"}],
    )
    return token_for(personas.sagsbehandler), case.pk, meeting.pk


@case_operations.parametrize()
@FUZZING
def test_it_keeps_the_contract_on_a_running_case_as_its_caseworker(
    case, caseworker_on_a_running_case
):
    token, case_id, meeting_id = caseworker_on_a_running_case
    case.path_parameters["case_id"] = case_id
    if "meeting_id" in case.path_parameters:
        case.path_parameters["meeting_id"] = meeting_id
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        # The ids are replaced by valid ones, so a request generated as invalid
        # may become valid here; the test above checks invalid data.
        excluded_checks=[
            schemathesis.checks.positive_data_acceptance,
            schemathesis.checks.negative_data_rejection,
        ],
    )


# Regressions found by `make fuzz`.


@hypothesis.given(case=schema["/api/v1/cases"]["GET"].as_strategy(GenerationMode.NEGATIVE))
def test_it_never_generates_a_request_invalid_only_for_its_token(case):
    # `make fuzz` found GET /cases?limit=188 "accepted although invalid": it
    # was generated without a token and with a cursor that vanished from the
    # query string; the test's own token made it valid, and 200 was right.
    # The tests send the token, so none is generated, valid or not.
    assert "Authorization" not in (case.headers or {})
    assert case.meta is not None
    assert not case.meta.is_negative_at(ParameterLocation.HEADER)
