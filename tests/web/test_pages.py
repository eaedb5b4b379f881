"""The shared layout, the language switcher, the static pages and the error pages."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from tests.conftest import Personas


def test_it_switches_to_english_and_back(
    login: Callable[[User], Client], personas: Personas
) -> None:
    client = login(personas.janni)
    danish = client.get("/borger/").content.decode()
    assert 'lang="da"' in danish
    assert 'name="language" value="en" lang="en"' in danish

    response = client.post(reverse("set_language"), {"language": "en", "next": "/borger/"})
    assert response["Location"] == "/borger/"

    english = client.get("/borger/").content.decode()
    assert '<html lang="en">' in english
    assert 'name="language" value="da" lang="da">' in english.replace("\n", "")
    assert "Dansk" in english


def test_it_speaks_danish_to_an_english_browser_until_the_user_switches(
    client: Client, db: None
) -> None:
    page = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="da">' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/log-ind/"})
    assert '<html lang="en">' in client.get(reverse("web:login")).content.decode()


def test_it_offers_the_language_switcher_before_login(client: Client, db: None) -> None:
    page = client.get(reverse("web:login")).content.decode()

    assert f'action="{reverse("set_language")}"' in page
    assert 'name="next" value="/log-ind/"' in page


def test_it_has_the_landmarks_and_skip_link(client: Client, db: None) -> None:
    page = client.get(reverse("web:login")).content.decode()

    assert 'class="skipnav" href="#main-content"' in page
    assert '<main id="main-content"' in page
    assert "<header" in page
    assert "<footer" in page
    assert 'name="viewport"' in page
    assert "<script>" not in page, "no inline scripts (CSP-ready)"


@pytest.mark.parametrize("name", ["web:accessibility", "web:privacy"])
def test_it_serves_the_statements_to_everyone(client: Client, db: None, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert 'aria-current="page"' in response.content.decode()


def test_it_renders_404_in_dkfds(client: Client, db: None) -> None:
    response = client.get("/findes-ikke/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "dkfds-borgerdk.min.css" in page
    assert 'class="skipnav"' in page


def test_it_renders_500_without_a_request_or_database(db: None) -> None:
    from django.template import loader

    with mock.patch.object(connection, "cursor", side_effect=AssertionError("no database")):
        page = loader.get_template("500.html").render()

    assert "dkfds-borgerdk.min.css" in page


def test_it_renders_the_csrf_failure_page_in_dkfds(db: None) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("web:login"), {"username": "hr", "password": "x"})

    assert response.status_code == 403
    assert "dkfds-borgerdk.min.css" in response.content.decode()


def test_it_reports_healthy_when_the_database_answers(client: Client, db: None) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_it_reports_unavailable_when_the_database_is_down(client: Client, db: None) -> None:
    # ensure_connection is where an unreachable server raises, before any query;
    # patched on the class, because the check opens a connection of its own.
    with mock.patch.object(
        type(connections["default"]),
        "ensure_connection",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["status"] == "unavailable"
