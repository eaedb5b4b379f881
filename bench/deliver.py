"""One worker that only delivers: ``python -m bench.deliver WORKER_ID [--follow]``.

``fasttrack worker`` runs the outbox recovery and the sweep (before its first
task with ``--batch``, on its periodic thread otherwise); the worker's
throughput is measured without them (the sweep has its own row, and the bench
leaves nothing to recover), so this starts the same worker with both left
out. It exits when the queue is empty, or with ``--follow`` runs until stopped.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fasttrack.settings")
    import django

    django.setup()
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME

    from fasttrack.notifications.worker import OutboxWorker

    class DeliveringWorker(OutboxWorker):
        def recover(self) -> None:
            """Left out: see the module's docstring."""

    worker = DeliveringWorker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0.2,
        batch="--follow" not in sys.argv,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        max_tasks=None,
        worker_id=sys.argv[1],
        recovery_interval=3600,
    )
    worker.run()


if __name__ == "__main__":
    main()
