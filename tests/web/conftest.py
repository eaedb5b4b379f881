"""The case engine's request and clock fixtures, for page tests that build a course."""

from tests.cases.conftest import employer_request, travel

__all__ = ["employer_request", "travel"]
