"""E-mail through Django's configured e-mail backend."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from fasttrack.notifications import conf
from fasttrack.notifications.errors import PermanentDeliveryError

if TYPE_CHECKING:
    from fasttrack.notifications.models import Message


def message_id_for(message: Message) -> str:
    """The same Message-ID for every repeat, so mail systems and clients can
    recognise a duplicate."""
    return f"<{message.delivery_uuid}@{conf.message_id_domain()}>"


class EmailChannel:
    def send(self, message: Message) -> str:
        if not message.recipient_address:
            raise PermanentDeliveryError("The message has no e-mail address.")
        message_id = message_id_for(message)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient_address],
            headers={
                "Message-ID": message_id,
                # RFC 3834: out-of-office replies and other robots stay quiet.
                "Auto-Submitted": "auto-generated",
                "Content-Language": message.language,
            },
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        for attachment in message.attachments:
            content: str | bytes
            if "content_base64" in attachment:
                content = base64.b64decode(attachment["content_base64"])
            else:
                content = attachment["content"]
            mime_type = attachment["mime_type"]
            if mime_type.startswith("text/calendar") and isinstance(content, str):
                # Calendar clients (Outlook above all) offer accept and decline
                # only for a text/calendar part inside the alternatives; others
                # look for the .ics file. Google sends both; so do we.
                email.attach_alternative(content, mime_type)
                email.attach(attachment["filename"], content.encode(), "application/ics")
            else:
                email.attach(attachment["filename"], content, mime_type)
        email.send(fail_silently=False)
        return message_id
