"""Digital Post: a MeMo message handed to a transport.

MeMo (MeddelelsesModel, version 1.1) is the format of the Danish Digital Post:
a ``Message`` with a ``MessageHeader`` (type, MessageUUID, the sender's own
MessageID, label, Sender and Recipient each with an id and its type, CPR or
CVR) and a ``MessageBody`` (creation time, a ``MainDocument`` and optional
``AdditionalDocument``\\ s, each with ``File`` elements holding base64
content). Digital Post refuses a second message with a MessageUUID it already
has, so deriving the UUID from the dedupe key makes a repeated delivery
harmless.

The production transport (NgDP's REST interface, with its certificates) is not
part of Fasttrack yet: ``DIGITAL_POST_TRANSPORT`` names the class to use, and
the default fake keeps what it would have sent in ``DigitalPostDelivery``.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from django.utils import timezone
from django.utils.module_loading import import_string

from fasttrack.lib.cpr import mask_cpr
from fasttrack.notifications import conf
from fasttrack.notifications.errors import PermanentDeliveryError
from fasttrack.notifications.rows import insert_once

if TYPE_CHECKING:
    from fasttrack.notifications.models import Message

MEMO_NAMESPACE = "https://DigitalPost.dk/MeMo-1"
MEMO_VERSION = "1.1"
_CVR = re.compile(r"^[1-9]\d{7}$")

ET.register_namespace("memo", MEMO_NAMESPACE)


def _q(tag: str) -> str:
    return f"{{{MEMO_NAMESPACE}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    if text is not None:
        element.text = text
    return element


def build_memo(
    message: Message,
    *,
    recipient_id: str,
    recipient_kind: str,
    sender: tuple[str, str, str],
    created_at: datetime,
) -> bytes:
    """The MeMo XML of one message (UTF-8 bytes)."""
    sender_id, sender_kind, sender_label = sender
    root = ET.Element(_q("Message"), {"memoVersion": MEMO_VERSION})

    header = _sub(root, "MessageHeader")
    _sub(header, "messageType", "DIGITALPOST")
    _sub(header, "messageUUID", str(message.delivery_uuid))
    _sub(header, "messageID", f"fasttrack-{message.pk}")
    _sub(header, "label", message.subject)
    _sub(header, "mandatory", "false")
    _sub(header, "legalNotification", "false")
    _sub(header, "postType", "MYNDIGHEDSPOST")
    sender_element = _sub(header, "Sender")
    _sub(sender_element, "senderID", sender_id)
    _sub(sender_element, "idType", sender_kind)
    _sub(sender_element, "label", sender_label)
    recipient = _sub(header, "Recipient")
    _sub(recipient, "recipientID", recipient_id)
    _sub(recipient, "idType", recipient_kind)

    body = _sub(root, "MessageBody")
    _sub(body, "createdDateTime", created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    main = _sub(body, "MainDocument")
    _sub(main, "mainDocumentID", "1")
    _sub(main, "label", message.subject)
    if message.body_html:
        _file(main, "text/html", "brev.html", message.language, message.body_html.encode())
    else:
        _file(main, "text/plain", "brev.txt", message.language, message.body_text.encode())
    for number, attachment in enumerate(message.attachments, start=2):
        document = _sub(body, "AdditionalDocument")
        _sub(document, "additionalDocumentID", str(number))
        _sub(document, "label", attachment["filename"])
        if "content_base64" in attachment:
            content = base64.b64decode(attachment["content_base64"])
        else:
            content = attachment["content"].encode()
        mime_type = attachment["mime_type"].split(";", 1)[0].strip()
        _file(document, mime_type, attachment["filename"], message.language, content)

    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _file(parent: ET.Element, mime_type: str, filename: str, language: str, data: bytes) -> None:
    file_element = _sub(parent, "File")
    _sub(file_element, "encodingFormat", mime_type)
    _sub(file_element, "filename", filename)
    _sub(file_element, "language", language)
    _sub(file_element, "content", base64.b64encode(data).decode("ascii"))


class DigitalPostTransport(Protocol):
    def deliver(
        self,
        *,
        message: Message,
        message_uuid: UUID,
        memo_xml: bytes,
        recipient_kind: str,
        recipient_masked: str,
    ) -> str:
        """Hand the MeMo document over; return the provider's reference.

        Must be idempotent by ``message_uuid`` (Digital Post is).
        """
        ...


class FakeDigitalPostTransport:
    """Keeps what it would send, encrypted, in ``DigitalPostDelivery``."""

    def deliver(
        self,
        *,
        message: Message,
        message_uuid: UUID,
        memo_xml: bytes,
        recipient_kind: str,
        recipient_masked: str,
    ) -> str:
        from fasttrack.notifications.models import DigitalPostDelivery

        delivery = DigitalPostDelivery(
            message=message,
            message_uuid=message_uuid,
            recipient_kind=recipient_kind,
            recipient_masked=recipient_masked,
            label=message.subject,
        )
        delivery.memo_xml = memo_xml.decode("utf-8")
        # A MessageUUID it already has: Digital Post accepts nothing new.
        insert_once(delivery, unique="message_uuid")
        return f"fake-digital-post:{message_uuid}"


def get_transport() -> DigitalPostTransport:
    transport: DigitalPostTransport = import_string(conf.digital_post_transport())()
    return transport


def resolve_recipient(message: Message) -> tuple[str, str, str]:
    """(id, kind, masked form) of the recipient, looked up at send time."""
    if message.recipient_person_id is not None:
        person = message.recipient_person
        assert person is not None
        number = person.cpr
        return number, "CPR", mask_cpr(number)
    if _CVR.match(message.recipient_address):
        return message.recipient_address, "CVR", message.recipient_address
    raise PermanentDeliveryError("A Digital Post message needs a person or a CVR number.")


class DigitalPostChannel:
    def send(self, message: Message) -> str:
        recipient_id, recipient_kind, recipient_masked = resolve_recipient(message)
        memo_xml = build_memo(
            message,
            recipient_id=recipient_id,
            recipient_kind=recipient_kind,
            sender=conf.digital_post_sender(message.sender_municipality),
            created_at=timezone.now(),
        )
        return get_transport().deliver(
            message=message,
            message_uuid=message.delivery_uuid,
            memo_xml=memo_xml,
            recipient_kind=recipient_kind,
            recipient_masked=recipient_masked,
        )
