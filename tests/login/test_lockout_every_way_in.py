"""The lock-out holds on every way in (security finding 2, RULES.md R-25).

After three failures on the login page, the right password used to log in
through the administration's own login, guesses there were never refused, and
API tokens of the blocked user kept working. Now one backend checks every
password, the code step and NemLog-in count and refuse alike, and a blocked
user's tokens answer 401 (NemLog-in: tests/login/test_nemlogin.py).

Issue 12, finding 2.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from fasttrack.api.tokens import issue_token
from fasttrack.audit.models import AccessAction, AccessLogEntry
from fasttrack.login.demo import give_demo_second_factor
from tests.conftest import Personas, totp_code

OPERATOR_PASSWORD = "operator-password-1"


@pytest.fixture
def operator(db: None) -> User:
    user = User.objects.create_superuser("operator", "drift@example.dk", OPERATOR_PASSWORD)
    give_demo_second_factor(user)
    return user


def fail_on_login_page(username: str, times: int = 3) -> None:
    for _ in range(times):
        Client().post("/log-ind/", {"username": username, "password": "wrong"})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def failures(username: str) -> int:
    return AccessLogEntry.objects.filter(
        action=AccessAction.LOGIN_FAILED, username=username
    ).count()


def test_it_refuses_the_right_password_on_the_admin_login_of_a_blocked_operator(
    client: Client, operator: User
) -> None:
    fail_on_login_page("operator")

    client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD})

    assert not logged_in(client)


def test_it_counts_and_refuses_guesses_on_the_admin_login(client: Client, operator: User) -> None:
    for _ in range(3):
        Client().post("/admin/login/", {"username": "operator", "password": "wrong"})
    assert failures("operator") == 3

    client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD})
    assert not logged_in(client)
    page = client.post("/log-ind/", {"username": "operator", "password": OPERATOR_PASSWORD})
    assert "spærret" in page.content.decode() or "blocked until" in page.content.decode()
    assert not logged_in(client)


def test_it_lets_the_operator_in_through_the_admin_login_with_password_and_code(
    client: Client, operator: User
) -> None:
    response = client.post(
        "/admin/login/?next=/admin/people/", {"username": "operator", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/kode/")
    assert client.get("/admin/people/").status_code == 302

    done = client.post(response["Location"], {"code": totp_code(operator)})

    assert done["Location"] == "/admin/people/"
    assert client.get("/admin/people/").status_code == 200


def test_it_refuses_a_blocked_account_to_any_caller_of_authenticate(
    personas: Personas, demo_password: str
) -> None:
    fail_on_login_page("hr")

    assert authenticate(username="hr", password=demo_password) is None
    assert failures("hr") == 4


def test_it_refuses_the_api_tokens_of_a_blocked_user_R25(
    client: Client, personas: Personas
) -> None:
    _token, raw = issue_token(user=personas.hr, name="payroll")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail_on_login_page("hr")
        refused = client.get("/api/v1/me", headers=headers)
        traveller.shift(timedelta(minutes=61))
        after_the_block = client.get("/api/v1/me", headers=headers)

    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["status"] == 401
    assert after_the_block.status_code == 200


def test_it_counts_wrong_codes_as_failed_logins_and_blocks_R25(
    client: Client, personas: Personas, demo_password: str, settings: Any
) -> None:
    # django-otp makes each next try wait longer; switched off here to count.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client.post("/log-ind/", {"username": "sagsbehandler", "password": demo_password})
    for _ in range(2):
        client.post("/log-ind/kode/", {"code": "000000"})
    assert logged_in(client)

    third = client.post("/log-ind/kode/", {"code": "000000"})

    assert failures("sagsbehandler") == 3
    assert third.status_code == 302
    assert third["Location"].startswith("/log-ind/")
    assert not logged_in(client)
    again = Client()
    again.post("/log-ind/", {"username": "sagsbehandler", "password": demo_password})
    assert not logged_in(again)


def test_it_blocks_a_username_that_does_not_exist_alike(client: Client, db: None) -> None:
    # Whether a username exists is not for a guesser to learn from the answer.
    fail_on_login_page("nobody")

    page = client.post("/log-ind/", {"username": "nobody", "password": "whatever"})

    assert "spærret" in page.content.decode() or "blocked until" in page.content.decode()
