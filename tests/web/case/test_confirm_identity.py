"""R-36: the caseworker confirms or corrects who an employer's request named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fasttrack.cases import actions
from fasttrack.cases.identity import employee_for_request
from fasttrack.cases.models import FastTrackCase, Requester
from fasttrack.notifications.models import Message
from fasttrack.people.models import Employment, Municipality
from tests.conftest import Personas

UNKNOWN_CPR = "0101010000"


@pytest.fixture
def unconfirmed_case(personas: Personas) -> FastTrackCase:
    hr = personas.all()["anden-hr"]
    employer = hr.membership.employer
    assert employer is not None
    employee = employee_for_request(
        actor=hr, employer=employer, cpr=UNKNOWN_CPR, name="Kim Ukendt", municipality_code="101"
    )
    case, _ = actions.request_fast_track(
        actor=hr,
        person=employee.person,
        employer=employer,
        first_absence_day=timezone.localdate() - timedelta(days=3),
        expects_over_8_weeks=True,
        answers=None,
        requested_by=Requester.EMPLOYER,
        channel="web",
        employee=employee,
    )
    return case


def test_the_worklist_and_case_page_show_the_identity_to_confirm(
    unconfirmed_case, personas, login
) -> None:
    client = login(personas.sagsbehandler)
    worklist = client.get("/jobcenter/?assignee=all").content.decode()
    assert 'data-identity="to-confirm"' in worklist
    page = client.get(f"/sager/{unconfirmed_case.pk}/").content.decode()
    assert 'id="confirm-identity"' in page
    # Nothing that writes to the citizen is offered before that.
    assert 'id="book-first-conversation"' not in page
    assert 'id="request-certificate"' not in page


def test_the_caseworker_corrects_the_name_and_the_letter_goes(
    unconfirmed_case, personas, login
) -> None:
    client = login(personas.sagsbehandler)
    url = f"/sager/{unconfirmed_case.pk}/identitet/"
    page = client.get(url).content.decode()
    assert "Kim Ukendt" in page and 'id="identity-facts"' in page
    person = unconfirmed_case.absence.person
    assert not Message.objects.filter(recipient_person=person).exists()
    københavn = Municipality.objects.get(code="101")
    response = client.post(url, {"name": "Kim Ukendtsen", "municipality": københavn.pk})
    assert response.status_code == 302
    unconfirmed_case.refresh_from_db()
    person.refresh_from_db()
    assert unconfirmed_case.identity_confirmed and person.name == "Kim Ukendtsen"
    assert Employment.objects.filter(person=person).exists()
    assert Message.objects.filter(recipient_person=person, kind="consent_request").exists()
    assert client.get(url).status_code == 302  # nothing left to confirm


def test_a_correction_to_another_municipality_moves_the_case(
    unconfirmed_case, personas, login
) -> None:
    client = login(personas.sagsbehandler)
    frederiksberg = Municipality.objects.get(code="147")
    client.post(
        f"/sager/{unconfirmed_case.pk}/identitet/",
        {"name": "Kim Ukendt", "municipality": frederiksberg.pk},
    )
    unconfirmed_case.refresh_from_db()
    assert unconfirmed_case.municipality == frederiksberg
    assert client.get(f"/sager/{unconfirmed_case.pk}/").status_code == 404
    other = login(personas.all()["anden-sagsbehandler"])
    assert other.get(f"/sager/{unconfirmed_case.pk}/").status_code == 200


@pytest.mark.parametrize("username", ["anden-sagsbehandler", "anden-hr", "hr", "janni", "laege"])
def test_no_one_else_reaches_the_confirmation(unconfirmed_case, personas, login, username) -> None:
    client = login(personas.all()[username])
    url = f"/sager/{unconfirmed_case.pk}/identitet/"
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"name": "X", "municipality": "1"}).status_code in (403, 404)
    unconfirmed_case.refresh_from_db()
    assert not unconfirmed_case.identity_confirmed
