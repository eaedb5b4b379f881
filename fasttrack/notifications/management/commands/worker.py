"""``fasttrack worker``: deliver messages and run the periodic recovery."""

from __future__ import annotations

import logging
import math
import signal
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME

from fasttrack.notifications import conf
from fasttrack.notifications.worker import OutboxWorker


def _seconds(value: str) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ArgumentTypeError("Must be a number of seconds, zero or more.")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ArgumentTypeError("Must be greater than zero.")
    return number


class Command(BaseCommand):
    help = (
        "Run a background worker: deliver outbox messages (and any other task) and, on a "
        "thread of its own, recover stalled messages and run the sweep, "
        "OUTBOX_RECOVERY_INTERVAL_SECONDS after the previous round ended."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Recover, run every task that is due, then exit (for tests and cron).",
        )
        parser.add_argument(
            "--interval",
            type=_seconds,
            default=1.0,
            help="Seconds to wait for new tasks when the queue is empty (default 1).",
        )
        parser.add_argument(
            "--recovery-interval",
            type=_seconds,
            default=None,
            help=(
                "Seconds from the end of one recovery and sweep to the start of the next "
                "(default: OUTBOX_RECOVERY_INTERVAL_SECONDS, 60)."
            ),
        )
        parser.add_argument("--max-tasks", type=_positive, default=None)
        parser.add_argument("--queue-name", default=DEFAULT_TASK_QUEUE_NAME)
        parser.add_argument(
            "--worker-id",
            default=None,
            help="Unique per worker process (default: random).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._configure_logging(options["verbosity"])
        recovery_interval = options["recovery_interval"]
        worker = OutboxWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or get_random_string(32),
            recovery_interval=(
                conf.recovery_interval_seconds() if recovery_interval is None else recovery_interval
            ),
        )
        # Restored afterwards, so that running the command in-process (tests,
        # call_command) leaves the caller's own handlers in place.
        handled = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
        previous = {signum: signal.getsignal(signum) for signum in handled}
        worker.configure_signals()
        try:
            worker.run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _configure_logging(self, verbosity: int) -> None:
        # The project's LOGGING (LOG_LEVEL) applies at the default verbosity;
        # -v 0 and -v 2 turn the worker's own loggers down or up.
        if verbosity == 1:
            return
        level = logging.ERROR if verbosity == 0 else logging.DEBUG
        for name in ("fasttrack.notifications", "django_tasks_db", "django_tasks"):
            logging.getLogger(name).setLevel(level)
