"""The letters the actions write into the outbox (R-10, R-15, R-18)."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import icalendar
import pytest
from django.db import transaction

from fasttrack.cases import actions, letters, sweep
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


# The plan may name a treatment: it stays on the case.
PLAN_SUMMARY = "Genoptræning efter discusprolaps, 20 timer om ugen."
PLAN_MEASURE = "Fysioterapi to gange om ugen"


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
        meeting = actions.book_meeting(
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
        version = actions.record_plan(
            case=case,
            actor=personas.sagsbehandler,
            summary=PLAN_SUMMARY,
            measures=[{"kind": "treatment", "description": PLAN_MEASURE, "owner": "Janni"}],
            evaluate_on=date(2026, 4, 15),
        )
        actions.confirm_plan(case=case, actor=personas.janni, version=version)
        actions.confirm_plan(case=case, actor=personas.leder, version=version)
        # Held before the case closes: no meeting of a closed case stays booked.
        travel(date(2026, 3, 19))
        actions.record_meeting_held(
            case=case,
            actor=personas.sagsbehandler,
            meeting=meeting,
            held_on=date(2026, 3, 19),
            minutes="Planen er aftalt.",
        )
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
    assert "4. marts 2026" in letter.body_text
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
        "plan_recorded",
        "plan_confirmed",
        "meeting_minutes_ready",
        "case_closed",
    }
    assert ("certificate_request", "inbox", "laege") in _kinds(case)
    assert ("certificate_received", "inbox", "sagsbehandler") in _kinds(case)
    assert ("consent_given", "inbox", "hr") in _kinds(case)
    assert ("plan_recorded", "inbox", "leder") in _kinds(case)
    assert ("plan_confirmed", "inbox", "sagsbehandler") in _kinds(case)


def test_it_keeps_health_data_and_the_employees_answers_out_of_employer_letters(
    jannis_course,
):
    case = jannis_course()

    employer_bound = Message.objects.filter(case_id=case.pk, to_employer=True)
    assert {"consent_given", "meeting_invitation", "plan_recorded", "case_closed"} <= set(
        employer_bound.values_list("kind", flat=True)
    )
    roles = set(employer_bound.values_list("recipient_user__membership__role", flat=True))
    assert roles <= {"employer", "manager"}
    for message in employer_bound:
        text = f"{message.subject}\n{message.body_text}\n{message.attachments}"
        secrets = [*CERTIFICATE.values(), *EMPLOYEE_ANSWERS.values(), PLAN_SUMMARY, PLAN_MEASURE]
        for value in secrets:
            assert value not in text, (message.dedupe_key, value)


def test_it_puts_no_certificate_field_in_any_letter(jannis_course):
    case = jannis_course()

    for message in Message.objects.filter(case_id=case.pk):
        assert not message.contains_health_data
        for value in [*CERTIFICATE.values(), PLAN_SUMMARY, PLAN_MEASURE]:
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
    # One open request at a time: the next comes after the certificate.
    actions.record_certificate(case=case, actor=personas.laege, **CERTIFICATE)
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

    emails = Message.objects.filter(case_id=case.pk, kind="meeting_invitation", channel="email")
    assert emails.exists()
    for message in emails:
        assert message.attachments[0]["mime_type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(message.attachments[0]["content"])
        event = next(iter(calendar.walk("VEVENT")))
        starts_at = event.decoded("DTSTART")
        assert starts_at == at(date(2026, 3, 19), 13)
        assert str(starts_at.tzinfo) == "Europe/Copenhagen"


def test_it_renders_every_kind_in_both_languages(jannis_course):
    # Every template exists in Danish and English.
    case = jannis_course()
    kinds = set(Message.objects.filter(case_id=case.pk).values_list("kind", flat=True))
    other_kinds = {"consent_declined", "consent_late", "request_withdrawn", "consent_decision"}
    for kind in kinds | other_kinds:
        for language in ("da", "en"):
            subject, body = letters.render(
                kind,
                language,
                {"person_name": "X", "jobcentre": "J", "due_on": REQUESTED, "starts_at": at(D0)},
            )
            assert subject.startswith("Fast track")
            assert body.strip()


# Reminders before a deadline --------------------------------------------------------


def _reminders(case: FastTrackCase) -> list[str]:
    return sorted(
        Message.objects.filter(case_id=case.pk, kind="deadline_reminder").values_list(
            "dedupe_key", flat=True
        )
    )


def test_it_reminds_the_employee_of_consent_2_and_1_banking_days_before_once_each(
    employer_request, travel
):
    # Requested Monday 2 March; consent due Wednesday 4 March (2 banking days, R-11).
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    consent = [k for k in _reminders(case) if "employee_consent" in k]
    assert consent == []

    # Not on the day of the letter itself, though 2 banking days are left.
    sweep.send_reminders(today=REQUESTED)
    assert not [k for k in _reminders(case) if "employee_consent" in k]

    assert sweep.send_reminders(today=date(2026, 3, 3)) >= 1
    # The same day again writes nothing, and says so.
    assert sweep.send_reminders(today=date(2026, 3, 3)) == 0
    consent = [k for k in _reminders(case) if "employee_consent" in k]
    janni = case.absence.person.membership.user_id
    assert consent == [
        f"case:{case.pk}:deadline_reminder:employee:{janni}:employee_consent:2026-03-04:1"
    ]

    sweep.send_reminders(today=date(2026, 3, 4))
    assert len([k for k in _reminders(case) if "employee_consent" in k]) == 1


def test_it_reminds_2_banking_days_before_a_longer_deadline(employer_request, personas, travel):
    # The certificate is due 17 March: reminders on Friday 13 and Monday 16 March.
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    travel(date(2026, 3, 3))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=case, actor=personas.sagsbehandler)

    for day in (12, 13, 14, 15, 16, 16):
        sweep.send_reminders(today=date(2026, 3, day))

    to_doctor = [k for k in _reminders(case) if "medical_certificate" in k]
    assert [k.rsplit(":", 1)[1] for k in to_doctor] == ["1", "2"]
    assert all(":doctor:" in k for k in to_doctor)


def test_it_reminds_the_employer_of_its_own_conversation_without_health_data(
    employer_request, personas
):
    # the employer's own sick-absence conversation is due D0 + 28 (23 March).
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    sweep.send_reminders(today=date(2026, 3, 20))

    sent = Message.objects.filter(case_id=case.pk, kind="deadline_reminder", to_employer=True)
    assert [m.recipient_user for m in sent] == [personas.hr]
    assert "23. marts 2026" in sent[0].body_text


def test_it_leaves_the_reminders_of_a_closed_case_unsent(jannis_course):
    case = jannis_course()

    assert sweep.send_reminders(today=date(2026, 3, 20)) == 0
    assert _reminders(case) == []


def test_it_takes_the_reminder_days_from_the_settings(employer_request, settings):
    settings.REMINDER_BANKING_DAYS = (3,)
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    # 4 banking days before the employer's own conversation on 23 March: none yet.
    sweep.send_reminders(today=date(2026, 3, 17))
    assert not [k for k in _reminders(case) if "employer_sick" in k]
    sweep.send_reminders(today=date(2026, 3, 18))
    assert [k.rsplit(":", 1)[1] for k in _reminders(case) if "employer_sick" in k] == ["3"]


def test_it_tells_the_caseworker_once_when_a_deadline_is_missed(employer_request, personas):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    FastTrackCase.objects.filter(pk=case.pk).update(caseworker=personas.sagsbehandler)

    sweep.sweep(today=date(2026, 3, 5))
    sweep.sweep(today=date(2026, 3, 6))

    missed = Message.objects.filter(case_id=case.pk, kind="deadline_missed")
    assert [(m.recipient_user, m.channel) for m in missed] == [(personas.sagsbehandler, "inbox")]
    assert "4. marts 2026" in missed[0].subject
