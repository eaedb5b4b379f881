"""Property-based checks of the whole API against its own OpenAPI document:
no 5xx, and every response (problems included) matches what the document
says, authenticated as a persona."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis

from fasttrack.wsgi import application

# Loaded through the WSGI application, as a client would see it. (The lazy
# ``schemathesis.pytest.from_fixture`` does not work with pytest 9 yet.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def hr_token(personas, token_for, settings) -> str:
    # Generated requests must not run into the rate limit.
    settings.API_RATE_LIMIT = "100000/min"
    return token_for(personas.hr)


@schema.parametrize()
@hypothesis.settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)
def test_it_keeps_every_response_to_the_contract(case, hr_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {hr_token}"},
        # A well-formed but made-up cursor or token prefix is refused with 422
        # or 404 by design; no JSON Schema can say "a value we gave you".
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
