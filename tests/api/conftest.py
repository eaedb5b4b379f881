"""Fixtures for the API tests: tokens and clients that send them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fasttrack.api.tokens import issue_token


class ApiClient:
    """Django's test client with a bearer token and JSON bodies."""

    def __init__(self, token: str | None, client: Client | None = None) -> None:
        self.token = token
        self.client = client or Client()

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers(headers))

    def post(
        self,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Any:
        import json

        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            path, data, content_type="application/json", headers=self.headers(headers)
        )

    def put(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        import json

        return self.client.put(
            path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers(headers),
        )

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(path, headers=self.headers(headers))


@pytest.fixture
def token_for(db: None) -> Callable[[User], str]:
    def _token_for(user: User) -> str:
        return issue_token(user=user, name="test")[1]

    return _token_for


@pytest.fixture
def api_as(token_for: Callable[[User], str]) -> Callable[[User], ApiClient]:
    """``api_as(personas.hr).get("/api/v1/me")``."""

    def _api_as(user: User) -> ApiClient:
        return ApiClient(token_for(user))

    return _api_as


JANNI_CPR = "1203814562"
NORDISK_FABRIK = "29887659"


def request_case(
    demo_world: Any, personas: Any, *, cpr: str = JANNI_CPR, days_ago: int = 3, manager: bool = True
) -> Any:
    """A case HR at Nordisk Fabrik requested for ``cpr`` (leder as nearest manager),
    through the case engine's own action; ``days_ago`` is the first absence day."""
    from datetime import timedelta

    from django.utils import timezone

    from fasttrack.cases import actions

    today = timezone.localdate()
    case, created = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons[cpr],
        employer=demo_world.employers[NORDISK_FABRIK],
        first_absence_day=today - timedelta(days=days_ago),
        expects_over_8_weeks=True,
        answers={
            "affected_functions": "Lifting",
            "affected_duration": "Two weeks",
            "adjustments_tried": "Shorter shifts",
        },
        requested_by="employer",
        channel="web",
        nearest_manager=personas.leder if manager else None,
        # Tests make several absences of one person: each is a confirmed new one.
        new_absence=True,
        today=today,
    )
    assert created
    return case


@pytest.fixture
def make_case(demo_world: Any, personas: Any) -> Callable[..., Any]:
    """``request_case`` in the test's demo world."""

    def _make_case(**options: Any) -> Any:
        return request_case(demo_world, personas, **options)

    return _make_case


EMPLOYEE_ANSWERS = {
    "affected_functions": "Standing",
    "affected_duration": "A month",
    "adjustments_tried": "None yet",
}


@pytest.fixture
def active_case(personas: Any, make_case: Callable[..., Any]) -> Any:
    """``make_case()`` after Janni accepted: Fast track runs."""
    from fasttrack.cases import actions

    case = make_case()
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    return case
