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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

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
    if not transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
        raise NotInTransaction(
            "enqueue_message must run inside the transaction.atomic() block of the "
            "change that causes the message, so that both commit or neither does."
        )
    # The employer side is recognised from the recipient too, so a caller that
    # forgets to say so cannot send health data to an employer (RULES.md R-18).
    to_employer = to_employer or _is_employer_side(recipient_user)
    if contains_health_data and to_employer:
        raise HealthDataForEmployer(
            f"Message {dedupe_key!r} contains health data and is addressed to the employer."
        )
    _validate(
        dedupe_key=dedupe_key,
        kind=kind,
        channel=channel,
        subject=subject,
        language=language,
        recipient_user=recipient_user,
        recipient_person=recipient_person,
        recipient_address=recipient_address,
    )

    message, created = Message.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "channel": channel,
            "recipient_user": recipient_user,
            "recipient_person": recipient_person,
            "recipient_address": recipient_address,
            "to_employer": to_employer,
            "language": language,
            "subject": subject,
            "body_text": body_text,
            "body_html": body_html,
            "attachments": [_attachment_json(a) for a in attachments],
            "case_id": case_id,
            "sender_municipality": sender_municipality,
            "contains_health_data": contains_health_data,
            "next_attempt_at": timezone.now(),
        },
    )
    if not created:
        logger.debug("Message %s is already in the outbox (id %s).", dedupe_key, message.pk)
        return message
    schedule_delivery(message)
    return message


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
