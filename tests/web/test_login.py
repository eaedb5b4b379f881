"""Logging in and out, and where each persona lands (DESIGN.md §6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fasttrack.people.models import membership_of
from tests.conftest import Personas, totp_code

START_PATHS = {
    "hr": "/arbejdsgiver/",
    "leder": "/leder/",
    "janni": "/borger/",
    "laege": "/laege/",
    "sagsbehandler": "/jobcenter/",
    "jobcenterchef": "/jobcenter/ledelse/",
    "anden-hr": "/arbejdsgiver/",
    "anden-sagsbehandler": "/jobcenter/",
}


def _log_in(client: Client, username: str, password: str, next_url: str = "") -> Any:
    """Both steps of the login page, following every redirect."""
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("web:login"), data, follow=True)
    if response.redirect_chain and response.redirect_chain[-1][0].startswith(
        reverse("web:second_factor")
    ):
        user = User.objects.get(username=username)
        code_page = response.redirect_chain[-1][0]
        response = client.post(code_page, {"code": totp_code(user)}, follow=True)
    return response


@pytest.mark.parametrize("username", sorted(START_PATHS))
def test_it_sends_every_persona_to_its_own_start_page(
    client: Client, personas: Personas, demo_password: str, username: str
) -> None:
    response = _log_in(client, username, demo_password)

    assert response.redirect_chain[-1][0] == START_PATHS[username]
    assert response.status_code == 200
    membership = membership_of(personas.all()[username])
    assert membership is not None
    with translation.override("da"):
        role = str(membership.get_role_display())
    page = response.content.decode()
    assert role in page
    assert membership.organisation_name in page
    assert 'lang="da"' in page


def test_it_keeps_a_wrong_password_on_the_login_page_with_an_error(
    client: Client, personas: Personas
) -> None:
    response = client.post(reverse("web:login"), {"username": "hr", "password": "wrong"})

    assert response.status_code == 200
    assert response.wsgi_request.path == reverse("web:login")
    page = response.content.decode()
    assert 'data-module="error-summary"' in page
    assert 'value="hr"' in page, "what the user typed is kept"
    assert "_auth_user_id" not in client.session


def test_it_shows_a_missing_field_next_to_the_field(client: Client, db: None) -> None:
    response = client.post(reverse("web:login"), {"username": "hr", "password": ""})

    page = response.content.decode()
    assert 'id="id_password-error"' in page
    assert 'aria-describedby="id_password-error"' in page
    assert 'href="#id_password"' in page


def test_it_follows_a_safe_next_address(
    client: Client, personas: Personas, demo_password: str
) -> None:
    response = _log_in(client, "hr", demo_password, next_url="/tilgaengelighed/")

    assert response.redirect_chain[-1][0] == "/tilgaengelighed/"


def test_it_ignores_a_next_address_on_another_site(
    client: Client, personas: Personas, demo_password: str
) -> None:
    response = _log_in(client, "hr", demo_password, next_url="https://evil.example/")

    assert [url for url, _ in response.redirect_chain] == ["/", "/arbejdsgiver/"]


def test_it_redirects_anonymous_users_to_the_login_page(client: Client, db: None) -> None:
    for path in ["/", *sorted(set(START_PATHS.values()))]:
        response = client.get(path)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('web:login')}?next={path}"


def test_it_logs_out_with_post_only(login: Callable[[User], Client], personas: Personas) -> None:
    client = login(personas.janni)

    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:login")
    with translation.override("da"):
        assert translation.gettext("You are logged out.") in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/borger/").status_code == 302


def test_it_tells_a_user_without_a_role_so(login: Callable[[User], Client], db: None) -> None:
    admin = User.objects.create_superuser("admin", "admin@example.dk", "x")
    client = login(admin)

    response = client.get(reverse("web:start"))

    assert response.status_code == 200
    assert reverse("admin:index") in response.content.decode()


def test_it_shows_demo_logins_only_in_debug(client: Client, settings: Any, db: None) -> None:
    settings.DEBUG = False
    assert "demo-fasttrack" not in client.get(reverse("web:login")).content.decode()

    settings.DEBUG = True
    assert "demo-fasttrack" in client.get(reverse("web:login")).content.decode()
