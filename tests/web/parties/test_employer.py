"""HR's request form, list and reminders; the nearest manager's page (R-01 to R-05, R-23)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from fasttrack.cases import actions
from fasttrack.cases.errors import FirstAbsenceDayInFuture, RequestTooLate, localized_message
from fasttrack.cases.models import Answers, FastTrackCase, Party
from fasttrack.cases.states import State
from fasttrack.medical.models import CertificateRequest
from fasttrack.meetings.models import MeetingKind
from fasttrack.people.validators import clean_cpr
from tests.conftest import Personas
from tests.web.parties.conftest import (
    CERTIFICATE,
    D0,
    EMPLOYEE_ANSWERS,
    EMPLOYER_ANSWERS,
    JANNI_CPR,
    REQUESTED,
    at,
    field_error,
    field_value,
)

FORM = "/arbejdsgiver/anmodninger/ny/"


def request_data(personas: Personas, **changes: str) -> dict[str, str]:
    data = {
        "employee_cpr": JANNI_CPR,
        "first_absence_day": D0.isoformat(),
        "expects_over_8_weeks": "true",
        "nearest_manager": str(personas.leder.pk),
        **EMPLOYER_ANSWERS,
    }
    data.update(changes)
    return data


@pytest.fixture
def hr(
    login: Callable[[User], Client], personas: Personas, travel: Callable[[date], None]
) -> Client:
    travel(REQUESTED)
    return login(personas.hr)


def test_it_requests_fast_track_and_goes_to_the_case_page(hr: Client, personas: Personas) -> None:
    response = hr.post(FORM, request_data(personas))

    case = FastTrackCase.objects.get(absence__person__name="Janni Mikkelsen")
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/"
    assert case.state == State.AWAITING_CONSENT
    assert case.requested_by == "employer"
    assert case.nearest_manager == personas.leder
    answers = Answers.objects.get(case=case, party=Party.EMPLOYER)
    assert answers.affected_functions == EMPLOYER_ANSWERS["affected_functions"]
    # The CPR number never travels in a URL.
    assert JANNI_CPR not in response["Location"]


def test_it_asks_the_three_questions_in_their_exact_wording_as_optional(hr: Client) -> None:
    page = hr.get(FORM).content.decode()

    assert "Hvilke arbejdsfunktioner er påvirket af sygdommen?" in page
    assert "Hvor længe har sygdommen påvirket arbejdet?" in page
    assert "Er arbejdet forsøgt tilpasset den sygemeldtes tilstand?" in page
    textarea = re.search(r'<textarea[^>]*name="affected_functions"[^>]*>', page)
    assert textarea is not None
    assert "required" not in textarea.group(0)
    assert 'aria-describedby="id_affected_functions-hint"' in textarea.group(0)


def test_it_accepts_a_request_without_answers(hr: Client, personas: Personas) -> None:
    data = request_data(personas, affected_functions="", affected_duration="", adjustments_tried="")

    assert hr.post(FORM, data).status_code == 302
    assert not Answers.objects.filter(party=Party.EMPLOYER).exists()


def test_it_fetches_the_last_valid_day_with_htmx_when_the_first_day_changes(hr: Client) -> None:
    page = hr.get(FORM).content.decode()
    assert 'hx-get="/anmodninger/sidste-frist/" hx-trigger="change"' in page

    partial = hr.get("/anmodninger/sidste-frist/", {"first_absence_day": D0.isoformat()})

    text = partial.content.decode()
    assert 'data-window="open"' in text
    # D0 + 34, with the law it comes from; and the § 7 a conversation at D0 + 28.
    assert "20. december 2026" in text
    assert "sygedagpengeloven § 7 c" in text
    assert "14. december 2026" in text
    assert "sygedagpengeloven § 7 a" in text
    assert "<html" not in text


def test_it_cites_7_c_to_hr_and_7_e_to_the_employee_for_the_same_last_day_r03(
    hr: Client, login: Callable[[User], Client], personas: Personas
) -> None:
    params = {"first_absence_day": D0.isoformat()}
    employer = hr.get("/anmodninger/sidste-frist/", params).content.decode()
    assert "sygedagpengeloven § 7 c" in employer and "§ 7 e" not in employer

    employee = login(personas.janni).get("/anmodninger/sidste-frist/", params).content.decode()

    assert "20. december 2026" in employee
    assert "sygedagpengeloven § 7 e; jobcentrets praksis" in employee
    assert "§ 7 c" not in employee


def test_it_says_when_the_window_has_closed(hr: Client) -> None:
    partial = hr.get("/anmodninger/sidste-frist/", {"first_absence_day": "2026-10-01"})

    text = partial.content.decode()
    assert 'data-window="closed"' in text
    assert "4. november 2026" in text


def test_it_shows_the_last_valid_day_without_javascript_after_a_submit(
    hr: Client, personas: Personas
) -> None:
    page = hr.post(FORM, request_data(personas, employee_cpr="")).content.decode()

    assert 'data-window="open"' in page
    assert "20. december 2026" in page


def test_it_shows_an_invalid_cpr_number_at_the_field_and_keeps_it(
    hr: Client, personas: Personas
) -> None:
    with translation.override("da"):
        with pytest.raises(ValidationError) as invalid:
            clean_cpr("3213814562")
        expected = invalid.value.messages[0]

    response = hr.post(FORM, request_data(personas, employee_cpr="3213814562"))

    page = response.content.decode()
    assert response.status_code == 200
    assert field_error(page, "employee_cpr") == expected
    assert field_value(page, "employee_cpr") == "3213814562"
    assert field_value(page, "first_absence_day") == D0.isoformat()
    assert EMPLOYER_ANSWERS["affected_functions"] in page
    assert 'href="#id_employee_cpr"' in page  # the error summary links to the field
    assert not FastTrackCase.objects.exists()


def test_it_refuses_a_first_absence_day_in_the_future_at_the_field(
    hr: Client, personas: Personas
) -> None:
    future = date(2026, 11, 30)
    with translation.override("da"):
        expected = localized_message(
            FirstAbsenceDayInFuture(first_absence_day=future, today=REQUESTED)
        )

    page = hr.post(FORM, request_data(personas, first_absence_day="2026-11-30")).content.decode()

    assert field_error(page, "first_absence_day") == expected
    assert field_value(page, "first_absence_day") == "2026-11-30"
    assert field_value(page, "employee_cpr") == JANNI_CPR


def test_it_refuses_a_request_after_the_last_valid_day_naming_it(
    hr: Client, personas: Personas
) -> None:
    first_day = date(2026, 10, 1)
    with translation.override("da"):
        expected = localized_message(
            RequestTooLate(
                first_absence_day=first_day,
                request_date=REQUESTED,
                last_valid_day=date(2026, 11, 4),
                window_days=34,
            )
        )

    page = hr.post(FORM, request_data(personas, first_absence_day="2026-10-01")).content.decode()

    assert field_error(page, "first_absence_day") == expected
    assert "4. november 2026" in expected
    assert field_value(page, "first_absence_day") == "2026-10-01"
    assert not FastTrackCase.objects.exists()


@pytest.mark.parametrize(
    "cpr",
    [
        "1402704127",  # Lars Nielsen works at Havnens Logistik, not Nordisk Fabrik
        "0101901234",  # a valid number nobody in the system has
    ],
)
def test_it_asks_alike_for_name_and_municipality_of_any_non_employee(
    hr: Client, personas: Personas, cpr: str
) -> None:
    page = hr.post(FORM, request_data(personas, employee_cpr=cpr)).content.decode()

    # the same fields appear whatever the register knows about the number.
    assert "medarbejderens navn" in field_error(page, "employee_name")
    assert "bopælskommune" in field_error(page, "employee_municipality_code")
    assert field_value(page, "employee_cpr") == cpr
    assert not FastTrackCase.objects.exists()


@pytest.mark.parametrize(
    ("cpr", "name"),
    [
        ("1402704127", "Lars Nielsen"),  # known, surname matches
        ("1402704127", "Lars Hansen"),  # known, surname differs
        ("0101901234", "Kim Ukendt"),  # unknown
    ],
)
def test_it_requests_for_a_non_employee_and_shows_the_name_given(
    hr: Client, personas: Personas, cpr: str, name: str
) -> None:
    data = request_data(personas, employee_cpr=cpr)
    data |= {"employee_name": name, "employee_municipality_code": "147"}
    response = hr.post(FORM, data)
    assert response.status_code == 302
    case = FastTrackCase.objects.get()
    page = hr.get(response["Location"]).content.decode()
    assert name in page
    # The consent deadline is shown as for any request.
    assert "Medarbejderens samtykke" in page
    # The register's name never reaches HR while it differs from the one given.
    if name == "Lars Hansen":
        assert "Nielsen" not in page
        assert not case.identity_confirmed
    assert "Bekræft" not in page  # nothing about the identity check reaches HR


def test_it_asks_to_confirm_a_new_absence_while_a_case_is_open(
    hr: Client, personas: Personas
) -> None:
    first = hr.post(FORM, request_data(personas))
    assert first.status_code == 302
    open_case = FastTrackCase.objects.get()
    data = request_data(personas)
    data["first_absence_day"] = (
        date.fromisoformat(data["first_absence_day"]) + timedelta(days=1)
    ).isoformat()
    page = hr.post(FORM, data).content.decode()
    assert str(open_case.pk) in field_error(page, "new_absence")
    assert FastTrackCase.objects.count() == 1
    confirmed = hr.post(FORM, data | {"new_absence": "true"})
    assert confirmed.status_code == 302
    assert FastTrackCase.objects.get(previous_case=open_case)


def test_it_requires_the_affirmed_expectation(hr: Client, personas: Personas) -> None:
    data = request_data(personas)
    del data["expects_over_8_weeks"]

    page = hr.post(FORM, data).content.decode()

    assert field_error(page, "expects_over_8_weeks")
    assert not FastTrackCase.objects.exists()


def test_it_lists_the_requests_with_the_next_step_and_the_7a_reminder(
    hr: Client, janni_case: FastTrackCase
) -> None:
    page = hr.get("/arbejdsgiver/").content.decode()

    assert 'href="/arbejdsgiver/anmodninger/ny/"' in page
    assert "Janni Mikkelsen" in page
    assert f'href="/sager/{janni_case.pk}/"' in page
    # The employee's answer is due two banking days after the letter ...
    assert "26. november 2026" in page
    # ... and the employer's own conversation at D0 + 28.
    assert "14. december 2026" in page
    assert "sygedagpengeloven § 7 a" in page


def test_it_never_shows_the_employer_health_data_or_the_employees_answers(
    login: Callable[[User], Client],
    personas: Personas,
    certificate_requested: CertificateRequest,
) -> None:
    case = certificate_requested.case
    actions.record_certificate(case=case, actor=personas.laege, **CERTIFICATE)
    actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind=MeetingKind.RETENTION_MEETING,
        starts_at=at(date(2026, 12, 8), 13),
        location="Nordisk Fabrik, mødelokale 2",
        participants=[{"user": personas.leder, "role": "manager"}],
    )
    pages = {
        "hr": ["/arbejdsgiver/", FORM],
        "leder": ["/leder/"],
    }
    secrets = [*CERTIFICATE.values(), *EMPLOYEE_ANSWERS.values(), "LÆ 285"]
    for username, paths in pages.items():
        client = login(personas.all()[username])
        for path in paths:
            page = client.get(path).content.decode()
            assert "Janni Mikkelsen" in page or path == FORM
            for secret in secrets:
                assert secret not in page, (username, path, secret)


def test_it_shows_the_manager_their_cases_meetings_and_plans(
    login: Callable[[User], Client],
    personas: Personas,
    certificate_requested: CertificateRequest,
) -> None:
    case = certificate_requested.case
    actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind=MeetingKind.RETENTION_MEETING,
        starts_at=at(date(2026, 12, 8), 13),
        location="Nordisk Fabrik, mødelokale 2",
    )
    actions.record_plan(
        case=case,
        actor=personas.sagsbehandler,
        summary="Janni starter på lettere opgaver ved kontrollen.",
        measures=[
            {"kind": "adjusted_functions", "description": "Ingen tunge løft", "owner": "Lars"}
        ],
        evaluate_on=date(2026, 12, 22),
    )

    page = login(personas.leder).get("/leder/").content.decode()

    assert "Janni Mikkelsen" in page
    assert "8. december 2026, 13:00" in page
    assert "Nordisk Fabrik, mødelokale 2" in page
    assert "Janni starter på lettere opgaver ved kontrollen." in page
    assert "Ingen tunge løft" in page
    assert f'href="/sager/{case.pk}/"' in page


def test_it_shows_no_cases_to_hr_of_another_employer(
    login: Callable[[User], Client], personas: Personas, janni_case: FastTrackCase
) -> None:
    page = login(personas.anden_hr).get("/arbejdsgiver/").content.decode()

    assert "Janni Mikkelsen" not in page


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("leder", FORM),
        ("janni", FORM),
        ("laege", "/arbejdsgiver/"),
        ("sagsbehandler", "/leder/"),
        ("laege", "/anmodninger/sidste-frist/?first_absence_day=2026-11-16"),
    ],
)
def test_it_answers_404_to_other_roles(
    login: Callable[[User], Client], personas: Personas, username: str, path: str
) -> None:
    assert login(personas.all()[username]).get(path).status_code == 404
