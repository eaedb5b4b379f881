"""Test doubles for channels and the e-mail backend, named in settings."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction

from fasttrack.notifications.errors import PermanentDeliveryError
from fasttrack.notifications.models import Message
from fasttrack.notifications.outbox import enqueue_message

SENDS_TABLE = "outbox_test_sends"


class FlakyChannel:
    """Fails ``failures_left`` times (with the body and a CPR number in the
    error, which must not reach ``last_error``), then succeeds."""

    failures_left: ClassVar[int] = 0
    sent: ClassVar[list[str]] = []

    def send(self, message: Message) -> str:
        if FlakyChannel.failures_left > 0:
            FlakyChannel.failures_left -= 1
            raise ConnectionError(f"relay refused {message.body_text!r} for 010190-1234")
        FlakyChannel.sent.append(message.dedupe_key)
        return f"flaky:{message.pk}"


class RefusingChannel:
    def send(self, message: Message) -> str:
        raise PermanentDeliveryError("No such mailbox.")


class SlowRecordingEmailBackend(BaseEmailBackend):
    """Records each e-mail's Message-ID in a table as a mail server would
    receive it, then takes its time to acknowledge: a worker killed in that
    pause has delivered a message it never marked as sent."""

    delay_seconds = float(os.environ.get("OUTBOX_TEST_SEND_DELAY", "0.2"))

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for email in email_messages:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {SENDS_TABLE} (message_id_header, recipient, pid) "  # noqa: S608
                    "VALUES (%s, %s, %s)",
                    [email.extra_headers["Message-ID"], email.to[0], os.getpid()],
                )
            time.sleep(self.delay_seconds)
        return len(email_messages)


class RefusingForKeyChannel:
    """Fails for the dedupe keys in ``refused_keys`` (a connection refused,
    retried later) and sends every other message."""

    refused_keys: ClassVar[set[str]] = set()
    sent: ClassVar[list[str]] = []

    def send(self, message: Message) -> str:
        if message.dedupe_key in RefusingForKeyChannel.refused_keys:
            raise ConnectionError("relay refused the connection")
        RefusingForKeyChannel.sent.append(message.dedupe_key)
        return f"refusing-for-key:{message.pk}"


def enqueue_consent_requests(count: int, *, start: int = 0) -> list[Message]:
    """``count`` consent letters by e-mail, for the cases ``start`` onwards."""
    with transaction.atomic():
        return [
            enqueue_message(
                dedupe_key=f"case:{n}:consent_request:employee",
                kind="consent_request",
                channel="email",
                subject=f"Fast track {n}",
                body_text="Din arbejdsgiver har bedt om Fast track.",
                recipient_address=f"employee{n}@example.dk",
                case_id=n,
            )
            for n in range(start, start + count)
        ]
