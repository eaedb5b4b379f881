"""The statistics pages open for the roles they are for, and answer 404 to everyone else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fasttrack.cases.models import FastTrackCase
from tests.conftest import Personas

PAGES = {
    "/jobcenter/statistik/": {"jobcenterchef"},
    "/jobcenter/statistik/statistik.csv": {"jobcenterchef"},
    "/arbejdsgiver/statistik/": {"hr", "anden-hr"},
    "/arbejdsgiver/statistik/statistik.csv": {"hr", "anden-hr"},
    "/statistik/": set(),
    "/statistik/statistik.csv": set(),
}


@pytest.mark.parametrize("path", PAGES)
def test_it_opens_each_page_only_for_its_roles(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    path: str,
) -> None:
    for username, user in personas.all().items():
        response = login(user).get(path)
        expected = 200 if username in PAGES[path] else 404
        assert response.status_code == expected, (username, path, response.status_code)
