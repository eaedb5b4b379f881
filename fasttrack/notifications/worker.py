"""The worker loop: django-tasks-db's worker plus the periodic recovery.

``OutboxWorker`` reuses django-tasks-db's ``Worker`` for running a task (its
signals, its success and failure records) and claims tasks the same way
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive transaction
on SQLite), so any number of workers can run side by side. Its own loop adds
what django-tasks lacks: every ``recovery_interval`` seconds it runs the
outbox recovery and, once the case engine has it, the ``sweep`` command.

SIGTERM and SIGINT stop it gracefully: a task in progress (one message) is
finished and recorded first. A second signal stops it at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from io import StringIO
from types import FrameType

from django.core.management import call_command, get_commands
from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from fasttrack.notifications.recovery import recover_outbox

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
            "Received %s: stopping after the current task.",
            signal.strsignal(signum),
        )
        # Only a flag here: the loop notices it between tasks, so a message
        # being sent is finished and recorded before the process exits. (No
        # locks either: the handler runs on the main thread, which may hold
        # the very lock it would wait for.)
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
            task_result, retrieved = self._claim_next_task()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch and retrieved:
                logger.info("No more tasks for worker %s: exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %d tasks on worker %s: exiting.", self._run_tasks, self.worker_id)
                return
            close_old_connections()
            if self.running and task_result is None:
                self._sleep(self.interval)

    def _sleep(self, seconds: float) -> None:
        """Sleep in short slices, so that a stop signal is noticed quickly."""
        deadline = time.monotonic() + seconds
        while self.running:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(remaining, 0.1))

    def _claim_next_task(self) -> tuple[DBTaskResult | None, bool]:
        """The same claim as django-tasks-db's worker: (task or None, whether the
        queue could be read at all)."""
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None, False
                raise
        return task_result, True

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
        """The outbox recovery and the case engine's sweep; a failure is logged
        and retried at the next interval rather than stopping the worker."""
        try:
            recover_outbox()
        except Exception:
            logger.exception(
                "The outbox recovery failed; it runs again in %s s.", self.recovery_interval
            )
        if "sweep" in get_commands():
            output = StringIO()
            try:
                # Its report goes to the debug log, not once a minute to stdout.
                call_command("sweep", stdout=output)
                logger.debug("Sweep: %s", output.getvalue().strip())
            except Exception:
                logger.exception("The sweep failed; it runs again in %s s.", self.recovery_interval)
