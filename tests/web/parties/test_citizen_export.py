"""The citizen's copy of all their data: a page with a download, and the API (issue 12)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fasttrack.api.tokens import issue_token
from fasttrack.audit.models import AccessAction, AccessLogEntry, Purpose
from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.medical.models import CertificateRequest
from fasttrack.people.demo import DemoWorld
from tests.conftest import Personas
from tests.web.parties.conftest import (
    CERTIFICATE,
    EMPLOYEE_ANSWERS,
    EMPLOYER_ANSWERS,
    JANNI_CPR,
    NORDISK_FABRIK,
)

AHMED_CPR = "0507762213"
AHMED_SECRET = "Ahmed-hemmelighed: kan ikke stå op"
Login = Callable[[User], Client]


@pytest.fixture
def ahmed_case(demo_world: DemoWorld, personas: Personas, janni_case: FastTrackCase) -> Any:
    """A colleague's case at the same employer: none of it may reach Janni's export."""
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons[AHMED_CPR],
        employer=demo_world.employers[NORDISK_FABRIK],
        first_absence_day=janni_case.absence.first_absence_day,
        expects_over_8_weeks=True,
        answers={**EMPLOYER_ANSWERS, "affected_functions": AHMED_SECRET},
        requested_by="employer",
        channel="web",
    )
    return case


@pytest.fixture
def full_case(
    janni_case: FastTrackCase,
    certificate_requested: CertificateRequest,
    personas: Personas,
    ahmed_case: Any,
) -> FastTrackCase:
    actions.record_certificate(case=janni_case, actor=personas.laege, **CERTIFICATE)
    actions.add_journal_note(
        case=janni_case, actor=personas.sagsbehandler, text="Janni ringede om planen."
    )
    return janni_case


def _check_document(document: dict[str, Any], case: FastTrackCase) -> None:
    assert document["format"] == "fasttrack-export/1"
    assert document["person"]["name"] == "Janni Mikkelsen"
    assert document["person"]["cpr"] == JANNI_CPR
    assert [e["employer"]["cvr"] for e in document["employments"]] == [NORDISK_FABRIK]
    [exported] = document["cases"]
    assert exported["id"] == case.pk
    parties = {a["party"]: a for a in exported["answers"]}
    assert parties["employee"]["affected_functions"] == EMPLOYEE_ANSWERS["affected_functions"]
    assert parties["employer"]["affected_functions"] == EMPLOYER_ANSWERS["affected_functions"]
    assert exported["certificates"][0]["diagnosis"] == CERTIFICATE["diagnosis"]
    assert exported["journal_notes"][0]["text"] == "Janni ringede om planen."
    assert [e["sequence"] for e in exported["history"]] == list(
        range(1, len(exported["history"]) + 1)
    )
    assert document["letters"], "the consent letter to Janni"
    text = json.dumps(document, ensure_ascii=False)
    # Only Janni's own data: nothing of her colleague's case, no staff usernames.
    assert AHMED_SECRET not in text
    assert AHMED_CPR not in text
    assert "Ahmed" not in text
    assert "sagsbehandler" not in text


def test_it_offers_the_citizen_a_page_with_the_download(
    login: Login, personas: Personas, full_case: FastTrackCase
) -> None:
    client = login(personas.janni)

    start = client.get("/borger/").content.decode()
    page = client.get("/borger/mine-data/")

    assert 'href="/borger/mine-data/"' in start
    assert page.status_code == 200
    assert 'href="/borger/mine-data/fasttrack-data.json"' in page.content.decode()


def test_it_downloads_all_the_citizen_s_data_and_logs_the_export(
    login: Login, personas: Personas, full_case: FastTrackCase
) -> None:
    client = login(personas.janni)

    response = client.get("/borger/mine-data/fasttrack-data.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="fasttrack-mine-data-')
    assert JANNI_CPR not in disposition
    assert "no-store" in response.get("Cache-Control", "")
    _check_document(json.loads(response.content), full_case)
    export = AccessLogEntry.objects.get(user=personas.janni, action=AccessAction.EXPORT)
    assert (export.person, export.purpose) == (full_case.absence.person, Purpose.OWN_DATA)


def test_it_gives_the_same_document_through_the_api(
    client: Client, personas: Personas, full_case: FastTrackCase
) -> None:
    _, token = issue_token(user=personas.janni, name="export")

    response = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    _check_document(response.json(), full_case)
    assert AccessLogEntry.objects.filter(
        user=personas.janni, action=AccessAction.EXPORT, purpose=Purpose.OWN_DATA
    ).exists()


@pytest.mark.parametrize("username", ["hr", "leder", "laege", "sagsbehandler", "jobcenterchef"])
def test_it_is_the_citizen_s_alone(
    login: Login, personas: Personas, full_case: FastTrackCase, username: str
) -> None:
    user = personas.all()[username]
    client = login(user)
    _, token = issue_token(user=user, name="export")

    assert client.get("/borger/mine-data/").status_code == 404
    assert client.get("/borger/mine-data/fasttrack-data.json").status_code == 404
    api = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT).exists()


def test_it_exports_a_citizen_without_cases(login: Login, personas: Personas) -> None:
    response = login(personas.janni).get("/borger/mine-data/fasttrack-data.json")

    document = json.loads(response.content)
    assert document["cases"] == []
    assert document["person"]["cpr"] == JANNI_CPR
