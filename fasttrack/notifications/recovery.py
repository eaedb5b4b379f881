"""What django-tasks leaves undone: dead workers' tasks and lost wake-up calls.

Run periodically (``fasttrack deliver_pending``, and by every ``fasttrack
worker`` once a minute). Three steps, in this order:

1. task rows RUNNING for longer than ``OUTBOX_STALE_AFTER_SECONDS`` belong to a
   worker that died: mark them FAILED (django-tasks never would);
2. messages ``sending`` for that long lost their worker the same way: back to
   ``queued`` for another attempt (or ``failed`` when none are left);
3. messages ``queued`` and due whose task is no longer pending (it failed,
   finished without sending, or its worker died) get a new task.

Every step locks the rows it changes with SKIP LOCKED (single UPDATEs where it
locks nothing), so two recoveries running at once share the work instead of
doing it twice; a duplicate task could do no harm anyway, since the claim on
the message row decides who sends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fasttrack.notifications import conf
from fasttrack.notifications.channels import enabled_channels
from fasttrack.notifications.errors import WorkerLost
from fasttrack.notifications.models import Message
from fasttrack.notifications.outbox import schedule_delivery

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


@dataclass(frozen=True)
class RecoveryReport:
    stale_tasks_failed: int
    stale_messages_requeued: int
    stale_messages_failed: int
    messages_rescheduled: int

    def __str__(self) -> str:
        return (
            f"{self.stale_tasks_failed} stale task(s) marked failed, "
            f"{self.stale_messages_requeued} stale message(s) queued again, "
            f"{self.stale_messages_failed} stale message(s) failed, "
            f"{self.messages_rescheduled} message(s) given a new task"
        )


def recover_outbox(*, now: datetime | None = None) -> RecoveryReport:
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.stale_after_seconds())
    stale_tasks = fail_stale_tasks(now=now, cutoff=cutoff)
    requeued, failed = release_stale_messages(now=now, cutoff=cutoff)
    rescheduled = reschedule_orphaned_messages(now=now)
    report = RecoveryReport(stale_tasks, requeued, failed, rescheduled)
    if stale_tasks or requeued or failed or rescheduled:
        logger.warning("Outbox recovery: %s.", report)
    return report


def fail_stale_tasks(*, now: datetime, cutoff: datetime) -> int:
    """Mark task rows RUNNING since before ``cutoff`` as FAILED.

    One UPDATE: a second recovery at the same moment finds nothing left.
    """
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=(
            f"The task was still RUNNING {conf.stale_after_seconds()} s after it started; "
            "its worker is taken for dead. Outbox messages are retried by the outbox.\n"
        ),
    )


def release_stale_messages(*, now: datetime, cutoff: datetime) -> tuple[int, int]:
    requeued = failed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(status=Message.Status.SENDING, claimed_at__lt=cutoff)
                .order_by("pk")[:BATCH_SIZE]
            )
            for message in batch:
                message.claimed_at = None
                if message.attempts >= message.max_attempts:
                    message.status = Message.Status.FAILED
                    message.last_error = "The worker stopped during the last attempt."
                    message.save(update_fields=["status", "claimed_at", "last_error"])
                    failed += 1
                else:
                    # The send may have gone through before the worker died:
                    # the next attempt carries the same dedupe key.
                    message.status = Message.Status.QUEUED
                    message.next_attempt_at = now
                    message.last_error = "The worker stopped while sending; trying again."
                    message.save(
                        update_fields=["status", "claimed_at", "last_error", "next_attempt_at"]
                    )
                    schedule_delivery(message)
                    requeued += 1
        if len(batch) < BATCH_SIZE:
            return requeued, failed


def reschedule_orphaned_messages(*, now: datetime) -> int:
    pending_task = DBTaskResult.objects.filter(
        id=OuterRef("task_id"),
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    rescheduled = 0
    while True:
        with transaction.atomic():
            batch = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(
                    status=Message.Status.QUEUED,
                    next_attempt_at__lte=now,
                    channel__in=enabled_channels(),
                )
                .filter(~Exists(pending_task))
                .order_by("pk")[:BATCH_SIZE]
            )
            for message in batch:
                schedule_delivery(message)
            rescheduled += len(batch)
        if len(batch) < BATCH_SIZE:
            return rescheduled
