"""The shared case page: each role sees its own sections, and nothing more (R-09, R-18, R-28)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS, EMPLOYER_ANSWERS
from fasttrack.cases.models import FastTrackCase
from fasttrack.meetings.models import Meeting, MeetingKind
from tests.conftest import Personas

DIAGNOSIS = "Diskusprolaps i lænden"


def _page(client: Client, case: FastTrackCase) -> str:
    response = client.get(reverse("web:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def janni_accepted(demo_cases: dict[str, FastTrackCase], personas: Personas) -> FastTrackCase:
    """Janni accepted, answered, and her doctor sent a certificate."""
    case = demo_cases["janni"]
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    actions.record_certificate(
        case=case,
        actor=personas.laege,
        diagnosis=DIAGNOSIS,
        work_capacity="Kan arbejde siddende 4 timer om dagen.",
        considerations="Ingen tunge løft.",
        expected_return="Delvis om 3 uger.",
        remarks="",
    )
    actions.add_journal_note(case=case, actor=personas.sagsbehandler, text="Ringede til Janni.")
    return case


@pytest.mark.parametrize("username", ["hr", "leder"])
def test_it_never_shows_the_employer_side_health_data_or_the_employees_answers(
    login: Callable[[User], Client],
    personas: Personas,
    janni_accepted: FastTrackCase,
    username: str,
) -> None:
    page = _page(login(personas.all()[username]), janni_accepted)

    assert "Janni Mikkelsen" in page
    assert DIAGNOSIS not in page
    assert 'id="certificate"' not in page
    assert 'data-deadline="medical_certificate"' not in page
    assert "Lægerne på Nørrebrogade" not in page
    for text in EMPLOYEE_ANSWERS.values():
        assert text not in page
    assert 'data-party="employee"' not in page
    assert "data-mark=" not in page  # a difference marker would hint at the employee's answers
    assert EMPLOYER_ANSWERS["affected_functions"] in page
    assert 'id="journal-notes"' not in page
    assert "Ringede til Janni" not in page
    assert 'data-verb="certificate_requested"' not in page
    assert 'data-verb="answers_given"' in page  # the employer's own answers, not the employee's
    assert "1203814562" not in page and "120381-4562" not in page


def test_it_shows_the_employee_everything_about_their_case(
    login: Callable[[User], Client], personas: Personas, janni_accepted: FastTrackCase
) -> None:
    page = _page(login(personas.janni), janni_accepted)

    assert DIAGNOSIS in page
    assert 'data-deadline="medical_certificate"' in page
    assert EMPLOYEE_ANSWERS["affected_functions"] in page
    assert EMPLOYER_ANSWERS["affected_functions"] in page
    assert 'data-verb="certificate_received"' in page
    # Journal notes are the jobcentre's own record.
    assert "Ringede til Janni" not in page
    assert "120381-xxxx" in page


def test_it_shows_the_caseworker_the_whole_case_with_notes_and_actions(
    login: Callable[[User], Client], personas: Personas, janni_accepted: FastTrackCase
) -> None:
    page = _page(login(personas.sagsbehandler), janni_accepted)

    assert DIAGNOSIS in page
    assert "Ringede til Janni" in page
    assert "120381-4562" in page
    assert 'id="case-actions"' in page
    assert 'id="book-first-conversation"' in page
    assert 'data-mark="differ"' in page
    # Every deadline cites its basis.
    assert "sygedagpengeloven § 13 b, stk. 2 (R-19)" in page


def test_it_shows_the_jobcentre_manager_the_case_without_actions_or_diagnosis(
    login: Callable[[User], Client], personas: Personas, janni_accepted: FastTrackCase
) -> None:
    page = _page(login(personas.jobcenterchef), janni_accepted)

    assert 'id="case-actions"' not in page
    assert "Ringede til Janni" in page
    assert DIAGNOSIS not in page


def test_it_shows_the_doctor_both_parties_answers_and_the_request(
    login: Callable[[User], Client], personas: Personas, janni_accepted: FastTrackCase
) -> None:
    page = _page(login(personas.laege), janni_accepted)

    assert EMPLOYEE_ANSWERS["affected_functions"] in page
    assert EMPLOYER_ANSWERS["affected_functions"] in page
    assert 'id="certificate-request"' in page
    assert DIAGNOSIS in page  # the doctor's own certificate
    assert 'id="timeline"' not in page
    assert "Ringede til Janni" not in page


def test_it_marks_where_only_one_party_answered(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    # Janni has not answered yet; the employer has.
    page = _page(login(personas.sagsbehandler), demo_cases["janni"])

    assert page.count('data-mark="only_employer"') == 3


@pytest.mark.parametrize("username", ["anden-sagsbehandler", "anden-hr", "laege"])
def test_it_answers_404_to_those_who_may_not_see_the_case(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    username: str,
) -> None:
    # No certificate was asked of laege's clinic for Janni yet.
    client = login(personas.all()[username])

    assert client.get(reverse("web:case_detail", args=[demo_cases["janni"].pk])).status_code == 404


def test_it_answers_404_for_a_case_that_does_not_exist(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    client = login(personas.sagsbehandler)

    assert client.get(reverse("web:case_detail", args=[999999])).status_code == 404


def test_it_sends_an_anonymous_visitor_to_the_login(
    client: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    response = client.get(reverse("web:case_detail", args=[demo_cases["janni"].pk]))

    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


@pytest.mark.parametrize("username", ["hr", "leder", "janni", "jobcenterchef"])
def test_it_answers_404_on_a_caseworker_action_for_other_roles(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    username: str,
) -> None:
    client = login(personas.all()[username])
    url = reverse("web:case_add_journal_note", args=[demo_cases["janni"].pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "x"}).status_code == 404


def test_it_logs_the_read_with_the_roles_purpose(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    from fasttrack.audit.models import AccessLogEntry, Purpose

    _page(login(personas.hr), demo_cases["janni"])

    entry = AccessLogEntry.objects.filter(user=personas.hr).latest("at")
    assert (entry.purpose, entry.case_id) == (Purpose.EMPLOYER_FOLLOWUP, demo_cases["janni"].pk)


@pytest.mark.parametrize("username", ["sagsbehandler", "janni"])
def test_it_shows_every_meeting_also_one_without_participants(
    login: Callable[[User], Client],
    personas: Personas,
    janni_accepted: FastTrackCase,
    username: str,
) -> None:
    # The page reads the meetings from their participants' side; a meeting
    # left without any must not drop out of it.
    for kind, location in [
        (MeetingKind.FIRST_CONVERSATION, "Industrivej 12"),
        (MeetingKind.RETENTION_MEETING, "Havnegade 3"),
    ]:
        actions.book_meeting(
            case=janni_accepted,
            actor=personas.sagsbehandler,
            kind=kind,
            starts_at=timezone.now() + timedelta(days=5),
            location=location,
            participants=[{"user": personas.janni, "role": "employee"}],
        )
    empty = Meeting.objects.get(case=janni_accepted, location="Havnegade 3")
    empty.participants.all().delete()

    page = _page(login(personas.all()[username]), janni_accepted)

    assert "Industrivej 12" in page
    assert "Havnegade 3" in page
    assert "Janni Mikkelsen (" in page
