"""Two-factor login for jobcentre staff, doctors and operators, and their short sessions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fasttrack.audit.models import AccessAction, AccessLogEntry
from fasttrack.login.models import RecoveryCode, hash_recovery_code
from fasttrack.login.two_factor import RECOVERY_CODE_COUNT, reset_second_factor
from fasttrack.people.demo import DEMO_PASSWORD
from fasttrack.people.models import Membership, Municipality, Role
from tests.conftest import Personas, totp_code

Login = Callable[[User], Client]
SECOND_FACTOR_USERS = ["sagsbehandler", "jobcenterchef", "laege", "anden-sagsbehandler"]
NO_SECOND_FACTOR_USERS = ["hr", "leder", "janni", "anden-hr"]
START_PATHS = {
    "sagsbehandler": "/jobcenter/",
    "jobcenterchef": "/jobcenter/ledelse/",
    "laege": "/laege/",
    "anden-sagsbehandler": "/jobcenter/",
    "hr": "/arbejdsgiver/",
    "leder": "/leder/",
    "janni": "/borger/",
    "anden-hr": "/arbejdsgiver/",
}


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client: Client, username: str, password: str = DEMO_PASSWORD) -> Any:
    return client.post("/log-ind/", {"username": username, "password": password})


@pytest.fixture
def new_caseworker(demo_world: Any) -> User:
    """A caseworker who has never logged in: no authenticator app yet."""
    user = User.objects.create_user("ny-sagsbehandler", password="first-password-1")
    Membership.objects.create(
        user=user, role=Role.CASEWORKER, municipality=Municipality.objects.get(code="101")
    )
    return user


@pytest.mark.parametrize("username", SECOND_FACTOR_USERS)
def test_it_asks_staff_and_doctors_for_a_code_after_the_password(
    client: Client, personas: Personas, username: str
) -> None:
    response = password_step(client, username)

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/kode/")
    # Not in yet: every page sends them back to the code.
    assert client.get(START_PATHS[username])["Location"].startswith("/log-ind/kode/")

    done = client.post(
        response["Location"], {"code": totp_code(User.objects.get(username=username))}
    )

    assert done.status_code == 302
    assert client.get(START_PATHS[username]).status_code == 200


@pytest.mark.parametrize("username", NO_SECOND_FACTOR_USERS)
def test_it_lets_citizens_and_employers_in_with_the_password(
    client: Client, personas: Personas, username: str
) -> None:
    response = password_step(client, username)

    assert response.status_code == 302
    assert not response["Location"].startswith("/log-ind/kode/")
    assert client.get(START_PATHS[username]).status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/jobcenter/", "/jobcenter/ledelse/", "/sager/1/", "/indbakke/", "/admin/"]
)
def test_it_holds_a_caseworker_without_the_code_at_the_code_step(
    client: Client, personas: Personas, path: str
) -> None:
    client.force_login(personas.sagsbehandler)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/kode/?next=")


def test_it_lets_a_caseworker_without_the_code_log_out_and_read_the_open_pages(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.sagsbehandler)

    assert client.get("/tilgaengelighed/").status_code == 200
    assert client.get("/log-ind/kode/").status_code == 200
    assert client.post("/log-ud/").status_code == 302
    assert not logged_in(client)


def test_it_refuses_a_wrong_code_and_logs_it_R25(client: Client, personas: Personas) -> None:
    password_step(client, "laege")

    response = client.post("/log-ind/kode/", {"code": "123456"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_code-error"' in page
    assert client.get("/laege/").status_code == 302
    failure = AccessLogEntry.objects.get(action=AccessAction.LOGIN_FAILED)
    assert failure.username == "laege"


def test_it_makes_the_next_try_wait_after_a_wrong_code(client: Client, personas: Personas) -> None:
    password_step(client, "laege")
    client.post("/log-ind/kode/", {"code": "123456"})

    right_but_too_soon = client.post("/log-ind/kode/", {"code": totp_code(personas.laege)})

    assert right_but_too_soon.status_code == 200
    assert client.get("/laege/").status_code == 302
    # Not checked, so not counted either.
    assert AccessLogEntry.objects.filter(action=AccessAction.LOGIN_FAILED).count() == 1


def test_it_accepts_each_code_once(client: Client, personas: Personas) -> None:
    code = totp_code(personas.sagsbehandler)
    password_step(client, "sagsbehandler")
    client.post("/log-ind/kode/", {"code": code})
    assert client.get("/jobcenter/").status_code == 200

    replay = Client()
    password_step(replay, "sagsbehandler")
    replay.post("/log-ind/kode/", {"code": code})

    assert replay.get("/jobcenter/").status_code == 302


def test_it_follows_next_through_both_steps(client: Client, personas: Personas) -> None:
    response = client.post(
        "/log-ind/",
        {"username": "sagsbehandler", "password": "demo-fasttrack", "next": "/indbakke/"},
    )
    done = client.post(response["Location"], {"code": totp_code(personas.sagsbehandler)})

    assert done["Location"] == "/indbakke/"


def test_it_sets_up_an_authenticator_at_the_first_login(
    client: Client, new_caseworker: User
) -> None:
    response = password_step(client, "ny-sagsbehandler", "first-password-1")
    assert response["Location"].startswith("/log-ind/kode/ny/")

    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=new_caseworker)
    assert not device.confirmed
    assert "<svg" in page, "the QR code"
    key = re.search(r'<code class="totp-key"[^>]*>([A-Z2-7 ]+)</code>', page)
    assert key is not None, "the key to type by hand"
    assert len(key.group(1).replace(" ", "")) == 32

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        wrong = client.post(response["Location"], {"code": "000000"})
        assert 'id="id_code-error"' in wrong.content.decode()
        traveller.shift(timedelta(seconds=2))
        done = client.post(response["Location"], {"code": totp_code(new_caseworker)})

    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", done.content.decode())
    assert len(codes) == RECOVERY_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/jobcenter/").status_code == 200
    # Kept only as hashes: the page was the only place they were shown.
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert stored == {hash_recovery_code(code) for code in codes}
    assert done["Cache-Control"].startswith("max-age=0") or "no-store" in done["Cache-Control"]


def test_it_lets_no_one_replace_an_authenticator_with_the_password_alone(
    client: Client, personas: Personas
) -> None:
    password_step(client, "sagsbehandler")

    response = client.get("/log-ind/kode/ny/")

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/kode/")
    assert not response["Location"].startswith("/log-ind/kode/ny/")
    assert TOTPDevice.objects.filter(user=personas.sagsbehandler).count() == 1


def test_it_lets_a_recovery_code_in_once(client: Client, new_caseworker: User) -> None:
    password_step(client, "ny-sagsbehandler", "first-password-1")
    client.get("/log-ind/kode/ny/")
    done = client.post("/log-ind/kode/ny/", {"code": totp_code(new_caseworker)})
    code = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", done.content.decode())[0]
    client.post("/log-ud/")

    first = Client()
    password_step(first, "ny-sagsbehandler", "first-password-1")
    used = first.post("/log-ind/kode/", {"code": code.upper().replace("-", " ")})
    assert used.status_code == 302
    assert used["Location"].startswith("/log-ind/kode/ny/"), "asked to set up the app again"
    assert first.get("/jobcenter/").status_code == 200
    assert RecoveryCode.objects.count() == RECOVERY_CODE_COUNT - 1

    second = Client()
    password_step(second, "ny-sagsbehandler", "first-password-1")
    second.post("/log-ind/kode/", {"code": code})
    assert second.get("/jobcenter/").status_code == 302


def test_it_lets_a_verified_user_replace_the_app_and_the_codes(
    login: Login, personas: Personas
) -> None:
    client = login(personas.sagsbehandler)
    old = TOTPDevice.objects.get(user=personas.sagsbehandler)

    page = client.get("/log-ind/kode/ny/")
    assert page.status_code == 200
    pending = TOTPDevice.objects.get(user=personas.sagsbehandler, confirmed=False)
    done = client.post("/log-ind/kode/ny/", {"code": totp_code(personas.sagsbehandler)})

    assert done.status_code == 200
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.get(user=personas.sagsbehandler).pk == pending.pk


def test_it_sets_up_a_new_app_after_an_operator_s_reset(client: Client, personas: Personas) -> None:
    reset_second_factor(personas.laege)

    response = password_step(client, "laege")

    assert response["Location"].startswith("/log-ind/kode/ny/")


def test_it_ends_a_staff_session_after_30_idle_minutes(login: Login, personas: Personas) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(personas.sagsbehandler)
        assert client.get("/jobcenter/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/jobcenter/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/jobcenter/")

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")
    assert not logged_in(client)


def test_it_ends_a_staff_session_after_12_hours_however_busy(
    login: Login, personas: Personas
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(personas.laege)
        for _ in range(12 * 3 + 1):
            traveller.shift(timedelta(minutes=20))
            response = client.get("/laege/")
            if response.status_code != 200:
                break

    assert response.status_code == 302
    assert not logged_in(client)
    assert traveller is not None


def test_it_keeps_a_citizen_logged_in_for_the_usual_session_age(
    login: Login, personas: Personas
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(personas.janni)
        client.get("/borger/")
        traveller.shift(timedelta(hours=2))
        assert client.get("/borger/").status_code == 200


def test_it_gives_the_code_step_in_danish(client: Client, personas: Personas) -> None:
    password_step(client, "sagsbehandler")

    page = client.get("/log-ind/kode/").content.decode()

    assert 'lang="da"' in page
    assert "Indtast din kode" in page
    assert "<script>" not in page, "no inline scripts (Content-Security-Policy)"


@pytest.mark.parametrize("username", NO_SECOND_FACTOR_USERS)
@pytest.mark.parametrize("path", ["/log-ind/kode/", "/log-ind/kode/ny/"])
def test_it_sends_parties_without_a_second_factor_past_the_code_pages(
    login: Login, personas: Personas, username: str, path: str
) -> None:
    client = login(personas.all()[username])

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not TOTPDevice.objects.filter(user=personas.all()[username]).exists()


def test_it_sends_visitors_from_the_code_pages_to_the_login(client: Client, db: None) -> None:
    for path in ["/log-ind/kode/", "/log-ind/kode/ny/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/log-ind/?next=")


def test_it_gives_the_session_a_new_key_when_the_code_is_given(
    client: Client, personas: Personas
) -> None:
    password_step(client, "laege")
    before = client.session.session_key

    client.post("/log-ind/kode/", {"code": totp_code(personas.laege)})

    assert client.session.session_key != before
    assert client.get("/laege/").status_code == 200


def test_it_prints_the_demo_code_only_for_the_demo_key(
    personas: Personas, new_caseworker: User, settings: Any
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("demo_otp", "sagsbehandler", stdout=out)
    assert out.getvalue().strip() == totp_code(personas.sagsbehandler)

    with pytest.raises(CommandError):
        call_command("demo_otp", "ny-sagsbehandler")
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_otp", "sagsbehandler")
    call_command("demo_otp", "sagsbehandler", "--force", stdout=StringIO())


def test_it_resets_a_second_factor_from_the_command_line(personas: Personas) -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("reset_two_factor", "laege", stdout=StringIO())

    assert not TOTPDevice.objects.filter(user=personas.laege).exists()
