"""Letters are written in the language each reader chose, with links that work anywhere,
and every date is written one way per language."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from fasttrack.cases import actions
from fasttrack.formats.dates import (
    as_date,
    as_datetime,
    as_time,
    as_weekday_date,
    as_weekday_datetime,
)
from fasttrack.notifications.delivery import deliver
from fasttrack.notifications.models import InboxItem, Message
from fasttrack.people.models import language_of
from tests.cases.conftest import EMPLOYEE_ANSWERS

D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 6)
MOMENT = datetime(2026, 12, 6, 16, 46, tzinfo=ZoneInfo("Europe/Copenhagen"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "da",
            [
                "6. december 2026",
                "søndag 6. december 2026",
                "16:46",
                "6. december 2026, 16:46",
                "søndag 6. december 2026, 16:46",
            ],
        ),
        (
            "en",
            [
                "6 December 2026",
                "Sunday 6 December 2026",
                "16:46",
                "6 December 2026, 16:46",
                "Sunday 6 December 2026, 16:46",
            ],
        ),
    ],
)
def test_it_writes_every_date_one_way_per_language_on_the_24_hour_clock(language, expected):
    with translation.override(language):
        written = [
            as_date(MOMENT.date()),
            as_weekday_date(MOMENT),
            as_time(MOMENT),
            as_datetime(MOMENT),
            as_weekday_datetime(MOMENT),
        ]
        # Django's own filters follow the same formats (fasttrack/formats).
        django_date = Template('{{ day|date:"DATE_FORMAT" }}').render(Context({"day": MOMENT}))
        # A plan's dates are kept as ISO text in JSON.
        from_json = as_date("2026-12-06")

    assert written == expected
    assert django_date == from_json == expected[0]


def test_it_keeps_the_language_a_user_switches_to(login, personas):
    client = login(personas.sagsbehandler)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/jobcenter/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    personas.sagsbehandler.membership.refresh_from_db()
    assert language_of(personas.sagsbehandler) == "en"


def test_it_keeps_an_employees_language_on_her_person_for_her_digital_post(login, personas):
    client = login(personas.janni)

    client.post(reverse("set_language"), {"language": "en", "next": "/borger/"})

    personas.janni.membership.person.refresh_from_db()
    assert personas.janni.membership.person.preferred_language == "en"
    assert language_of(personas.janni) == "en"


def test_it_writes_letters_and_inbox_subjects_in_english_for_who_chose_english(
    employer_request, personas, login
):
    for user in (personas.hr, personas.sagsbehandler):
        client = login(user)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)

    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    to_hr = Message.objects.get(case_id=case.pk, kind="consent_given", recipient_user=personas.hr)
    to_worker = Message.objects.get(
        case_id=case.pk, kind="consent_given", recipient_user=personas.sagsbehandler
    )
    for letter in (to_hr, to_worker):
        assert letter.language == "en"
        assert letter.subject == "Fast track: Janni Mikkelsen has said yes"
    deliver(to_worker.pk)
    item = InboxItem.objects.get(message=to_worker)
    assert item.subject == "Fast track: Janni Mikkelsen has said yes"
    # A Danish reader of the same case still gets Danish.
    leder_letters = Message.objects.filter(case_id=case.pk, recipient_user=personas.leder)
    assert all(letter.language == "da" for letter in leder_letters)


def test_it_links_the_case_with_the_sites_full_address_clickable_in_the_inbox(
    employer_request, personas, settings, login
):
    settings.SITE_URL = "https://fasttrack.example.dk"
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    letter = Message.objects.get(
        case_id=case.pk, kind="consent_given", recipient_user=personas.sagsbehandler
    )
    url = f"https://fasttrack.example.dk/sager/{case.pk}/"
    assert url in letter.body_text

    deliver(letter.pk)
    client = login(personas.sagsbehandler)
    item = InboxItem.objects.get(message=letter)
    page = client.get(reverse("web:inbox_item", args=[item.pk])).content.decode()

    assert f'<a href="{url}"' in page


def test_it_links_the_meeting_in_the_invitation_not_its_bare_path(
    employer_request, personas, travel
):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    meeting = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=datetime(2026, 3, 12, 10, tzinfo=ZoneInfo("Europe/Copenhagen")),
        location="Jobcentret",
    )

    invitation = Message.objects.get(
        kind="meeting_invitation", channel="inbox", recipient_user=personas.janni
    )
    path = f"/sager/{case.pk}/moeder/{meeting.pk}/"
    assert f"{settings.SITE_URL}{path}" in invitation.body_text
    assert f" {path}" not in invitation.body_text
    # The meeting in words: "12. marts 2026 kl. 10:00".
    assert "12. marts 2026 kl. 10:00" in invitation.subject
