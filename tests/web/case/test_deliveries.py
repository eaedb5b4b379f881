"""The letters' delivery status on the case page, and "Send igen" (issue 7)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS
from fasttrack.cases.errors import LetterNotFailed, localized_message
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import InboxItem, Message
from fasttrack.notifications.outbox import enqueue_message, mark_inbox_item_read
from tests.conftest import Personas
from tests.notifications.conftest import run_due_tasks

JANNI_CPR = "1203814562"


def _section(client: Client, case: FastTrackCase) -> str:
    response = client.get(reverse("web:case_detail", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    if 'id="deliveries"' not in page:
        return ""
    return page.split('id="deliveries"', 1)[1].split("</section>", 1)[0]


def _rows(section: str) -> list[tuple[str, str]]:
    """(kind, status) of each row."""
    return re.findall(r'data-message="\d+" data-kind="(\w+)" data-status="(\w+)"', section)


def _resend_url(case: FastTrackCase, message: Message) -> str:
    return reverse("web:case_resend_letter", args=[case.pk, message.pk])


@pytest.fixture
def janni(demo_cases: dict[str, FastTrackCase], personas: Personas) -> FastTrackCase:
    """Janni accepted; the consent letters are delivered, and HR was told."""
    case = demo_cases["janni"]
    FastTrackCase.objects.filter(pk=case.pk).update(caseworker=personas.sagsbehandler)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    run_due_tasks()
    return case


def _fail(case: FastTrackCase, kind: str, **filters: object) -> Message:
    message = Message.objects.get(case_id=case.pk, kind=kind, **filters)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.FAILED,
        attempts=8,
        sent_at=None,
        last_error="ConnectionError: relay refused [body] for [cpr]\nTraceback ...",
    )
    return message


def test_it_shows_the_caseworker_every_letter_of_the_case(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    section = _section(login(personas.sagsbehandler), janni)

    expected = Message.objects.filter(case_id=janni.pk)
    assert len(_rows(section)) == expected.count() == 4
    assert sorted(_rows(section)) == sorted((m.kind, m.status) for m in expected)
    for name in ("Janni Mikkelsen", "Helle Rasmussen", "Sofie Bech"):
        assert name in section
    assert "Digital Post" in section


def test_it_shows_no_body_subject_or_cpr_number_in_the_table(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    section = _section(login(personas.sagsbehandler), janni)

    for message in Message.objects.filter(case_id=janni.pk):
        assert message.subject not in section
        for line in message.body_text.splitlines():
            if len(line) > 20:
                assert line not in section, (message.kind, line)
    assert JANNI_CPR not in section
    assert "120381-4562" not in section and "120381-xxxx" not in section


def test_it_shows_the_employee_only_her_own_letters(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    section = _section(login(personas.janni), janni)

    own = Message.objects.filter(case_id=janni.pk, kind="consent_request")
    assert sorted(_rows(section)) == sorted((m.kind, m.status) for m in own)
    assert {m.channel for m in own} == {"inbox", "digital_post"}
    assert "Helle Rasmussen" not in section and "Sofie Bech" not in section


def test_it_shows_hr_only_its_own_letters_and_the_manager_none(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    hr = _section(login(personas.hr), janni)
    assert _rows(hr) == [("consent_given", "sent")]
    assert "Janni Mikkelsen" not in hr

    manager = _section(login(personas.leder), janni)
    assert _rows(manager) == []
    with translation.override("da"):
        assert translation.gettext("No letters yet.") in manager


def test_it_shows_the_doctor_no_letters(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    actions.request_certificate(case=janni, actor=personas.sagsbehandler)

    assert _section(login(personas.laege), janni) == ""


def test_it_shows_when_an_inbox_letter_was_read(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    client = login(personas.hr)
    letter = Message.objects.get(case_id=janni.pk, kind="consent_given", recipient_user=personas.hr)

    def read_cell() -> str:
        section = _section(client, janni)
        row = section.split(f'data-message="{letter.pk}"', 1)[1].split("</tr>", 1)[0]
        return row.rsplit("<td>", 1)[1]

    with translation.override("da"):
        assert translation.gettext("Not read yet") in read_cell()
    mark_inbox_item_read(letter.inbox_item.pk)
    read_at = InboxItem.objects.get(message=letter).read_at
    assert read_at is not None

    with translation.override("da"):
        assert date_format(timezone.localtime(read_at), "DATETIME_FORMAT") in read_cell()


def test_the_page_costs_the_same_queries_however_many_letters(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    client = login(personas.sagsbehandler)
    url = reverse("web:case_detail", args=[janni.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    with transaction.atomic():
        for number in range(12):
            enqueue_message(
                dedupe_key=f"case:{janni.pk}:test:{number}",
                kind="deadline_reminder",
                channel="inbox" if number % 2 else "digital_post",
                subject="Påmindelse",
                body_text="Husk fristen.",
                recipient_user=personas.janni if number % 2 else None,
                recipient_person=None if number % 2 else personas.janni.membership.person,
                case_id=janni.pk,
            )
    run_due_tasks()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(_rows(response.content.decode())) == 12 + 4
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- "Send igen" ---------------------------------------------------------------------------


def test_the_caseworker_resends_a_failed_letter(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    message = _fail(janni, "consent_request", channel="digital_post")
    client = login(personas.sagsbehandler)
    section = _section(client, janni)
    assert f'id="resend-{message.pk}"' in section
    assert section.count('id="resend-') == 1
    assert "ConnectionError: relay refused [body] for [cpr]" in section
    assert "Traceback" not in section

    response = client.post(_resend_url(janni, message))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[janni.pk])
    assert Message.objects.get(pk=message.pk).status == "queued"
    assert CaseEvent.objects.filter(case=janni, verb="letter_resent").count() == 1
    run_due_tasks()
    assert Message.objects.get(pk=message.pk).status == "sent"


def test_it_offers_no_resend_to_anyone_but_the_caseworker(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    _fail(janni, "consent_request", channel="inbox")

    for user in (personas.jobcenterchef, personas.janni):
        section = _section(login(user), janni)
        assert ("consent_request", "failed") in _rows(section)
        assert 'id="resend-' not in section


@pytest.mark.parametrize(
    "username", ["hr", "leder", "janni", "jobcenterchef", "anden-sagsbehandler"]
)
def test_it_answers_404_to_a_resend_by_anyone_but_the_caseworker(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase, username: str
) -> None:
    message = _fail(janni, "consent_request", channel="inbox")

    response = login(personas.all()[username]).post(_resend_url(janni, message))

    assert response.status_code == 404
    assert Message.objects.get(pk=message.pk).status == "failed"


def test_it_answers_404_for_a_letter_of_another_case(
    login: Callable[[User], Client],
    personas: Personas,
    janni: FastTrackCase,
    demo_cases: dict[str, FastTrackCase],
) -> None:
    other = _fail(demo_cases["ahmed"], "consent_request", channel="digital_post")
    client = login(personas.sagsbehandler)

    assert client.post(_resend_url(janni, other)).status_code == 404
    assert client.get(_resend_url(janni, other)).status_code == 405
    assert Message.objects.get(pk=other.pk).status == "failed"


def test_it_explains_why_a_letter_that_did_not_fail_is_not_resent(
    login: Callable[[User], Client], personas: Personas, janni: FastTrackCase
) -> None:
    message = Message.objects.get(
        case_id=janni.pk, kind="consent_given", recipient_user=personas.hr
    )

    response = login(personas.sagsbehandler).post(_resend_url(janni, message), follow=True)

    with translation.override("da"):
        expected = localized_message(LetterNotFailed(status="sent"))
    assert expected in response.content.decode()
    assert not CaseEvent.objects.filter(case=janni, verb="letter_resent").exists()
