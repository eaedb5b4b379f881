"""The jobcentre sends a letter that failed for good once more, in the case's history."""

from __future__ import annotations

from datetime import date

import pytest

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.errors import LetterNotFailed, LetterNotOnCase, NotPermitted
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import Message
from tests.notifications.conftest import run_due_tasks

D0 = date(2026, 2, 23)
REQUESTED = date(2026, 3, 2)


@pytest.fixture
def case(employer_request) -> FastTrackCase:
    return employer_request(first_absence_day=D0, today=REQUESTED)


def _failed(case: FastTrackCase) -> Message:
    message = Message.objects.get(case_id=case.pk, kind="consent_request", channel="digital_post")
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.FAILED, attempts=8, max_attempts=8, last_error="ConnectionError"
    )
    return message


def test_it_queues_a_failed_letter_again_and_writes_it_in_the_history(case, personas):
    message = _failed(case)

    actions.resend_letter(case=case, actor=personas.sagsbehandler, message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.max_attempts) == ("queued", 9)
    event = CaseEvent.objects.get(case=case, verb="letter_resent")
    assert event.actor == personas.sagsbehandler
    assert event.old == {"message_id": message.pk, "status": "failed", "attempts": 8}
    assert event.new == {
        "message_id": message.pk,
        "kind": "consent_request",
        "channel": "digital_post",
        "status": "queued",
    }
    # Which letters the employee gets is not the employer's to read.
    assert not event.visible_to_employer
    assert "sent" in run_due_tasks()
    message.refresh_from_db()
    assert message.status == "sent"


@pytest.mark.parametrize("status", ["queued", "sending", "sent"])
def test_it_resends_only_a_failed_letter(case, personas, status):
    message = Message.objects.filter(case_id=case.pk).first()
    assert message is not None
    Message.objects.filter(pk=message.pk).update(status=status)

    with pytest.raises(LetterNotFailed) as refused:
        actions.resend_letter(case=case, actor=personas.sagsbehandler, message_id=message.pk)

    assert refused.value.params == {"status": status}
    assert not CaseEvent.objects.filter(case=case, verb="letter_resent").exists()


def test_it_refuses_a_letter_of_another_case(case, employer_request, personas, demo_world):
    other = employer_request(first_absence_day=D0, today=REQUESTED, cpr="0204751350")
    message = _failed(other)

    with pytest.raises(LetterNotOnCase):
        actions.resend_letter(case=case, actor=personas.sagsbehandler, message_id=message.pk)
    with pytest.raises(LetterNotOnCase):
        actions.resend_letter(case=case, actor=personas.sagsbehandler, message_id=999999)
    assert Message.objects.get(pk=message.pk).status == "failed"


@pytest.mark.parametrize("username", ["hr", "leder", "janni", "anden-sagsbehandler"])
def test_only_the_jobcentre_resends(case, personas, username):
    message = _failed(case)
    FastTrackCase.objects.filter(pk=case.pk).update(nearest_manager=personas.leder)

    with pytest.raises(NotPermitted):
        actions.resend_letter(case=case, actor=personas.all()[username], message_id=message.pk)
    assert Message.objects.get(pk=message.pk).status == "failed"


def test_it_resends_the_letter_of_a_closed_case(case, personas):
    actions.withdraw(case=case, actor=personas.hr, reason="Janni er raskmeldt.")
    message = Message.objects.get(
        case_id=case.pk, kind="request_withdrawn", recipient_user=personas.hr
    )
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED)

    actions.resend_letter(case=case, actor=personas.jobcenterchef, message_id=message.pk)

    assert Message.objects.get(pk=message.pk).status == "queued"
