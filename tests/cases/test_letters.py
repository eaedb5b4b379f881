"""The letters the actions write into the outbox (R-10, R-15, R-18)."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from fasttrack.cases import actions, letters
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import Message
from tests.cases.conftest import EMPLOYEE_ANSWERS, EMPLOYER_ANSWERS, JANNI_CPR, at

D0 = date(2026, 2, 23)
REQUESTED = date(2026, 3, 2)

CERTIFICATE: dict[str, Any] = {
    "diagnosis": "Discusprolaps",
    "work_capacity": "Kan arbejde 20 timer om ugen uden tunge løft.",
    "considerations": "Ingen løft over 10 kg.",
    "expected_return": "Delvis nu, fuld om 8 uger.",
    "remarks": "Henvist til MR-scanning.",
}


def _kinds(case: FastTrackCase) -> list[tuple[str, str, str]]:
    return sorted(
        (m.kind, m.channel, m.recipient_user.username if m.recipient_user else "-")
        for m in Message.objects.filter(case_id=case.pk)
    )


@pytest.fixture
def jannis_course(employer_request, personas, travel):
    """Janni's course from the employer's request to close, through the actions."""

    def _run() -> FastTrackCase:
        case = employer_request(
            first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder
        )
        FastTrackCase.objects.filter(pk=case.pk).update(caseworker=personas.sagsbehandler)
        travel(date(2026, 3, 3))
        actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
        actions.request_certificate(case=case, actor=personas.sagsbehandler)
        travel(date(2026, 3, 5))
        actions.book_meeting(
            case=case,
            actor=personas.sagsbehandler,
            kind="retention_meeting",
            starts_at=at(date(2026, 3, 19), 13),
            location="Nordisk Fabrik A/S, Industrivej 12",
            participants=[
                {"user": personas.janni, "role": "employee"},
                {"user": personas.leder, "role": "manager"},
                {"user": personas.sagsbehandler, "role": "caseworker"},
            ],
        )
        travel(date(2026, 3, 10))
        actions.record_certificate(case=case, actor=personas.laege, **CERTIFICATE)
        actions.close(case=case, actor=personas.sagsbehandler, outcome="other")
        return case

    return _run


def test_it_sends_the_consent_request_to_the_employee_with_the_employers_answers(
    employer_request, personas
):
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    sent = Message.objects.filter(case_id=case.pk, kind="consent_request")
    assert sorted(m.channel for m in sent) == ["digital_post", "inbox"]
    letter = sent.get(channel="inbox")
    assert letter.recipient_user == personas.janni
    assert not letter.to_employer
    # The deadline, counted in banking days, and its basis.
    assert "04.03.2026" in letter.body_text
    assert "2 bankdage" in letter.body_text
    for answer in EMPLOYER_ANSWERS.values():
        assert answer in letter.body_text


def test_it_sends_each_letter_of_jannis_course(jannis_course):
    case = jannis_course()

    kinds = {kind for kind, _, _ in _kinds(case)}
    assert kinds == {
        "consent_request",
        "consent_given",
        "certificate_request",
        "see_your_doctor",
        "meeting_invitation",
        "certificate_received",
        "case_closed",
    }
    assert ("certificate_request", "inbox", "laege") in _kinds(case)
    assert ("certificate_received", "inbox", "sagsbehandler") in _kinds(case)
    assert ("consent_given", "inbox", "hr") in _kinds(case)


def test_it_keeps_health_data_and_the_employees_answers_out_of_employer_letters(
    jannis_course,
):
    case = jannis_course()

    employer_bound = Message.objects.filter(case_id=case.pk, to_employer=True)
    assert employer_bound.exists()
    roles = set(employer_bound.values_list("recipient_user__membership__role", flat=True))
    assert roles <= {"employer", "manager"}
    for message in employer_bound:
        text = f"{message.subject}\n{message.body_text}\n{message.attachments}"
        for value in [*CERTIFICATE.values(), *EMPLOYEE_ANSWERS.values()]:
            assert value not in text, (message.dedupe_key, value)


def test_it_puts_no_certificate_field_in_any_letter(jannis_course):
    case = jannis_course()

    for message in Message.objects.filter(case_id=case.pk):
        assert not message.contains_health_data
        for value in CERTIFICATE.values():
            assert value not in message.body_text, (message.dedupe_key, value)


def test_it_never_sends_the_certificate_request_to_the_employer(jannis_course):
    case = jannis_course()

    for kind in ("certificate_request", "see_your_doctor", "certificate_received"):
        assert not Message.objects.filter(case_id=case.pk, kind=kind, to_employer=True).exists()


def test_it_leaves_no_letter_behind_when_the_action_fails_after_writing_it(
    employer_request, personas
):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    before = Message.objects.count()

    with (
        mock.patch.object(actions, "_finish", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    assert Message.objects.count() == before
    assert not Message.objects.filter(kind="consent_given").exists()


def test_it_does_not_duplicate_letters_when_the_same_letters_are_sent_twice(
    employer_request, personas
):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    before = Message.objects.filter(case_id=case.pk).count()

    with transaction.atomic():
        letters.send(letters.consent_request(case))

    assert Message.objects.filter(case_id=case.pk).count() == before


def test_it_gives_a_new_certificate_request_its_own_letters(employer_request, personas, travel):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    travel(date(2026, 3, 3))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    actions.request_certificate(case=case, actor=personas.sagsbehandler)

    assert Message.objects.filter(case_id=case.pk, kind="certificate_request").count() == 2


def test_it_writes_the_employees_letters_in_her_language(employer_request, personas, demo_world):
    person = demo_world.persons[JANNI_CPR]
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])

    case = employer_request(first_absence_day=D0, today=REQUESTED)

    letter = Message.objects.get(case_id=case.pk, kind="consent_request", channel="inbox")
    assert letter.language == "en"
    assert "banking days" in letter.body_text


def test_it_sends_a_calendar_invitation_by_email_to_participants_with_an_address(
    jannis_course,
):
    case = jannis_course()

    for message in Message.objects.filter(
        case_id=case.pk, kind="meeting_invitation", channel="email"
    ):
        assert message.attachments[0]["mime_type"].startswith("text/calendar")
        assert "BEGIN:VCALENDAR" in message.attachments[0]["content"]


def test_it_renders_every_kind_in_both_languages(jannis_course):
    # Every template exists in Danish and English.
    case = jannis_course()
    kinds = set(Message.objects.filter(case_id=case.pk).values_list("kind", flat=True))
    for kind in kinds | {"consent_declined", "consent_late"}:
        for language in ("da", "en"):
            subject, body = letters.render(
                kind,
                language,
                {"person_name": "X", "jobcentre": "J", "due_on": REQUESTED, "starts_at": at(D0)},
            )
            assert subject.startswith("Fast track")
            assert body.strip()
