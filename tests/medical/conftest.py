"""The case engine's fixtures: certificates belong to cases made through the actions."""

from tests.cases.conftest import employee_request, employer_request, travel

__all__ = ["employee_request", "employer_request", "travel"]
