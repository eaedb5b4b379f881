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

``deliver`` handles one message (the task's own path); the worker claims,
sends and records many at a time with ``claim_messages``, ``send_claimed``
and ``record_outcomes``, in a fixed number of statements per batch. Both
paths share the claim's rule (``claim_refusal``) and the failure's record.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
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


def claim_refusal(message: Message | None, *, now: datetime, enabled: bool) -> str | None:
    """Why ``message`` may not be claimed for an attempt now, or None when it may.

    ``enabled``: whether its channel is switched on.
    """
    if message is None:
        return "locked_or_missing"
    if message.status != Message.Status.QUEUED:
        return f"already_{message.status}"
    if message.next_attempt_at > now:
        return "not_due"
    if not enabled:
        return "channel_disabled"
    return None


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
        refusal = claim_refusal(
            message, now=now, enabled=message is not None and channel_enabled(message.channel)
        )
        if refusal == "channel_disabled":
            assert message is not None
            # Left queued, not failed: switching a channel off must not lose
            # letters. The recovery picks them up once it is on again.
            message.last_error = _switched_off(message.channel)
            message.save(update_fields=["last_error"])
        if refusal is not None:
            return refusal
        assert message is not None
        message.status = Message.Status.SENDING
        message.claimed_at = now
        # Counted at the claim, so a message that kills its worker every time
        # still runs out of attempts.
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _switched_off(channel: str) -> str:
    return f"The {channel} channel is switched off."


# Many messages at once (the worker) -------------------------------------------


@dataclass
class Attempt:
    """One claimed message's attempt: what the channel answered, once sent."""

    message: Message
    reference: str | None = None
    error: Exception | None = None

    @property
    def claim(self) -> datetime:
        assert self.message.claimed_at is not None
        return self.message.claimed_at


def claim_messages(
    message_ids: Sequence[int], *, now: datetime
) -> tuple[list[Message], dict[int, str]]:
    """``_claim`` for many messages, in the caller's transaction and a fixed
    number of statements: one read that locks them, one update for the
    claimed ones, one per switched-off channel.

    Returns the claimed messages in the order of ``message_ids``, and for every
    other id why it was not claimed. A message named twice (two tasks for one
    message) is claimed once; the repeat finds it ``already_sending``.
    """
    locked = {
        message.pk: message
        for message in (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient_person", "sender_municipality")
            .filter(pk__in=set(message_ids))
        )
    }
    enabled = {name: channel_enabled(name) for name in {m.channel for m in locked.values()}}
    claimed: list[Message] = []
    refused: dict[int, str] = {}
    switched_off: dict[str, list[int]] = defaultdict(list)
    for message_id in message_ids:
        message = locked.get(message_id)
        refusal = claim_refusal(
            message, now=now, enabled=message is not None and enabled[message.channel]
        )
        if refusal is None:
            assert message is not None
            message.status = Message.Status.SENDING
            message.claimed_at = now
            message.attempts += 1
            claimed.append(message)
            continue
        refused.setdefault(message_id, refusal)
        if refusal == "channel_disabled":
            assert message is not None
            switched_off[message.channel].append(message_id)
    if claimed:
        Message.objects.filter(pk__in=[m.pk for m in claimed]).update(
            status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    for channel, ids in switched_off.items():
        Message.objects.filter(pk__in=ids).update(last_error=_switched_off(channel))
    return claimed, refused


def send_claimed(message: Message) -> Attempt:
    """Send one claimed message, outside any transaction; never raises for a
    failed send (the failure is in the attempt, to be recorded)."""
    try:
        return Attempt(message, reference=get_channel(message.channel).send(message))
    except Exception as error:
        return Attempt(message, error=error)


def record_outcomes(attempts: Iterable[Attempt]) -> dict[int, str]:
    """Record sent and failed attempts, in the caller's transaction; return
    each message's result (as ``deliver`` does).

    The sent ones take one statement however many there are; each failure
    takes its own few (a failure is rare, and needs its back-off and, for a
    retry, a new task).
    """
    attempts = list(attempts)
    results: dict[int, str] = {}
    sent = [a for a in attempts if a.error is None]
    if sent:
        _mark_sent({a.message.pk: a.reference or "" for a in sent})
        for attempt in sent:
            _log_success(attempt.message)
            results[attempt.message.pk] = "sent"
    for attempt in attempts:
        if attempt.error is not None:
            results[attempt.message.pk] = _record_failure(
                attempt.message, attempt.claim, attempt.error
            )
    return results


def _mark_sent(references: dict[int, str]) -> None:
    """``_record_success`` for many messages in one statement, each with its
    own provider reference (a ``VALUES`` list joined by id: a ``CASE`` per
    message costs the ORM more time than the database takes)."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(Message._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(references))
    sql = (
        f"WITH sent (id, reference) AS (VALUES {rows}) "  # noqa: S608 (only placeholders)
        f"UPDATE {table} SET status = %s, sent_at = %s, claimed_at = NULL, last_error = '', "
        f"provider_reference = (SELECT reference FROM sent WHERE sent.id = {table}.id) "
        # Not fenced by the claim, as in ``_record_success``.
        "WHERE id IN (SELECT id FROM sent) AND status <> %s"
    )
    params: list[object] = [value for pk, ref in references.items() for value in (pk, ref[:200])]
    params += [
        Message.Status.SENT,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        Message.Status.SENT,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def release_claims(messages: Sequence[Message]) -> None:
    """Give claimed messages that were never sent back to the queue as they
    were (a worker stopping, or a batch out of time), in one statement; fenced
    by the claim, so a message the recovery took over is left alone."""
    for claim, ids in _by_claim(messages).items():
        Message.objects.filter(pk__in=ids, status=Message.Status.SENDING, claimed_at=claim).update(
            status=Message.Status.QUEUED, claimed_at=None, attempts=F("attempts") - 1
        )


def _by_claim(messages: Sequence[Message]) -> dict[datetime | None, list[int]]:
    grouped: dict[datetime | None, list[int]] = defaultdict(list)
    for message in messages:
        grouped[message.claimed_at].append(message.pk)
    return grouped


def _record_success(message: Message, reference: str) -> None:
    # Not fenced by the claim: the message did go out, whoever holds it now.
    Message.objects.filter(pk=message.pk).exclude(status=Message.Status.SENT).update(
        status=Message.Status.SENT,
        sent_at=timezone.now(),
        provider_reference=reference[:200],
        claimed_at=None,
        last_error="",
    )
    _log_success(message)


def _log_success(message: Message) -> None:
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
