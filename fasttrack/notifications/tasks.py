"""The django-tasks task behind every outbox message.

It never raises for a failed delivery: retries and back-off belong to the
outbox row (django-tasks has none), so the task itself always succeeds and
returns what happened.
"""

from __future__ import annotations

from django_tasks import task

from fasttrack.notifications.delivery import deliver


@task()
def deliver_message(message_id: int) -> str:
    return deliver(message_id)
