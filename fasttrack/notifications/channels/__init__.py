"""The channels a message can go out through, in one explicit registry.

A channel's ``send`` may be called more than once for the same message (a
worker can die after sending and before recording it): every channel passes
the message's dedupe key on in a form the receiving side can use to drop the
repeat (the e-mail Message-ID, the MeMo MessageUUID, a unique inbox row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.utils.module_loading import import_string

from fasttrack.notifications import conf
from fasttrack.notifications.models import MessageChannel

if TYPE_CHECKING:
    from fasttrack.notifications.models import Message


class Channel(Protocol):
    def send(self, message: Message) -> str:
        """Deliver the message and return the provider's reference.

        Raise ``PermanentDeliveryError`` for what no retry can fix; any other
        exception is retried with back-off.
        """
        ...


CHANNELS: dict[str, str] = {
    MessageChannel.EMAIL: "fasttrack.notifications.channels.email.EmailChannel",
    MessageChannel.DIGITAL_POST: "fasttrack.notifications.channels.digital_post.DigitalPostChannel",
    MessageChannel.INBOX: "fasttrack.notifications.channels.inbox.InboxChannel",
}


def get_channel(name: str) -> Channel:
    path = conf.channel_overrides().get(name) or CHANNELS[name]
    channel_class = import_string(path)
    channel: Channel = channel_class()
    return channel


def channel_enabled(name: str) -> bool:
    """``USE_EMAIL`` and ``USE_DIGITAL_POST`` switch an integration off; the
    inbox lives in Fasttrack's own database and is always on."""
    if name == MessageChannel.EMAIL:
        return conf.use_email()
    if name == MessageChannel.DIGITAL_POST:
        return conf.use_digital_post()
    return True


def enabled_channels() -> list[str]:
    return [name for name in CHANNELS if channel_enabled(name)]
