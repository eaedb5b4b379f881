"""Delivering one message: claim the row, send outside the transaction, record.

The send happens outside any database transaction on purpose. Holding the
row lock (and on SQLite the whole database's write lock) across an SMTP
conversation or an HTTP call would stall every other writer; and it would buy
nothing, because a send that succeeds cannot be rolled back anyway. So the
guarantee is at-least-once delivery of every message, with the dedupe key
carried into every attempt (e-mail Message-ID, MeMo MessageUUID, unique inbox
row) so the receiving side can drop a repeat. A repeat only happens when a
worker dies (or stalls past ``OUTBOX_STALE_AFTER_SECONDS``) between sending
and recording.

States: ``queued`` → (claim) ``sending`` → ``sent``; a failed attempt goes
back to ``queued`` with exponential back-off, and after ``max_attempts`` to
``failed``. ``claimed_at`` fences the recording: a worker that lost its claim
to the recovery records nothing but a success.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fasttrack.notifications import conf
from fasttrack.notifications.channels import channel_enabled, get_channel
from fasttrack.notifications.errors import PermanentDeliveryError
from fasttrack.notifications.models import Message
from fasttrack.notifications.outbox import schedule_delivery

logger = logging.getLogger(__name__)

_CPR_LIKE = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")
_MAX_ERROR_LENGTH = 1000


def deliver(message_id: int) -> str:
    """Try to deliver one message now; return what happened (for the task result)."""
    message = _claim(message_id)
    if isinstance(message, str):
        return message
    assert message.claimed_at is not None
    claim = message.claimed_at
    try:
        reference = get_channel(message.channel).send(message)
    except Exception as error:
        return _record_failure(message, claim, error)
    _record_success(message, reference)
    return "sent"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 ... base units."""
    seconds = conf.retry_base_seconds() * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf.retry_max_seconds()))


def _claim(message_id: int) -> Message | str:
    now = timezone.now()
    with transaction.atomic():
        # SKIP LOCKED: a row another worker is claiming is that worker's job.
        # On SQLite the clause is dropped and the IMMEDIATE transaction
        # serialises the claim instead.
        message = (
            # of=("self",): PostgreSQL locks no outer-joined person row.
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient_person", "sender_municipality")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return "locked_or_missing"
        if message.status != Message.Status.QUEUED:
            return f"already_{message.status}"
        if message.next_attempt_at > now:
            return "not_due"
        if not channel_enabled(message.channel):
            # Left queued, not failed: switching a channel off must not lose
            # letters. The recovery picks them up once it is on again.
            message.last_error = f"The {message.channel} channel is switched off."
            message.save(update_fields=["last_error"])
            return "channel_disabled"
        message.status = Message.Status.SENDING
        message.claimed_at = now
        # Counted at the claim, so a message that kills its worker every time
        # still runs out of attempts.
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _record_success(message: Message, reference: str) -> None:
    # Not fenced by the claim: the message did go out, whoever holds it now.
    Message.objects.filter(pk=message.pk).exclude(status=Message.Status.SENT).update(
        status=Message.Status.SENT,
        sent_at=timezone.now(),
        provider_reference=reference[:200],
        claimed_at=None,
        last_error="",
    )
    logger.info(
        "Sent message %s (%s via %s, attempt %s).",
        message.pk,
        message.kind,
        message.channel,
        message.attempts,
    )


def _record_failure(message: Message, claim: datetime, error: Exception) -> str:
    description = describe_error(error, message)
    now = timezone.now()
    with transaction.atomic():
        current = (
            Message.objects.select_for_update()
            .filter(pk=message.pk, status=Message.Status.SENDING, claimed_at=claim)
            .first()
        )
        if current is None:
            logger.warning("Message %s was taken over while this attempt failed.", message.pk)
            return "superseded"
        current.claimed_at = None
        current.last_error = description
        permanent = isinstance(error, PermanentDeliveryError)
        if permanent or current.attempts >= current.max_attempts:
            current.status = Message.Status.FAILED
            current.save(update_fields=["status", "claimed_at", "last_error"])
            logger.error(
                "Message %s (%s via %s) failed for good after %s attempts: %s",
                current.pk,
                current.kind,
                current.channel,
                current.attempts,
                description,
            )
            return "failed"
        current.status = Message.Status.QUEUED
        current.next_attempt_at = now + retry_delay(current.attempts)
        current.save(update_fields=["status", "claimed_at", "last_error", "next_attempt_at"])
        schedule_delivery(current, run_after=current.next_attempt_at)
    logger.warning(
        "Message %s (%s via %s) attempt %s failed, next at %s: %s",
        current.pk,
        current.kind,
        current.channel,
        current.attempts,
        current.next_attempt_at.isoformat(),
        description,
    )
    return "retry"


def describe_error(error: BaseException, message: Message) -> str:
    """The error for ``last_error`` and the log: never the body, never a CPR number."""
    text = f"{type(error).__name__}: {error}"
    for secret in (message.body_text, message.body_html):
        if secret and len(secret) >= 8:
            text = text.replace(secret, "[body]")
    text = _CPR_LIKE.sub("[cpr]", text)
    return text[:_MAX_ERROR_LENGTH]
