"""Errors of the outbox. Their messages are for developers and operators, and
never contain a message's body or a CPR number."""

from __future__ import annotations


class OutboxError(Exception):
    pass


class NotInTransaction(OutboxError):
    """``enqueue_message`` was called outside the caller's transaction."""


class HealthDataForEmployer(OutboxError):
    """A message with health data was addressed to the employer (RULES.md R-18)."""


class InvalidMessage(OutboxError, ValueError):
    """The message cannot be delivered as described (wrong recipient for the channel...)."""


class PermanentDeliveryError(OutboxError):
    """A channel's refusal that no retry can fix; the message fails at once."""


class WorkerLost(OutboxError):
    """Recorded on a task the recovery found RUNNING long after its worker died."""
