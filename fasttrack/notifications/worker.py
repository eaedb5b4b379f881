"""The worker loop: django-tasks-db's worker plus the periodic recovery.

``OutboxWorker`` reuses django-tasks-db's ``Worker`` for running a task (its
signals, its success and failure records) and claims tasks the same way
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive transaction
on SQLite), so any number of workers can run side by side. Its own loop adds
what django-tasks lacks: every ``recovery_interval`` seconds it runs the
outbox recovery, the ``sweep`` command and, when due, ``refresh_statistics``.

It claims the delivery tasks in batches (``OUTBOX_WORKER_BATCH_SIZE``): one
transaction claims the tasks and their messages, each message is sent outside
any transaction, and one transaction records every outcome and finishes the
tasks, so the statements and commits per batch do not grow with its size. A
batch stops sending ``OUTBOX_WORKER_BATCH_SECONDS`` after its claim and gives
what it has not sent back to the queue, so no claim grows old enough for the
recovery to take it over while it waits in a batch; the size of the next
claim follows how long a letter took. Any other task runs one at a time, as
django-tasks-db runs it.

SIGTERM and SIGINT stop it gracefully: the message being sent is finished,
the batch's outcomes are recorded and the messages it has not sent yet go back
to the queue. A second signal stops it at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from traceback import format_exception
from types import FrameType
from typing import Any

from django.core.management import call_command, get_commands
from django.db import close_old_connections, connections, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from fasttrack.notifications import conf
from fasttrack.notifications.delivery import (
    Attempt,
    claim_messages,
    record_outcomes,
    release_claims,
    send_claimed,
)
from fasttrack.notifications.models import Message
from fasttrack.notifications.recovery import recover_outbox
from fasttrack.notifications.tasks import deliver_message

logger = logging.getLogger(__name__)


class OutboxWorker(Worker):
    def __init__(
        self,
        *,
        queue_names: list[str],
        interval: float,
        batch: bool,
        backend_name: str,
        max_tasks: int | None,
        worker_id: str,
        recovery_interval: float,
    ) -> None:
        super().__init__(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.recovery_interval = recovery_interval
        self.batch_size = conf.worker_batch_size()
        self.batch_seconds = conf.worker_batch_seconds()
        # Seconds one letter took to send, smoothed: the next claim takes as
        # many as fit in ``batch_seconds``. Unknown at the start: a whole batch.
        self._seconds_per_letter = 0.0
        # Set when the worker stops; wakes the periodic thread from its wait.
        self._stopping = threading.Event()
        self._periodic: threading.Thread | None = None

    # Signals -----------------------------------------------------------------

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            logger.warning("Received %s again: stopping now.", signal.strsignal(signum))
            self.reset_signals()
            sys.exit(1)
        logger.warning(
            "Received %s: stopping after the current message.",
            signal.strsignal(signum),
        )
        # Only a flag here: the loop notices it between messages, so a message
        # being sent is finished and recorded before the process exits, and
        # the rest of its batch is given back. (No locks either: the handler
        # runs on the main thread, which may hold the very lock it would wait
        # for.)
        self.running = False
        self._stopping.set()

    # Loop --------------------------------------------------------------------

    def run(self) -> None:
        logger.info(
            "Starting worker %s (queues %s, recovery every %s s).",
            self.worker_id,
            ",".join(self.queue_names),
            self.recovery_interval,
        )
        if self.batch:
            self.recover()
        else:
            self.start_periodic()
        try:
            self._deliver()
        finally:
            self.stop_periodic()
        logger.info("Worker %s stopped.", self.worker_id)

    def _deliver(self) -> None:
        while self.running:
            close_old_connections()
            batch, retrieved = self._claim_batch()
            if batch is not None:
                self._run_batch(batch)
            elif self.batch and retrieved:
                logger.info("No more tasks for worker %s: exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %d tasks on worker %s: exiting.", self._run_tasks, self.worker_id)
                return
            close_old_connections()
            if self.running and batch is None:
                self._sleep(self.interval)

    def _sleep(self, seconds: float) -> None:
        """Sleep in short slices, so that a stop signal is noticed quickly."""
        deadline = time.monotonic() + seconds
        while self.running:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(remaining, 0.1))

    def _claim_size(self) -> int:
        size = self.batch_size
        if self._seconds_per_letter > 0:
            size = min(size, max(1, int(self.batch_seconds / self._seconds_per_letter)))
        if self.max_tasks is not None:
            size = min(size, self.max_tasks - self._run_tasks)
        return max(size, 1)

    def _claim_batch(self) -> tuple[Batch | None, bool]:
        """Claim up to a batch of ready tasks and their messages in one transaction
        (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive
        transaction on SQLite): (the batch or None, whether the queue could be
        read at all)."""
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        with exclusive_transaction(tasks.db):
            try:
                _commit_without_waiting_for_the_disk()
                claimed = list(tasks.select_for_update(skip_locked=True)[: self._claim_size()])
                if not claimed:
                    return None, True
                now = timezone.now()
                self._mark_running(claimed, now)
                batch = Batch(started=time.monotonic())
                for task_result in claimed:
                    message_id = _message_id(task_result)
                    if message_id is None:
                        batch.other_tasks.append(task_result)
                    else:
                        batch.deliveries.append((task_result, message_id))
                batch.messages, batch.refused = claim_messages(
                    [message_id for _, message_id in batch.deliveries], now=now
                )
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None, False
                raise
        return batch, True

    def _mark_running(self, claimed: list[DBTaskResult], now: datetime) -> None:
        """``DBTaskResult.claim`` for many tasks: one statement for all the tasks
        with the same workers before (nearly always none; a task given back by a
        stopping worker has that worker)."""
        by_workers: dict[tuple[str, ...], list[DBTaskResult]] = defaultdict(list)
        for task_result in claimed:
            by_workers[tuple(task_result.worker_ids)].append(task_result)
            task_result.status = TaskResultStatus.RUNNING
            task_result.started_at = now
            task_result.worker_ids = [*task_result.worker_ids, self.worker_id]
        for task_results in by_workers.values():
            DBTaskResult.objects.filter(id__in=[t.id for t in task_results]).update(
                status=TaskResultStatus.RUNNING,
                started_at=now,
                worker_ids=task_results[0].worker_ids,
            )

    def _run_batch(self, batch: Batch) -> None:
        if batch.other_tasks:
            # Their writes are not the outbox's: they wait for the disk as usual.
            _commit_waiting_for_the_disk()
            for task_result in batch.other_tasks:
                self.run_task(task_result)
        if not batch.deliveries:
            return
        self.running_task = True
        try:
            for task_result, _ in batch.deliveries:
                _signal(task_started, task_result)
            attempts: list[Attempt] = []
            unsent = list(batch.messages)
            while unsent and self.running:
                if attempts and time.monotonic() - batch.started > self.batch_seconds:
                    break
                started = time.monotonic()
                attempts.append(send_claimed(unsent.pop(0)))
                self._learn(time.monotonic() - started)
            try:
                finished = self._record(batch, attempts, unsent)
            except Exception as error:
                # As ``Worker.run_task`` does when a task raises: its tasks fail.
                # Their messages stay ``sending`` until the recovery gives them
                # back; any that went out go out again with the same delivery UUID.
                logger.exception("Recording a batch of %d message(s) failed.", len(attempts))
                finished = self._fail(batch, error)
            for task_result in finished:
                _signal(task_finished, task_result)
        finally:
            self.running_task = False

    def _record(
        self, batch: Batch, attempts: list[Attempt], unsent: list[Message]
    ) -> list[DBTaskResult]:
        """Record the batch's outcomes, give back what it did not send and finish
        its tasks, in one transaction; return the finished tasks."""
        claimed_ids = {message.pk for message in batch.messages}
        unsent_ids = {message.pk for message in unsent}
        with transaction.atomic():
            outcomes = record_outcomes(attempts)
            release_claims(unsent)
            released: list[DBTaskResult] = []
            by_result: dict[str, list[DBTaskResult]] = defaultdict(list)
            for task_result, message_id in batch.deliveries:
                if message_id in claimed_ids:
                    # Its first task in the batch; a second task for the same
                    # message was refused at the claim (``already_sending``).
                    claimed_ids.discard(message_id)
                    if message_id in unsent_ids:
                        released.append(task_result)
                    else:
                        by_result[outcomes[message_id]].append(task_result)
                else:
                    by_result[batch.refused[message_id]].append(task_result)
            if released:
                # Back to the queue as if never claimed.
                DBTaskResult.objects.filter(
                    id__in=[t.id for t in released], status=TaskResultStatus.RUNNING
                ).update(status=TaskResultStatus.READY, started_at=None)
            now = timezone.now()
            finished: list[DBTaskResult] = []
            for result, task_results in by_result.items():
                # As ``DBTaskResult.set_successful``: the task itself succeeds
                # whatever the delivery did (tasks.py); one statement per result.
                DBTaskResult.objects.filter(id__in=[t.id for t in task_results]).update(
                    status=TaskResultStatus.SUCCESSFUL,
                    finished_at=now,
                    return_value=result,
                    exception_class_path="",
                    traceback="",
                )
                for task_result in task_results:
                    task_result.status = TaskResultStatus.SUCCESSFUL
                    task_result.finished_at = now
                    task_result.return_value = result
                    task_result.exception_class_path = task_result.traceback = ""
                finished.extend(task_results)
        self._run_tasks += len(finished)
        return finished

    def _fail(self, batch: Batch, error: Exception) -> list[DBTaskResult]:
        now = timezone.now()
        failed = [task_result for task_result, _ in batch.deliveries]
        error_class = f"{type(error).__module__}.{type(error).__qualname__}"
        for task_result in failed:
            task_result.status = TaskResultStatus.FAILED
            task_result.finished_at = now
            task_result.exception_class_path = error_class
            task_result.traceback = "".join(format_exception(error))
            task_result.return_value = None
        DBTaskResult.objects.filter(
            id__in=[t.id for t in failed], status=TaskResultStatus.RUNNING
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=failed[0].exception_class_path,
            traceback=failed[0].traceback,
            return_value=None,
        )
        self._run_tasks += len(failed)
        return failed

    def _learn(self, seconds: float) -> None:
        if self._seconds_per_letter <= 0:
            self._seconds_per_letter = seconds
        else:
            self._seconds_per_letter = 0.8 * self._seconds_per_letter + 0.2 * seconds

    # Periodic jobs -----------------------------------------------------------

    def start_periodic(self) -> None:
        """Start the thread that runs the recovery and the sweep."""
        self._stopping.clear()
        self._periodic = threading.Thread(
            target=self._run_periodic, name=f"periodic-{self.worker_id}", daemon=True
        )
        self._periodic.start()

    def stop_periodic(self, timeout: float = 5.0) -> None:
        """Ask the periodic thread to stop and wait a little for it.

        A sweep in the middle of a case finishes that case's transaction; one
        that takes longer is left to die with the process (a daemon thread),
        which loses nothing: the next sweep picks up where it stopped.
        """
        self._stopping.set()
        if self._periodic is not None:
            self._periodic.join(timeout)
            self._periodic = None

    def _run_periodic(self) -> None:
        try:
            while not self._stopping.is_set():
                self.recover()
                # No connection held open through the wait.
                connections.close_all()
                # Measured from the end of the round, not its start.
                self._stopping.wait(self.recovery_interval)
        finally:
            # The thread's own connections (Django keeps one per thread).
            connections.close_all()

    def recover(self) -> None:
        """The outbox recovery, the case engine's sweep and the statistics' count;
        a failure is logged and retried at the next interval rather than stopping
        the worker."""
        try:
            recover_outbox()
        except Exception:
            logger.exception(
                "The outbox recovery failed; it runs again in %s s.", self.recovery_interval
            )
        self._run_command("sweep")
        # Counts again only when the last count is older than its interval.
        self._run_command("refresh_statistics", if_due=True)

    def _run_command(self, name: str, **options: Any) -> None:
        """Run the management command ``name`` where an installed app has it. Its
        report goes to the debug log, not once a minute to stdout; a failure is
        logged and retried at the next interval."""
        if name not in get_commands():
            return
        output = StringIO()
        try:
            call_command(name, stdout=output, **options)
            logger.debug("%s: %s", name, output.getvalue().strip())
        except Exception:
            logger.exception("%s failed; it runs again in %s s.", name, self.recovery_interval)


@dataclass
class Batch:
    """What one claim took: delivery tasks with their message ids, any other
    tasks, the messages claimed, and why the rest were not."""

    started: float
    deliveries: list[tuple[DBTaskResult, int]] = field(default_factory=list)
    other_tasks: list[DBTaskResult] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def _message_id(task_result: DBTaskResult) -> int | None:
    """The message a ``deliver_message`` task delivers; None for any other task
    (and for a malformed one, which then fails as django-tasks-db fails it)."""
    if task_result.task_path != deliver_message.module_path:
        return None
    arguments: Any = task_result.args_kwargs
    if not isinstance(arguments, dict) or arguments.get("kwargs"):
        return None
    args = arguments.get("args")
    if isinstance(args, list) and len(args) == 1 and type(args[0]) is int:
        return int(args[0])
    return None


def _signal(signal_: Any, task_result: DBTaskResult) -> None:
    """django-tasks' ``task_started``/``task_finished``, as ``Worker.run_task`` sends them."""
    task = task_result.task
    signal_.send(sender=task.get_backend(), task_result=task_result.task_result)


def _commit_without_waiting_for_the_disk() -> None:
    """Let this connection's commits return before they reach the disk (PostgreSQL).

    Set for the session, not the transaction, because a channel's own writes
    (the fake Digital Post's row, an inbox item) commit outside the worker's
    transactions. It is safe because everything the delivering worker writes
    is either bookkeeping the recovery redoes or a delivery the receiving side
    recognises again: a crash of the database server can lose the last
    moments of commits, never part of one, and never a later commit without
    the earlier ones. A lost claim leaves the message queued with its task
    ready; a lost record leaves it ``sending`` with its task RUNNING, which the
    recovery takes for a dead worker's, exactly as after ``kill -9`` between
    send and record. Either way the message goes out again with the same
    delivery UUID (e-mail Message-ID, MeMo MessageUUID, the unique inbox row),
    so the receiving side drops the repeat; a lost inbox item or fake Digital
    Post row is lost together with the record that followed it, and made
    again. The letter itself (its row, written by the action's transaction)
    is never written here without waiting.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")


def _commit_waiting_for_the_disk() -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")
