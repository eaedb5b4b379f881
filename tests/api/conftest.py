"""Fixtures for the API tests: tokens and clients that send them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
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

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(path, headers=self.headers(headers))


@pytest.fixture(autouse=True)
def fresh_throttle_counters() -> Iterator[None]:
    # Rate-limit counters live in the (per-process) cache; tests must not
    # inherit each other's.
    cache.clear()
    yield
    cache.clear()


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
