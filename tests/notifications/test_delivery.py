"""Delivering through each channel, retrying with back-off, failing for good."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from typing import Any

import icalendar
import pytest
import time_machine
from django.core import mail
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fasttrack.lib.ics import meeting_invitation
from fasttrack.notifications.admin import masked_memo
from fasttrack.notifications.channels.digital_post import MEMO_NAMESPACE
from fasttrack.notifications.delivery import deliver, retry_delay
from fasttrack.notifications.models import DigitalPostDelivery, InboxItem, Message, delivery_uuid
from fasttrack.notifications.outbox import ics_attachment, mark_inbox_item_read, retry_message_now
from tests.conftest import Personas
from tests.notifications.conftest import run_due_tasks
from tests.notifications.fakes import FlakyChannel

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
M = f"{{{MEMO_NAMESPACE}}}"


@pytest.fixture(autouse=True)
def locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Jobcenter København <fasttrack@kk.example>"


def invitation() -> bytes:
    return meeting_invitation(
        uid="meeting-3@fasttrack",
        sequence=0,
        method="REQUEST",
        starts_at=datetime(2026, 11, 10, 10, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 10, 11, 0, tzinfo=UTC),
        summary="Første opfølgningssamtale",
        organizer=("Jobcenter København", "fasttrack@kk.example"),
        attendees=[("Janni", "janni@example.dk", "REQ-PARTICIPANT")],
    )


# E-mail -----------------------------------------------------------------------


def test_it_sends_an_email_with_a_stable_message_id(send: Callable[..., Message]) -> None:
    message = send(body_html="<p>Kære Janni</p>")

    assert run_due_tasks() == ["sent"]

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    (email,) = mail.outbox
    assert email.to == ["janni@example.dk"]
    assert email.subject == "Din arbejdsgiver har bedt om Fast track"
    expected_id = f"<{delivery_uuid(message.dedupe_key)}@kk.example>"
    assert email.extra_headers["Message-ID"] == expected_id
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.provider_reference == expected_id
    parsed = message_from_bytes(email.message().as_bytes())
    assert parsed["Message-ID"] == expected_id
    assert parsed["Auto-Submitted"] == "auto-generated"


def test_it_sends_the_meeting_invitation_as_calendar_part_and_file(
    send: Callable[..., Message],
) -> None:
    send(kind="meeting_invitation", attachments=[ics_attachment(invitation())])
    run_due_tasks()

    (email,) = mail.outbox
    parsed = message_from_bytes(email.message().as_bytes())
    parts = {part.get_content_type(): part for part in parsed.walk()}
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    payload = calendar_part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert icalendar.Calendar.from_ical(payload).events[0].uid == "meeting-3@fasttrack"
    file_part = parts["application/ics"]
    assert file_part.get_filename() == "invitation.ics"


def test_a_repeated_email_carries_the_same_message_id(send: Callable[..., Message]) -> None:
    message = send()
    run_due_tasks()
    # As if the worker had died after sending: the message is queued again.
    Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED)
    deliver(message.pk)

    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]


# Digital Post -----------------------------------------------------------------


def test_it_sends_digital_post_as_memo_with_the_cpr_looked_up_at_send_time(
    personas: Personas, send: Callable[..., Message], settings: Any
) -> None:
    settings.DIGITAL_POST_SENDER_ID = "64942212"
    settings.DIGITAL_POST_SENDER_LABEL = "Jobcenter København"
    person = personas.janni.membership.person
    assert person is not None
    message = send(
        channel="digital_post",
        recipient_person=person,
        recipient_address="",
        attachments=[ics_attachment(invitation())],
    )

    assert run_due_tasks() == ["sent"]

    delivery = DigitalPostDelivery.objects.get()
    assert delivery.message_uuid == delivery_uuid(message.dedupe_key)
    assert delivery.recipient_kind == "CPR"
    assert delivery.recipient_masked == person.cpr[:6] + "-xxxx"
    assert person.cpr not in delivery.memo_ciphertext
    root = ET.fromstring(delivery.memo_xml)  # noqa: S314
    assert root.tag == f"{M}Message"
    assert root.get("memoVersion") == "1.1"
    header = root.find(f"{M}MessageHeader")
    assert header is not None
    assert header.findtext(f"{M}messageUUID") == str(delivery.message_uuid)
    assert header.findtext(f"{M}label") == message.subject
    assert header.findtext(f"{M}Sender/{M}senderID") == "64942212"
    assert header.findtext(f"{M}Sender/{M}idType") == "CVR"
    assert header.findtext(f"{M}Recipient/{M}recipientID") == person.cpr
    assert header.findtext(f"{M}Recipient/{M}idType") == "CPR"
    main = root.find(f"{M}MessageBody/{M}MainDocument/{M}File")
    assert main is not None
    assert main.findtext(f"{M}encodingFormat") == "text/plain"
    content = base64.b64decode(main.findtext(f"{M}content") or "").decode()
    assert content == message.body_text
    extra = root.find(f"{M}MessageBody/{M}AdditionalDocument/{M}File")
    assert extra is not None
    assert extra.findtext(f"{M}encodingFormat") == "text/calendar"
    assert person.cpr not in masked_memo(delivery)
    assert "-xxxx" in masked_memo(delivery)


def test_it_sends_digital_post_to_a_company_by_cvr(send: Callable[..., Message]) -> None:
    send(channel="digital_post", recipient_address="29887659", to_employer=True)
    run_due_tasks()
    delivery = DigitalPostDelivery.objects.get()
    assert delivery.recipient_kind == "CVR"
    assert delivery.recipient_masked == "29887659"


def test_a_repeated_digital_post_delivery_is_dropped_by_its_uuid(
    personas: Personas, send: Callable[..., Message]
) -> None:
    message = send(
        channel="digital_post",
        recipient_person=personas.janni.membership.person,
        recipient_address="",
    )
    run_due_tasks()
    Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED)
    assert deliver(message.pk) == "sent"
    assert DigitalPostDelivery.objects.count() == 1


# Inbox ------------------------------------------------------------------------


def test_it_delivers_to_the_inbox_once(personas: Personas, send: Callable[..., Message]) -> None:
    message = send(channel="inbox", recipient_user=personas.janni, recipient_address="")
    run_due_tasks()
    Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED)
    deliver(message.pk)

    item = InboxItem.objects.get()
    assert item.user == personas.janni
    assert item.subject == message.subject
    assert item.body == message.body_text
    assert item.case_id == 42
    message.refresh_from_db()
    assert message.provider_reference == f"inbox:{item.pk}"


def test_opening_an_inbox_item_records_the_first_opening(
    personas: Personas, send: Callable[..., Message]
) -> None:
    message = send(channel="inbox", recipient_user=personas.janni, recipient_address="")
    run_due_tasks()
    item = InboxItem.objects.get()
    with time_machine.travel(START, tick=False):
        mark_inbox_item_read(item.pk)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        mark_inbox_item_read(item.pk)
    item.refresh_from_db()
    message.refresh_from_db()
    assert item.read_at == START
    assert message.first_opened_at == START


# Retries ----------------------------------------------------------------------


def test_it_waits_twice_as_long_after_each_failure(settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_it_retries_with_back_off_and_then_sends(
    send: Callable[..., Message], flaky_channel: type[FlakyChannel], settings: Any
) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    flaky_channel.failures_left = 2
    with time_machine.travel(START, tick=False):
        message = send()
        assert run_due_tasks() == ["retry"]
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED
        assert message.attempts == 1
        assert message.next_attempt_at == START + timedelta(seconds=60)
        assert message.last_error.startswith("ConnectionError")
        # The retry is a task that waits for its time.
        assert run_due_tasks() == []

    with time_machine.travel(START + timedelta(seconds=61), tick=False):
        assert run_due_tasks() == ["retry"]
        message.refresh_from_db()
        assert message.attempts == 2
        assert message.next_attempt_at == START + timedelta(seconds=61 + 120)

    with time_machine.travel(START + timedelta(seconds=200), tick=False):
        assert run_due_tasks() == ["sent"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 3
    assert message.last_error == ""
    assert flaky_channel.sent == [message.dedupe_key]


def test_it_fails_for_good_after_the_last_attempt(
    send: Callable[..., Message], flaky_channel: type[FlakyChannel], settings: Any
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    flaky_channel.failures_left = 99
    moment = START
    with time_machine.travel(moment, tick=False):
        message = send()
    outcomes: list[Any] = []
    for _ in range(4):
        with time_machine.travel(moment, tick=False):
            outcomes += run_due_tasks()
        moment += timedelta(hours=7)

    assert outcomes == ["retry", "retry", "failed"]
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 3
    assert DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count() == 0


def test_its_last_error_holds_neither_body_nor_cpr(
    send: Callable[..., Message], flaky_channel: type[FlakyChannel]
) -> None:
    flaky_channel.failures_left = 1
    message = send()
    run_due_tasks()
    message.refresh_from_db()
    assert "ConnectionError" in message.last_error
    assert message.body_text not in message.last_error
    assert "010190-1234" not in message.last_error
    assert "[body]" in message.last_error
    assert "[cpr]" in message.last_error


def test_a_permanent_refusal_fails_at_once(send: Callable[..., Message], settings: Any) -> None:
    settings.OUTBOX_CHANNEL_OVERRIDES = {"email": "tests.notifications.fakes.RefusingChannel"}
    message = send()
    assert run_due_tasks() == ["failed"]
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 1
    assert message.last_error == "PermanentDeliveryError: No such mailbox."


def test_retry_now_gives_a_failed_message_one_more_attempt(
    send: Callable[..., Message], settings: Any
) -> None:
    settings.OUTBOX_CHANNEL_OVERRIDES = {"email": "tests.notifications.fakes.RefusingChannel"}
    message = send()
    run_due_tasks()
    settings.OUTBOX_CHANNEL_OVERRIDES = {}

    assert retry_message_now(message.pk) is True
    assert run_due_tasks() == ["sent"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 2
    assert retry_message_now(message.pk) is False


def test_a_duplicate_task_does_not_send_twice(send: Callable[..., Message]) -> None:
    message = send()
    assert deliver(message.pk) == "sent"
    assert deliver(message.pk) == "already_sent"
    assert len(mail.outbox) == 1


# Switched-off channels --------------------------------------------------------


def test_a_switched_off_channel_keeps_the_message_queued(
    send: Callable[..., Message], settings: Any
) -> None:
    settings.USE_EMAIL = False
    message = send()
    assert run_due_tasks() == ["channel_disabled"]
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert message.attempts == 0
    assert "switched off" in message.last_error
    assert mail.outbox == []
