"""The inbox inside Fasttrack, for every party with a login."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fasttrack.notifications.errors import PermanentDeliveryError
from fasttrack.notifications.rows import insert_once

if TYPE_CHECKING:
    from fasttrack.notifications.models import Message


class InboxChannel:
    def send(self, message: Message) -> str:
        from fasttrack.notifications.models import InboxItem

        if message.recipient_user_id is None:
            raise PermanentDeliveryError("An inbox message needs a recipient user.")
        # One item per message (unique): a repeated delivery finds it.
        item_id = insert_once(
            InboxItem(
                message=message,
                user_id=message.recipient_user_id,
                subject=message.subject,
                body=message.body_text,
                case_id=message.case_id,
            ),
            unique="message",
        )
        return f"inbox:{item_id}"
