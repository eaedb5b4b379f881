"""HR records its own § 7 a conversation (R-23): the deadline shows it held, and the
note is the employer side's and the employee's only."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fasttrack.cases.models import EmployerConversation, FastTrackCase
from tests.conftest import Personas

NOTE = "Vi talte om lettere opgaver i pakkeriet."


def _da(msgid: str, **params: str) -> str:
    with translation.override("da"):
        return translation.gettext(msgid) % params


def test_it_lets_hr_record_its_conversation_and_shows_it_held(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]  # D0 9 November: the conversation is due 7 December
    client = login(personas.hr)
    start = client.get("/arbejdsgiver/").content.decode()
    url = reverse("web:case_record_employer_conversation", args=[case.pk])
    assert url in start

    response = client.post(url, {"held_on": "2026-11-17", "note": NOTE})

    assert response.status_code == 302
    assert EmployerConversation.objects.get(case=case).note == NOTE
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    row = re.search(r'<tr data-deadline="employer_sick_absence_conversation">.*?</tr>', page, re.S)
    assert row is not None
    assert _da("Held on %(date)s", date="17. november 2026") in row.group(0)
    assert NOTE in page
    # No reminder of a conversation that is held.
    assert url not in client.get("/arbejdsgiver/").content.decode()


def test_it_shows_the_note_to_the_employee_but_never_to_the_jobcentre(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    login(personas.hr).post(
        reverse("web:case_record_employer_conversation", args=[case.pk]),
        {"held_on": "2026-11-17", "note": NOTE},
    )
    case_url = reverse("web:case_detail", args=[case.pk])

    assert NOTE in login(personas.janni).get(case_url).content.decode()
    assert NOTE in login(personas.leder).get(case_url).content.decode()
    for user in (personas.sagsbehandler, personas.jobcenterchef):
        page = login(user).get(case_url).content.decode()
        assert NOTE not in page
        # The jobcentre still sees from the deadline that it was held.
        assert _da("Held on %(date)s", date="17. november 2026") in page


def test_it_refuses_a_day_before_the_absence_or_to_come_at_the_field(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    url = reverse("web:case_record_employer_conversation", args=[case.pk])

    response = login(personas.hr).post(url, {"held_on": "2026-11-19", "note": NOTE})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_held_on-error"' in page
    assert "9. november 2026" in page and "18. november 2026" in page
    assert NOTE in page  # what was typed is kept
    assert not EmployerConversation.objects.exists()


def test_it_keeps_the_form_from_everyone_but_the_employer_side(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    url = reverse("web:case_record_employer_conversation", args=[demo_cases["janni"].pk])

    for user in (personas.janni, personas.sagsbehandler, personas.laege, personas.anden_hr):
        assert login(user).get(url).status_code == 404, user
    assert login(personas.leder).get(url).status_code == 200
