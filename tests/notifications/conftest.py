"""Helpers for the outbox tests: run due tasks in-process, build messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from fasttrack.notifications.models import Message
from fasttrack.notifications.outbox import enqueue_message
from tests.notifications.fakes import FlakyChannel


def run_due_tasks(limit: int = 500) -> list[Any]:
    """Run every task that is due, as a worker would, and return their results.

    In-process and without the worker's connection housekeeping, so it works
    inside a test's transaction.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    results: list[Any] = []
    for _ in range(limit):
        task = DBTaskResult.objects.ready().first()
        if task is None:
            return results
        task.claim(worker.worker_id)
        worker.run_task(task)
        task.refresh_from_db()
        results.append(task.return_value)
    raise AssertionError("Tasks keep coming: a loop?")


@pytest.fixture
def send() -> Callable[..., Message]:
    """``send(dedupe_key=..., **overrides)``: enqueue an e-mail in a transaction."""

    def _send(**overrides: Any) -> Message:
        values: dict[str, Any] = {
            "dedupe_key": "case:42:consent_request:employee",
            "kind": "consent_request",
            "channel": "email",
            "subject": "Din arbejdsgiver har bedt om Fast track",
            "body_text": "Kære Janni. Din arbejdsgiver har bedt om Fast track.",
            "recipient_address": "janni@example.dk",
            "case_id": 42,
        }
        values.update(overrides)
        with transaction.atomic():
            return enqueue_message(**values)

    return _send


@pytest.fixture
def flaky_channel(settings: Any) -> Iterator[type[FlakyChannel]]:
    settings.OUTBOX_CHANNEL_OVERRIDES = {"email": "tests.notifications.fakes.FlakyChannel"}
    FlakyChannel.failures_left = 0
    FlakyChannel.sent = []
    yield FlakyChannel
    FlakyChannel.failures_left = 0
    FlakyChannel.sent = []
