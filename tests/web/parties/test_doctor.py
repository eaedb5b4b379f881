"""The doctor's inbox, a request with both parties' answers, and the certificate (R-15 to R-17)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fasttrack.audit.models import AccessLogEntry, Purpose
from fasttrack.medical.models import Certificate, CertificateRequest, RequestStatus
from tests.conftest import Personas
from tests.web.parties.conftest import (
    CERTIFICATE,
    EMPLOYEE_ANSWERS,
    EMPLOYER_ANSWERS,
    field_error,
)


def request_url(certificate_request: CertificateRequest) -> str:
    return f"/laege/anmodninger/{certificate_request.pk}/"


@pytest.fixture
def laege(
    login: Callable[[User], Client],
    personas: Personas,
    certificate_requested: CertificateRequest,
) -> Client:
    return login(personas.laege)


def test_it_lists_the_clinics_requests_with_their_due_dates(
    laege: Client, certificate_requested: CertificateRequest
) -> None:
    response = laege.get("/laege/")

    page = response.content.decode()
    assert "Janni Mikkelsen" in page
    assert request_url(certificate_request=certificate_requested) in page
    # Requested 25 November: due by the first conversation's deadline, 8 December,
    # a day before 14 days are up.
    assert "tirsdag 8. december 2026" in page
    assert "badge-error" not in page


def test_it_marks_an_overdue_request_in_words(
    login: Callable[[User], Client],
    personas: Personas,
    certificate_requested: CertificateRequest,
    travel: Callable[[date], None],
) -> None:
    travel(date(2026, 12, 10))

    page = login(personas.laege).get("/laege/").content.decode()

    assert '<span class="badge badge-error">' in page


def test_it_shows_both_parties_answers_on_the_request(
    laege: Client, certificate_requested: CertificateRequest, personas: Personas
) -> None:
    page = laege.get(request_url(certificate_requested)).content.decode()

    for text in [*EMPLOYER_ANSWERS.values(), *EMPLOYEE_ANSWERS.values()]:
        assert text in page
    assert "Hvilke arbejdsfunktioner er påvirket af sygdommen?" in page
    assert 'name="diagnosis"' in page
    # Opening the request is a logged read.
    assert AccessLogEntry.objects.filter(
        user=personas.laege, purpose=Purpose.MEDICAL_CERTIFICATE
    ).exists()


def test_it_sends_the_certificate_and_shows_what_was_sent(
    laege: Client, certificate_requested: CertificateRequest
) -> None:
    response = laege.post(
        request_url(certificate_requested),
        {**CERTIFICATE, "expected_return_on": "2026-12-21"},
        follow=True,
    )

    certificate = Certificate.objects.get(request=certificate_requested)
    assert certificate.diagnosis == CERTIFICATE["diagnosis"]
    assert certificate.expected_return_on == date(2026, 12, 21)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == request_url(certificate_requested)
    assert CERTIFICATE["diagnosis"] in page
    assert CERTIFICATE["considerations"] in page
    assert 'name="diagnosis"' not in page  # read-only now
    inbox = laege.get("/laege/")
    assert list(inbox.context["sent"]) == [certificate_requested]
    assert not inbox.context["open_requests"]


def test_it_shows_a_missing_diagnosis_at_its_field_and_keeps_the_rest(
    laege: Client, certificate_requested: CertificateRequest
) -> None:
    page = laege.post(
        request_url(certificate_requested), {**CERTIFICATE, "diagnosis": ""}
    ).content.decode()

    assert field_error(page, "diagnosis")
    assert CERTIFICATE["work_capacity"] in page
    certificate_requested.refresh_from_db()
    assert certificate_requested.status == RequestStatus.REQUESTED


@pytest.mark.parametrize("username", ["hr", "leder", "janni", "sagsbehandler"])
def test_it_answers_404_on_the_request_to_everyone_else(
    login: Callable[[User], Client],
    personas: Personas,
    certificate_requested: CertificateRequest,
    username: str,
) -> None:
    client = login(personas.all()[username])

    assert client.get(request_url(certificate_requested)).status_code == 404


def test_it_answers_404_on_an_unknown_request(laege: Client) -> None:
    assert laege.get("/laege/anmodninger/999999/").status_code == 404
