"""Each start page belongs to its role; everyone else gets 404 (R-28)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import Personas

START_PATHS = {
    "hr": "/arbejdsgiver/",
    "leder": "/leder/",
    "janni": "/borger/",
    "laege": "/laege/",
    "sagsbehandler": "/jobcenter/",
    "jobcenterchef": "/jobcenter/ledelse/",
}


@pytest.mark.parametrize("username", sorted(START_PATHS))
def test_it_answers_404_on_another_roles_start_page(
    login: Callable[[User], Client], personas: Personas, username: str
) -> None:
    client = login(personas.all()[username])

    for other, path in START_PATHS.items():
        # The jobcentre manager also opens the caseworkers' worklist, which
        # every figure of the overview links to.
        shared = username == "jobcenterchef" and other == "sagsbehandler"
        if other != username and not shared:
            assert client.get(path).status_code == 404, path
    assert client.get(START_PATHS[username]).status_code == 200


@pytest.mark.parametrize(
    ("username", "stylesheet"),
    [
        ("hr", "dkfds-virkdk.min.css"),
        ("leder", "dkfds-virkdk.min.css"),
        ("janni", "dkfds-borgerdk.min.css"),
        ("laege", "dkfds-borgerdk.min.css"),
        ("sagsbehandler", "dkfds-borgerdk.min.css"),
        ("jobcenterchef", "dkfds-borgerdk.min.css"),
    ],
)
def test_it_chooses_the_theme_by_role(
    login: Callable[[User], Client], personas: Personas, username: str, stylesheet: str
) -> None:
    page = login(personas.all()[username]).get(START_PATHS[username]).content.decode()

    assert stylesheet in page


def test_it_uses_the_borger_dk_theme_when_logged_out(client: Client, db: None) -> None:
    assert "dkfds-borgerdk.min.css" in client.get("/log-ind/").content.decode()


def test_it_shows_the_employer_its_name_and_cvr(
    login: Callable[[User], Client], personas: Personas
) -> None:
    page = login(personas.anden_hr).get("/arbejdsgiver/").content.decode()

    assert "Havnens Logistik ApS" in page
    assert "40112235" in page
    assert "Nordisk Fabrik" not in page


def test_it_shows_the_employee_the_jobcentre_and_own_doctor(
    login: Callable[[User], Client], personas: Personas
) -> None:
    page = login(personas.janni).get("/borger/").content.decode()

    assert "Jobcenter København" in page
    assert "Gyldenløvesgade 15, 1600 København V" in page
    assert "Lægerne på Nørrebrogade" in page


def test_it_shows_each_caseworker_their_own_municipality(
    login: Callable[[User], Client], personas: Personas
) -> None:
    page = login(personas.anden_sagsbehandler).get("/jobcenter/").content.decode()

    assert "Jobcenter Frederiksberg" in page
    assert "Jobcenter København" not in page


def test_it_marks_the_current_page_in_the_menu(
    login: Callable[[User], Client], personas: Personas
) -> None:
    page = login(personas.laege).get("/laege/").content.decode()

    assert 'href="/laege/" class="nav-link" aria-current="page"' in page


def test_it_offers_the_administration_to_no_party(
    login: Callable[[User], Client], personas: Personas
) -> None:
    # The administration is for operators only; the jobcentre manager manages
    # staff on Fasttrack's own pages.
    assert (
        "/admin/" not in login(personas.jobcenterchef).get("/jobcenter/ledelse/").content.decode()
    )
    assert "/admin/" not in login(personas.sagsbehandler).get("/jobcenter/").content.decode()
