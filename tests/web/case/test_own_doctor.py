"""The employee confirms or names their own doctor; the caseworker can set it (R-15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase, Requester
from fasttrack.people.models import Clinic, Person

JANNI_CPR = "1203814562"


@pytest.fixture
def case(personas) -> FastTrackCase:
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=Person.objects.with_cpr(JANNI_CPR).get(),
        employer=personas.hr.membership.employer,
        first_absence_day=timezone.localdate() - timedelta(days=3),
        expects_over_8_weeks=True,
        answers=None,
        requested_by=Requester.EMPLOYER,
        channel="web",
    )
    return case


def test_the_employee_finds_the_clinic_by_name_or_number_and_chooses_it(
    case, personas, login
) -> None:
    client = login(personas.janni)
    consent = client.get(f"/borger/sager/{case.pk}/samtykke/").content.decode()
    assert 'id="change-own-doctor"' in consent and "Lægerne på Nørrebrogade" in consent
    url = f"/sager/{case.pk}/egen-laege/"
    by_name = client.get(url, {"q": "frederiksberg"}).content.decode()
    by_number = client.get(url, {"q": "067890"}).content.decode()
    other = Clinic.objects.get(provider_number="067890")
    assert f'value="{other.pk}"' in by_name and f'value="{other.pk}"' in by_number
    assert 'id="no-clinics"' in client.get(url, {"q": "ingen-klinik"}).content.decode()
    response = client.post(url, {"clinic": other.pk})
    assert response.status_code == 302
    janni = Person.objects.with_cpr(JANNI_CPR).get()
    assert janni.clinic == other
    event = CaseEvent.objects.get(case=case, verb=EventVerb.OWN_DOCTOR_SET)
    assert not event.visible_to_employer


def test_the_caseworker_sets_it(case, personas, login) -> None:
    client = login(personas.sagsbehandler)
    assert 'id="set-own-doctor"' in client.get(f"/sager/{case.pk}/").content.decode()
    other = Clinic.objects.get(provider_number="067890")
    assert client.post(f"/sager/{case.pk}/egen-laege/", {"clinic": other.pk}).status_code == 302
    assert Person.objects.with_cpr(JANNI_CPR).get().clinic == other


def test_a_missing_choice_is_a_clear_error(case, personas, login) -> None:
    response = login(personas.janni).post(f"/sager/{case.pk}/egen-laege/", {"clinic": ""})
    assert response.status_code == 400
    assert 'id="own-doctor-error"' in response.content.decode()


@pytest.mark.parametrize("username", ["hr", "leder", "anden-sagsbehandler", "laege", "anden-hr"])
def test_no_one_else_reaches_it(case, personas, login, username) -> None:
    client = login(personas.all()[username])
    other = Clinic.objects.get(provider_number="067890")
    assert client.get(f"/sager/{case.pk}/egen-laege/").status_code == 404
    assert client.post(f"/sager/{case.pk}/egen-laege/", {"clinic": other.pk}).status_code == 404
    assert Person.objects.with_cpr(JANNI_CPR).get().clinic != other
