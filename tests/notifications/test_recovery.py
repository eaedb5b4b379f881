"""The recovery closes django-tasks' gaps: dead workers and lost tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fasttrack.notifications.delivery import _claim
from fasttrack.notifications.models import Message
from fasttrack.notifications.recovery import recover_outbox
from tests.notifications.conftest import run_due_tasks

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def outbox_settings(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OUTBOX_STALE_AFTER_SECONDS = 300


def die_while_sending(message: Message) -> DBTaskResult:
    """What a worker killed in the middle of a send leaves behind: its task
    RUNNING and the message ``sending``."""
    task = DBTaskResult.objects.get(id=str(message.task_id))
    task.claim("worker-that-died")
    claimed = _claim(message.pk)
    assert isinstance(claimed, Message)
    return task


def test_it_releases_a_message_and_task_left_by_a_dead_worker(
    send: Callable[..., Message],
) -> None:
    with time_machine.travel(START, tick=False):
        message = send()
        task = die_while_sending(message)

    with time_machine.travel(START + timedelta(seconds=299), tick=False):
        report = recover_outbox()
    assert report.stale_tasks_failed == 0
    assert report.stale_messages_requeued == 0
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING

    with time_machine.travel(START + timedelta(seconds=301), tick=False):
        report = recover_outbox()
        assert report.stale_tasks_failed == 1
        assert report.stale_messages_requeued == 1
        task.refresh_from_db()
        assert task.status == TaskResultStatus.FAILED
        assert task.exception_class_path == "fasttrack.notifications.errors.WorkerLost"
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED
        assert message.claimed_at is None
        assert "worker stopped" in message.last_error
        assert str(message.task_id) != str(task.id)

        assert run_due_tasks() == ["sent"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_it_fails_a_stale_message_that_has_no_attempts_left(
    send: Callable[..., Message], settings: Any
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 1
    with time_machine.travel(START, tick=False):
        message = send()
        die_while_sending(message)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        report = recover_outbox()
    assert report.stale_messages_failed == 1
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED


def test_it_gives_a_due_message_without_a_pending_task_a_new_one(
    send: Callable[..., Message],
) -> None:
    message = send()
    # The task is lost, e.g. it failed in django-tasks' eyes or was pruned.
    DBTaskResult.objects.all().delete()

    report = recover_outbox()
    assert report.messages_rescheduled == 1
    message.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert str(message.task_id) == str(task.id)
    assert task.status == TaskResultStatus.READY
    assert run_due_tasks() == ["sent"]


def test_it_leaves_alone_what_is_pending_or_not_due(
    send: Callable[..., Message],
) -> None:
    send(dedupe_key="pending")
    not_due = send(dedupe_key="not-due")
    Message.objects.filter(pk=not_due.pk).update(
        next_attempt_at=datetime(2099, 1, 1, tzinfo=UTC), task_id=None
    )
    report = recover_outbox()
    assert report.messages_rescheduled == 0
    assert DBTaskResult.objects.count() == 2


def test_it_is_safe_to_run_twice(send: Callable[..., Message]) -> None:
    with time_machine.travel(START, tick=False):
        stale = send(dedupe_key="stale")
        die_while_sending(stale)
        orphan = send(dedupe_key="orphan")
        DBTaskResult.objects.filter(id=str(orphan.task_id)).delete()

    with time_machine.travel(START + timedelta(hours=1), tick=False):
        first = recover_outbox()
        second = recover_outbox()
        tasks_after = DBTaskResult.objects.count()
        third = recover_outbox()
        assert DBTaskResult.objects.count() == tasks_after
        assert sorted(run_due_tasks()) == ["sent", "sent"]

    assert (first.stale_tasks_failed, first.stale_messages_requeued) == (1, 1)
    assert first.messages_rescheduled == 1
    assert (second.stale_tasks_failed, second.stale_messages_requeued) == (0, 0)
    assert second.messages_rescheduled == 0
    assert third.messages_rescheduled == 0
    assert len(mail.outbox) == 2


def test_it_delivers_what_waited_for_a_channel_to_be_switched_on(
    send: Callable[..., Message], settings: Any
) -> None:
    settings.USE_EMAIL = False
    message = send()
    run_due_tasks()
    assert recover_outbox().messages_rescheduled == 0

    settings.USE_EMAIL = True
    assert recover_outbox().messages_rescheduled == 1
    assert run_due_tasks() == ["sent"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_the_command_reports_what_it_did(send: Callable[..., Message]) -> None:
    send()
    DBTaskResult.objects.all().delete()
    out = StringIO()
    call_command("deliver_pending", stdout=out)
    assert "1 message(s) given a new task" in out.getvalue()
