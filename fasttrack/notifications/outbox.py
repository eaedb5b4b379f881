"""Writing messages into the outbox: the one function actions call.

``enqueue_message`` runs inside the action's own ``transaction.atomic()``
block. It inserts the message row *and* the django-tasks task that will
deliver it, both on the default connection, so they commit or roll back with
the action's business rows. ``transaction.on_commit`` is deliberately not
used: a process that dies between the commit and the callback would leave a
message with no task (the recovery would find it, but only a minute later),
and the database backend's task row needs no such deferral because it lives
in the same database and is invisible to workers until the commit.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued

from fasttrack.notifications.errors import (
    HealthDataForEmployer,
    InvalidMessage,
    NotInTransaction,
)
from fasttrack.notifications.models import Language, Message, MessageChannel
from fasttrack.people.models import Municipality, Person, membership_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message. Text content is kept as text; anything
    else as base64 in the outbox's JSON."""

    filename: str
    mime_type: str
    content: str | bytes

    def as_json(self) -> dict[str, str]:
        if isinstance(self.content, str):
            return {"filename": self.filename, "mime_type": self.mime_type, "content": self.content}
        return {
            "filename": self.filename,
            "mime_type": self.mime_type,
            "content_base64": base64.b64encode(self.content).decode("ascii"),
        }


def ics_attachment(
    ics: bytes, *, method: str = "REQUEST", filename: str = "invitation.ics"
) -> Attachment:
    """A calendar invitation from ``fasttrack.lib.ics.meeting_invitation``."""
    return Attachment(
        filename=filename,
        mime_type=f"text/calendar; method={method}",
        content=ics.decode("utf-8"),
    )


def enqueue_message(
    *,
    dedupe_key: str,
    kind: str,
    channel: str,
    subject: str,
    body_text: str,
    recipient_user: User | None = None,
    recipient_person: Person | None = None,
    recipient_address: str = "",
    language: str = "da",
    body_html: str = "",
    attachments: Iterable[Attachment | Mapping[str, str]] = (),
    case_id: int | None = None,
    contains_health_data: bool = False,
    to_employer: bool = False,
    sender_municipality: Municipality | None = None,
) -> Message:
    """Put a message in the outbox, to be delivered exactly once per ``dedupe_key``.

    Must be called inside the caller's ``transaction.atomic()`` block. A second
    call with a key that is already in the outbox returns that message and
    enqueues nothing. The recipient must suit the channel: an e-mail address
    for ``email``, a person (or a CVR number as address) for
    ``digital_post``, a user for ``inbox``. ``sender_municipality`` is the
    authority Digital Post names as the sender; without it the installation's
    ``DIGITAL_POST_SENDER_*`` settings apply.
    """
    return enqueue_messages(
        [
            OutgoingMessage(
                dedupe_key=dedupe_key,
                kind=kind,
                channel=channel,
                subject=subject,
                body_text=body_text,
                recipient_user=recipient_user,
                recipient_person=recipient_person,
                recipient_address=recipient_address,
                language=language,
                body_html=body_html,
                attachments=tuple(attachments),
                case_id=case_id,
                contains_health_data=contains_health_data,
                to_employer=to_employer,
                sender_municipality=sender_municipality,
            )
        ]
    )[0]


@dataclass(frozen=True)
class OutgoingMessage:
    """The arguments of ``enqueue_message``, for ``enqueue_messages``."""

    dedupe_key: str
    kind: str
    channel: str
    subject: str
    body_text: str
    recipient_user: User | None = None
    recipient_person: Person | None = None
    recipient_address: str = ""
    language: str = "da"
    body_html: str = ""
    attachments: tuple[Attachment | Mapping[str, str], ...] = ()
    case_id: int | None = None
    contains_health_data: bool = False
    to_employer: bool = False
    sender_municipality: Municipality | None = None


def enqueue_messages(outgoing: Sequence[OutgoingMessage]) -> list[Message]:
    """``enqueue_message`` for several messages at once (``_enqueue``)."""
    return _enqueue(outgoing)[0]


def enqueue_new_messages(outgoing: Sequence[OutgoingMessage]) -> list[Message]:
    """As ``enqueue_messages``, returning only the messages that were not in the outbox
    yet: what a sweep counts as sent without counting the outbox."""
    return _enqueue(outgoing)[1]


def _enqueue(outgoing: Sequence[OutgoingMessage]) -> tuple[list[Message], list[Message]]:
    """``enqueue_message`` for several messages at once, in a fixed number of statements:
    one look-up of the keys already in the outbox, one insert of the new
    messages, one task each, and one update that links the tasks.

    Returns the messages in the order given, the ones already in the outbox as
    they are there, and the new ones. Two concurrent actions that enqueue the same key (each
    caller's case lock prevents that) would fail on the key's unique constraint
    and roll back; nothing is ever sent twice.
    """
    if not transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
        raise NotInTransaction(
            "enqueue_message must run inside the transaction.atomic() block of the "
            "change that causes the message, so that both commit or neither does."
        )
    if not outgoing:
        return [], []
    prepared = [_message(item) for item in outgoing]
    existing = {
        message.dedupe_key: message
        for message in Message.objects.filter(dedupe_key__in=[m.dedupe_key for m in prepared])
    }
    new: dict[str, Message] = {}
    for message in prepared:
        if message.dedupe_key in existing:
            logger.debug(
                "Message %s is already in the outbox (id %s).",
                message.dedupe_key,
                existing[message.dedupe_key].pk,
            )
        else:
            # The same key twice in one batch is one message.
            new.setdefault(message.dedupe_key, message)
    if new:
        tasks = _database_tasks()
        if tasks is not None:
            # The tasks' ids are chosen first, so the messages are inserted with
            # them and need no update afterwards.
            for message in new.values():
                message.task_id = tasks[0]._get_id()
        created = Message.objects.bulk_create(list(new.values()))
        if any(message.pk is None for message in created):
            # A database that cannot return the ids of a bulk insert.
            by_key = Message.objects.in_bulk(list(new), field_name="dedupe_key")
            for message in created:
                message.pk = by_key[message.dedupe_key].pk
        if tasks is not None:
            _enqueue_on_database(*tasks, created)
        else:
            _schedule_deliveries(created)
    return [existing.get(m.dedupe_key) or new[m.dedupe_key] for m in prepared], list(new.values())


def _message(item: OutgoingMessage) -> Message:
    """The unsaved outbox row for ``item``, after every check."""
    # The employer side is recognised from the recipient too, so a caller that
    # forgets to say so cannot send health data to an employer (RULES.md R-18).
    to_employer = item.to_employer or _is_employer_side(item.recipient_user)
    if item.contains_health_data and to_employer:
        raise HealthDataForEmployer(
            f"Message {item.dedupe_key!r} contains health data and is addressed to the employer."
        )
    _validate(
        dedupe_key=item.dedupe_key,
        kind=item.kind,
        channel=item.channel,
        subject=item.subject,
        language=item.language,
        recipient_user=item.recipient_user,
        recipient_person=item.recipient_person,
        recipient_address=item.recipient_address,
    )
    return Message(
        dedupe_key=item.dedupe_key,
        kind=item.kind,
        channel=item.channel,
        recipient_user=item.recipient_user,
        recipient_person=item.recipient_person,
        recipient_address=item.recipient_address,
        to_employer=to_employer,
        language=item.language,
        subject=item.subject,
        body_text=item.body_text,
        body_html=item.body_html,
        attachments=[_attachment_json(a) for a in item.attachments],
        case_id=item.case_id,
        sender_municipality=item.sender_municipality,
        contains_health_data=item.contains_health_data,
        next_attempt_at=timezone.now(),
    )


def _database_tasks() -> tuple[DatabaseBackend, Any] | None:
    """The delivery task's backend and the task, when that backend is django-tasks'
    database backend (always, but in tests that choose another)."""
    from fasttrack.notifications.tasks import deliver_message

    backend = deliver_message.get_backend()
    return (backend, deliver_message) if isinstance(backend, DatabaseBackend) else None


def _schedule_deliveries(messages: Sequence[Message]) -> None:
    """``schedule_delivery`` for new messages: a task each, their ids in one update."""
    from fasttrack.notifications.tasks import deliver_message

    for message in messages:
        message.task_id = deliver_message.enqueue(message.pk).id
    Message.objects.bulk_update(messages, ["task_id"])


def _enqueue_on_database(backend: DatabaseBackend, task: Any, messages: Sequence[Message]) -> None:
    """What ``task.enqueue(message.pk)`` does for each message on django-tasks'
    database backend, under the id already in ``message.task_id``, all rows in
    one statement: a sweep queues thousands of letters, and one INSERT per task
    was most of its round trips. The rows are the backend's own
    (``DatabaseBackend._task_to_db_task``)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows: list[DBTaskResult[Any, Any]] = [
        DBTaskResult(
            id=message.task_id,
            args_kwargs=normalize_json({"args": (message.pk,), "kwargs": {}}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # What the backend's pre_save handler sets, which bulk_create skips.
            run_after=task.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for message in messages
    ]
    DBTaskResult.objects.bulk_create(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)


def schedule_delivery(message: Message, *, run_after: datetime | None = None) -> None:
    """Enqueue the task that delivers ``message`` and remember its id.

    Call inside a transaction that also holds the message's new state.
    """
    from fasttrack.notifications.tasks import deliver_message

    task = deliver_message.using(run_after=run_after) if run_after else deliver_message
    result = task.enqueue(message.pk)
    message.task_id = result.id
    Message.objects.filter(pk=message.pk).update(task_id=result.id)


def retry_message_now(message_id: int) -> bool:
    """Queue a queued or failed message for an attempt now (the admin's action).

    A failed message gets one more attempt. Returns False for a message that
    is being sent or already sent.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status in (Message.Status.SENT, Message.Status.SENDING):
            return False
        if message.status == Message.Status.FAILED:
            message.max_attempts = max(message.max_attempts, message.attempts + 1)
        message.status = Message.Status.QUEUED
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "max_attempts", "next_attempt_at"])
        schedule_delivery(message)
    return True


def mark_inbox_item_read(item_id: int) -> None:
    """Record that the recipient opened an inbox item (and so the message)."""
    from fasttrack.notifications.models import InboxItem

    now = timezone.now()
    with transaction.atomic():
        item = InboxItem.objects.select_for_update().get(pk=item_id)
        if item.read_at is None:
            item.read_at = now
            item.save(update_fields=["read_at"])
        Message.objects.filter(pk=item.message_id, first_opened_at__isnull=True).update(
            first_opened_at=now
        )


def _is_employer_side(user: User | None) -> bool:
    membership = membership_of(user) if user is not None else None
    return membership is not None and membership.is_employer_side


def _validate(
    *,
    dedupe_key: str,
    kind: str,
    channel: str,
    subject: str,
    language: str,
    recipient_user: User | None,
    recipient_person: Person | None,
    recipient_address: str,
) -> None:
    if not dedupe_key or len(dedupe_key) > Message._meta.get_field("dedupe_key").max_length:  # type: ignore[operator]
        raise InvalidMessage("A dedupe key of 1 to 200 characters is required.")
    if not kind:
        raise InvalidMessage("A message needs a kind.")
    if channel not in MessageChannel.values:
        raise InvalidMessage(f"Unknown channel {channel!r}.")
    if language not in Language.values:
        raise InvalidMessage(f"Unknown language {language!r}.")
    if not subject or "\n" in subject or "\r" in subject or len(subject) > 250:
        raise InvalidMessage("A subject is one line of at most 250 characters.")
    if channel == MessageChannel.EMAIL and "@" not in recipient_address:
        raise InvalidMessage("An e-mail message needs an e-mail address.")
    if (
        channel == MessageChannel.DIGITAL_POST
        and recipient_person is None
        and not (recipient_address.isdigit() and len(recipient_address) == 8)
    ):
        raise InvalidMessage("A Digital Post message needs a person or a CVR number.")
    if channel == MessageChannel.INBOX and recipient_user is None:
        raise InvalidMessage("An inbox message needs a recipient user.")


def _attachment_json(attachment: Attachment | Mapping[str, Any]) -> dict[str, str]:
    if isinstance(attachment, Attachment):
        return attachment.as_json()
    data = {str(key): str(value) for key, value in attachment.items()}
    if not data.get("filename") or not data.get("mime_type"):
        raise InvalidMessage("An attachment needs a filename and a MIME type.")
    if ("content" in data) == ("content_base64" in data):
        raise InvalidMessage("An attachment needs either content or content_base64.")
    return data
