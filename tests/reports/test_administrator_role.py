"""The administrator across municipalities: figures per municipality, and nothing else.
No case, no person, no worklist, in the pages or the API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from fasttrack.api.tokens import issue_token
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Membership, Role


def test_the_administrator_belongs_to_no_organisation(demo_world: DemoWorld) -> None:
    user = User.objects.create_user("forkert")
    membership = Membership(
        user=user, role=Role.ADMINISTRATOR, municipality=demo_world.municipalities["101"]
    )
    with pytest.raises(ValidationError) as error:
        membership.clean()
    assert "municipality" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_the_administrator_starts_on_the_statistics_and_needs_a_second_factor(
    administrator: User, client: Client, login: Callable[[User], Client]
) -> None:
    client.force_login(administrator)
    # Without the second factor, no statistics.
    assert client.get("/statistik/").status_code == 302

    response = login(administrator).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/statistik/"


def test_the_administrator_sees_no_case_and_no_worklist(
    administrator: User,
    login: Callable[[User], Client],
    demo_cases: dict[str, FastTrackCase],
) -> None:
    client = login(administrator)
    case = demo_cases["janni"]

    assert client.get(f"/sager/{case.pk}/").status_code == 404
    assert client.get("/jobcenter/").status_code == 404
    assert client.get("/jobcenter/statistik/").status_code == 404
    assert client.get("/arbejdsgiver/statistik/").status_code == 404


def test_the_api_names_the_role_and_lists_no_cases(
    administrator: User, demo_cases: dict[str, FastTrackCase]
) -> None:
    token = issue_token(user=administrator, name="test")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})

    me = client.get("/api/v1/me")
    cases = client.get("/api/v1/cases")
    case = client.get(f"/api/v1/cases/{demo_cases['janni'].pk}")

    assert me.status_code == 200
    assert me.json() == {
        "username": "statistik",
        "role": "administrator",
        "organisation": {"kind": "national", "name": "Alle kommuner"},
        "cpr": None,
    }
    assert cases.status_code == 200 and cases.json()["items"] == []
    assert case.status_code == 404
