"""The employee's pages: "Din sag", consent, direct request and access log (R-07 to R-26)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fasttrack.audit.models import AccessLogEntry, Purpose
from fasttrack.cases.access import get_case_for
from fasttrack.cases.models import Answers, Consent, FastTrackCase, Party
from fasttrack.cases.states import State
from fasttrack.medical.models import CertificateRequest
from tests.conftest import Personas
from tests.web.parties.conftest import (
    D0,
    EMPLOYEE_ANSWERS,
    EMPLOYER_ANSWERS,
    NORDISK_FABRIK,
    REQUESTED,
    field_error,
)


def consent_url(case: FastTrackCase) -> str:
    return f"/borger/sager/{case.pk}/samtykke/"


@pytest.fixture
def janni(
    login: Callable[[User], Client], personas: Personas, travel: Callable[[date], None]
) -> Client:
    # Log in on the request day: a session lasts hours, not the days a test travels.
    travel(REQUESTED)
    return login(personas.janni)


def test_it_tells_the_employee_about_the_employers_request(
    janni: Client, janni_case: FastTrackCase
) -> None:
    response = janni.get("/borger/")

    page = response.content.decode()
    assert response.context["current"]["awaits_answer"] is True
    assert consent_url(janni_case) in page
    assert "Nordisk Fabrik A/S" in page
    assert "26. november 2026" in page


def test_it_shows_the_employers_answers_beside_the_employees_questions(
    janni: Client, janni_case: FastTrackCase
) -> None:
    response = janni.get(consent_url(janni_case))

    page = response.content.decode()
    for text in EMPLOYER_ANSWERS.values():
        assert text in page
    assert "Hvilke arbejdsfunktioner er påvirket af sygdommen?" in page
    assert page.count('class="row answer-pair') == 3
    # Answer by Thursday 26 November, two banking days after the letter.
    assert response.context["deadline"]["banking_days_left"] == 2
    assert "torsdag 26. november" in page
    # What a no means: the normal track, first conversation at D0 + 55.
    assert "10. januar 2027" in page
    assert "<fieldset" in page and "<legend" in page


def test_it_counts_the_banking_days_left_the_next_day(
    janni: Client, janni_case: FastTrackCase, travel: Callable[[date], None], personas: Personas
) -> None:
    travel(date(2026, 11, 25))
    janni.force_login(personas.janni)

    response = janni.get(consent_url(janni_case))

    assert response.context["deadline"]["banking_days_left"] == 1


def test_it_records_a_yes_with_the_employees_answers(
    janni: Client, janni_case: FastTrackCase
) -> None:
    response = janni.post(consent_url(janni_case), {"choice": "accept", **EMPLOYEE_ANSWERS})

    assert response.status_code == 302
    assert response["Location"] == f"/sager/{janni_case.pk}/"
    janni_case.refresh_from_db()
    assert janni_case.state == State.ACTIVE
    answers = Answers.objects.get(case=janni_case, party=Party.EMPLOYEE)
    assert answers.adjustments_tried == EMPLOYEE_ANSWERS["adjustments_tried"]


def test_it_asks_for_the_answers_with_a_yes_and_keeps_the_choice(
    janni: Client, janni_case: FastTrackCase
) -> None:
    data = {"choice": "accept", "affected_functions": EMPLOYEE_ANSWERS["affected_functions"]}

    page = janni.post(consent_url(janni_case), data).content.decode()

    assert field_error(page, "affected_duration")
    assert field_error(page, "adjustments_tried")
    assert EMPLOYEE_ANSWERS["affected_functions"] in page
    assert 'value="accept" checked' in page
    assert not Consent.objects.filter(case=janni_case).exists()


def test_it_records_a_no_without_answers(janni: Client, janni_case: FastTrackCase) -> None:
    response = janni.post(consent_url(janni_case), {"choice": "decline"}, follow=True)

    janni_case.refresh_from_db()
    assert janni_case.state == State.DECLINED
    assert not Answers.objects.filter(case=janni_case, party=Party.EMPLOYEE).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_it_explains_a_late_yes_and_leaves_the_decision_to_the_jobcentre(
    janni: Client, janni_case: FastTrackCase, travel: Callable[[date], None], personas: Personas
) -> None:
    travel(date(2026, 11, 30))
    janni.force_login(personas.janni)
    assert janni.get(consent_url(janni_case)).context["deadline"]["late"] is True

    janni.post(consent_url(janni_case), {"choice": "accept", **EMPLOYEE_ANSWERS})

    janni_case.refresh_from_db()
    assert janni_case.state == State.AWAITING_CONSENT
    assert Consent.objects.get(case=janni_case).late is True
    assert janni.get(consent_url(janni_case)).status_code == 302


def test_it_lets_the_employee_ask_directly(
    janni: Client, personas: Personas, travel: Callable[[date], None], demo_world: object
) -> None:
    travel(date(2026, 11, 24))
    form = janni.get("/borger/anmodning/ny/").content.decode()
    assert f'value="{NORDISK_FABRIK}"' in form  # her one employer, filled in

    response = janni.post(
        "/borger/anmodning/ny/",
        {
            "first_absence_day": D0.isoformat(),
            "expects_over_8_weeks": "true",
            "employer_cvr": NORDISK_FABRIK,
            **EMPLOYEE_ANSWERS,
        },
    )

    case = FastTrackCase.objects.get()
    assert response["Location"] == f"/sager/{case.pk}/"
    assert case.requested_by == "employee"
    assert case.state == State.ACTIVE  # her own request is her consent


def test_it_lets_the_unemployed_ask_without_an_employer(
    janni: Client, travel: Callable[[date], None], demo_world: object
) -> None:
    travel(date(2026, 11, 24))

    janni.post(
        "/borger/anmodning/ny/",
        {"first_absence_day": D0.isoformat(), "expects_over_8_weeks": "true", **EMPLOYEE_ANSWERS},
    )

    assert FastTrackCase.objects.get().absence.employer is None


def test_it_shows_a_wrong_cvr_number_at_the_field(
    janni: Client, travel: Callable[[date], None], demo_world: object
) -> None:
    travel(date(2026, 11, 24))

    page = janni.post(
        "/borger/anmodning/ny/",
        {
            "first_absence_day": D0.isoformat(),
            "expects_over_8_weeks": "true",
            "employer_cvr": "29887658",
            **EMPLOYEE_ANSWERS,
        },
    ).content.decode()

    assert field_error(page, "employer_cvr")
    assert 'value="29887658"' in page
    assert not FastTrackCase.objects.exists()


def test_it_joins_the_employers_request_as_the_employees_yes(
    janni: Client, janni_case: FastTrackCase
) -> None:
    response = janni.post(
        "/borger/anmodning/ny/",
        {
            "first_absence_day": D0.isoformat(),
            "expects_over_8_weeks": "true",
            "employer_cvr": NORDISK_FABRIK,
            **EMPLOYEE_ANSWERS,
        },
    )

    assert response["Location"] == f"/sager/{janni_case.pk}/"
    janni_case.refresh_from_db()
    assert janni_case.state == State.ACTIVE
    assert FastTrackCase.objects.count() == 1


def test_it_reminds_the_employee_to_see_the_doctor(
    login: Callable[[User], Client], personas: Personas, certificate_requested: CertificateRequest
) -> None:
    response = login(personas.janni).get("/borger/")

    page = response.content.decode()
    assert response.context["current"]["doctor_asked"] is True
    assert "Lægerne på Nørrebrogade, 35 35 12 12" in page


def test_it_offers_the_direct_request_when_there_is_no_case(
    janni: Client, demo_world: object
) -> None:
    page = janni.get("/borger/").content.decode()

    assert 'href="/borger/anmodning/ny/"' in page


def test_it_shows_who_has_seen_the_employees_information_but_not_their_names(
    janni: Client, personas: Personas, janni_case: FastTrackCase
) -> None:
    get_case_for(personas.sagsbehandler, janni_case.pk)

    response = janni.get("/borger/adgangslog/")

    page = response.content.decode()
    assert "Jobcenter København" in page
    assert str(Purpose.CASE_WORK.label) in page
    assert "sagsbehandler" not in page  # the username
    assert "Sofie" not in page and "Bech" not in page
    # Reading one's own log is logged too, but not shown back.
    assert AccessLogEntry.objects.filter(user=personas.janni, purpose=Purpose.OWN_DATA).exists()


@pytest.mark.parametrize("username", ["hr", "leder", "laege", "sagsbehandler"])
def test_it_answers_404_on_the_employees_pages_to_everyone_else(
    login: Callable[[User], Client], personas: Personas, janni_case: FastTrackCase, username: str
) -> None:
    client = login(personas.all()[username])

    for path in [consent_url(janni_case), "/borger/anmodning/ny/", "/borger/adgangslog/"]:
        assert client.get(path).status_code == 404, path


def test_it_answers_404_on_another_persons_case(
    janni: Client, personas: Personas, demo_world: object, travel: Callable[[date], None]
) -> None:
    from fasttrack.cases import actions

    travel(date(2026, 11, 24))
    other, _ = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons["0507762213"],  # type: ignore[attr-defined]
        employer=demo_world.employers[NORDISK_FABRIK],  # type: ignore[attr-defined]
        first_absence_day=D0,
        expects_over_8_weeks=True,
        answers=None,
        requested_by="employer",
        channel="web",
    )

    assert janni.get(consent_url(other)).status_code == 404


def test_it_asks_the_employee_to_confirm_a_new_sick_leave_while_a_case_is_open(
    janni: Client, travel: Callable[[date], None], demo_world: object
) -> None:
    travel(date(2026, 11, 24))
    data = {
        "first_absence_day": D0.isoformat(),
        "expects_over_8_weeks": "true",
        "employer_cvr": NORDISK_FABRIK,
        **EMPLOYEE_ANSWERS,
    }
    janni.post("/borger/anmodning/ny/", data)
    open_case = FastTrackCase.objects.get()
    later = data | {"first_absence_day": (D0 + timedelta(days=2)).isoformat()}
    page = janni.post("/borger/anmodning/ny/", later).content.decode()
    assert 'id="id_new_absence-error"' in page and str(open_case.pk) in page
    assert FastTrackCase.objects.count() == 1
    janni.post("/borger/anmodning/ny/", later | {"new_absence": "true"})
    assert FastTrackCase.objects.get(previous_case=open_case)
