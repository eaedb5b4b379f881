"""Failed logins block the account for a while (RULES.md R-25)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fasttrack.audit.models import AccessAction, AccessLogEntry
from tests.conftest import Personas


def attempt(client: Client, password: str) -> str:
    response = client.post(reverse("web:login"), {"username": "janni", "password": password})
    return response.content.decode() if response.status_code == 200 else ""


def test_it_blocks_the_account_after_three_failures_R25(
    client: Client, personas: Personas, demo_password: str
) -> None:
    for _ in range(3):
        attempt(client, "wrong")
    page = attempt(client, demo_password)
    assert "blocked until" in page or "spærret" in page
    assert "_auth_user_id" not in client.session
    # The refused fourth attempt is a failed login too (R-25: logged).
    failures = AccessLogEntry.objects.filter(action=AccessAction.LOGIN_FAILED, username="janni")
    assert failures.count() == 4


def test_it_keeps_the_account_blocked_while_someone_keeps_trying_R25(
    client: Client, personas: Personas, demo_password: str
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            attempt(client, "wrong")
        traveller.shift(timedelta(minutes=50))
        attempt(client, "wrong")
        traveller.shift(timedelta(minutes=50))
        page = attempt(client, demo_password)
        assert "spærret" in page or "blocked until" in page
        traveller.shift(timedelta(minutes=61))
        assert attempt(client, demo_password) == ""
    assert client.session["_auth_user_id"] == str(personas.janni.pk)


def test_it_lets_the_user_in_after_the_lockout_R25(
    client: Client, personas: Personas, demo_password: str
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            attempt(client, "wrong")
        traveller.shift(timedelta(minutes=61))
        assert attempt(client, demo_password) == ""
    assert client.session["_auth_user_id"] == str(personas.janni.pk)


def test_it_forgets_failures_older_than_the_window_R25(
    client: Client, personas: Personas, demo_password: str
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        attempt(client, "wrong")
        attempt(client, "wrong")
        traveller.shift(timedelta(hours=25))
        attempt(client, "wrong")
        assert attempt(client, demo_password) == ""


def test_it_lets_two_failures_pass(client: Client, personas: Personas, demo_password: str) -> None:
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, demo_password) == ""
