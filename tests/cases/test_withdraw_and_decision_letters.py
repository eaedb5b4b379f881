"""The letters of a withdrawal and of the decision after a late or missing consent (R-12, R-18)."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.db import transaction

from fasttrack.cases import actions, letters
from fasttrack.cases.models import ConsentDecision, FastTrackCase
from fasttrack.notifications.models import Message
from tests.cases.conftest import EMPLOYEE_ANSWERS, JANNI_CPR

D0 = date(2026, 2, 23)
REQUESTED = date(2026, 3, 2)  # consent due Wednesday 4 March
LATE = date(2026, 3, 9)
# Personal circumstances a caseworker may write down as the reason.
REASON = "Janni var indlagt på Hvidovre Hospital og kunne ikke svare i tide."


def _letters(case: FastTrackCase, kind: str) -> list[tuple[str, str, bool]]:
    return sorted(
        (m.channel, m.recipient_user.username if m.recipient_user else "person", m.to_employer)
        for m in Message.objects.filter(case_id=case.pk, kind=kind).select_related("recipient_user")
    )


@pytest.fixture
def requested(employer_request, personas) -> FastTrackCase:
    """HR's request for Janni, with leder as nearest manager and sagsbehandler assigned."""
    case = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    FastTrackCase.objects.filter(pk=case.pk).update(caseworker=personas.sagsbehandler)
    case.refresh_from_db()
    return case


# --- withdrawal ------------------------------------------------------------------------


def test_it_tells_every_party_that_the_request_was_withdrawn(requested, personas):
    actions.withdraw(case=requested, actor=personas.hr, reason=REASON)

    # The consent request went by Digital Post, and so does the news that no
    # answer is needed.
    assert _letters(requested, "request_withdrawn") == [
        ("digital_post", "person", False),
        ("inbox", "hr", True),
        ("inbox", "janni", False),
        ("inbox", "leder", True),
        ("inbox", "sagsbehandler", False),
    ]
    employee = Message.objects.get(
        case_id=requested.pk,
        kind="request_withdrawn",
        channel="inbox",
        recipient_user=personas.janni,
    )
    assert "Du skal ikke svare" in employee.body_text
    employer = Message.objects.get(
        case_id=requested.pk, kind="request_withdrawn", recipient_user=personas.hr
    )
    assert "§ 7 a" in employer.body_text
    assert "2. marts 2026" in employer.body_text


def test_it_keeps_the_reason_for_a_withdrawal_out_of_every_letter(requested, personas):
    actions.withdraw(case=requested, actor=personas.sagsbehandler, reason=REASON)

    for message in Message.objects.filter(case_id=requested.pk, kind="request_withdrawn"):
        assert REASON not in f"{message.subject}\n{message.body_text}", message.dedupe_key


def test_it_writes_the_withdrawal_letter_in_the_employees_language(requested, personas, demo_world):
    person = demo_world.persons[JANNI_CPR]
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])

    actions.withdraw(case=requested, actor=personas.hr, reason=REASON)

    to_janni = Message.objects.get(
        case_id=requested.pk, kind="request_withdrawn", recipient_user=personas.janni
    )
    to_hr = Message.objects.get(
        case_id=requested.pk, kind="request_withdrawn", recipient_user=personas.hr
    )
    assert (to_janni.language, to_hr.language) == ("en", "da")
    assert "You need not answer" in to_janni.body_text


def test_a_failing_withdrawal_leaves_no_letter(requested, personas):
    with (
        mock.patch.object(actions, "_finish", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        actions.withdraw(case=requested, actor=personas.hr, reason=REASON)

    assert _letters(requested, "request_withdrawn") == []


def test_sending_the_withdrawal_letters_again_adds_none(requested, personas, travel):
    actions.withdraw(case=requested, actor=personas.hr, reason=REASON)
    before = Message.objects.filter(case_id=requested.pk).count()

    travel(date(2026, 3, 3))  # a retry on another day still finds the same letters
    with transaction.atomic():
        letters.send(letters.request_withdrawn(requested, on=date(2026, 3, 3)))

    assert Message.objects.filter(case_id=requested.pk).count() == before


# --- the decision after a late or missing consent (R-12) ---------------------------------


def _accept_late(case: FastTrackCase, personas, travel) -> None:
    travel(LATE)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)


def test_it_sends_the_employee_the_decision_with_its_reason(requested, personas, travel):
    _accept_late(requested, personas, travel)

    actions.decide_after_late_consent(
        case=requested, actor=personas.sagsbehandler, continue_fast_track=True, reason=REASON
    )

    assert _letters(requested, "consent_decision") == [
        ("digital_post", "person", False),
        ("inbox", "hr", True),
        ("inbox", "janni", False),
        ("inbox", "leder", True),
    ]
    for message in Message.objects.filter(case_id=requested.pk, kind="consent_decision"):
        if message.to_employer:
            continue
        assert REASON in message.body_text
        assert "fortsætter som Fast track" in message.body_text
        # The first conversation is due 14 days after the request.
        assert "16. marts 2026" in message.body_text


def test_it_never_tells_the_employer_the_reason_for_the_decision_r12(requested, personas, travel):
    _accept_late(requested, personas, travel)
    actions.decide_after_late_consent(
        case=requested, actor=personas.sagsbehandler, continue_fast_track=True, reason=REASON
    )

    employer_bound = Message.objects.filter(case_id=requested.pk, to_employer=True)
    assert employer_bound.filter(kind="consent_decision").count() == 2
    for message in employer_bound:
        text = f"{message.subject}\n{message.body_text}\n{message.attachments}"
        for secret in [REASON, "Hvidovre Hospital", *EMPLOYEE_ANSWERS.values()]:
            assert secret not in text, (message.dedupe_key, secret)


def test_it_gives_the_normal_tracks_first_conversation_after_a_fall_back(
    requested, personas, travel
):
    travel(LATE)  # no answer at all

    actions.decide_after_late_consent(
        case=requested, actor=personas.sagsbehandler, continue_fast_track=False, reason=REASON
    )

    to_janni = Message.objects.get(
        case_id=requested.pk, kind="consent_decision", recipient_user=personas.janni
    )
    assert "fortsætter ikke som Fast track" in to_janni.subject
    # the end of week 8, D0 + 55.
    assert "19. april 2026" in to_janni.body_text
    to_hr = Message.objects.get(
        case_id=requested.pk, kind="consent_decision", recipient_user=personas.hr
    )
    assert "fortsætter ikke som Fast track" in to_hr.subject
    assert REASON not in to_hr.body_text


def test_a_failing_decision_leaves_no_letter(requested, personas, travel):
    _accept_late(requested, personas, travel)

    with (
        mock.patch.object(actions, "_finish", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        actions.decide_after_late_consent(
            case=requested, actor=personas.sagsbehandler, continue_fast_track=True, reason=REASON
        )

    assert _letters(requested, "consent_decision") == []
    assert not ConsentDecision.objects.filter(case=requested).exists()


def test_sending_the_decision_letters_again_adds_none(requested, personas, travel):
    _accept_late(requested, personas, travel)
    actions.decide_after_late_consent(
        case=requested, actor=personas.sagsbehandler, continue_fast_track=True, reason=REASON
    )
    before = Message.objects.filter(case_id=requested.pk).count()

    with transaction.atomic():
        letters.send(
            letters.consent_decision(requested, ConsentDecision.objects.get(case=requested))
        )

    assert Message.objects.filter(case_id=requested.pk).count() == before
