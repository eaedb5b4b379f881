"""The outbox's settings, each with the default the demo runs with.

Read through these helpers (never ``settings.X`` directly) so that a missing
setting means the documented default; see docs/operations.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from fasttrack.people.models import Municipality


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _int("OUTBOX_MAX_ATTEMPTS", 8)


def retry_base_seconds() -> int:
    """The wait after the first failed attempt; it doubles with every attempt."""
    return _int("OUTBOX_RETRY_BASE_SECONDS", 60)


def retry_max_seconds() -> int:
    return _int("OUTBOX_RETRY_MAX_SECONDS", 6 * 60 * 60)


def stale_after_seconds() -> int:
    """How long a message may stay ``sending`` (and a task RUNNING) before the
    recovery takes its worker for dead. Must exceed the slowest channel's
    timeout, or a slow send is repeated (with the same dedupe key)."""
    return _int("OUTBOX_STALE_AFTER_SECONDS", 300)


def worker_batch_size() -> int:
    """How many delivery tasks a worker claims at once (at least 1)."""
    return max(_int("OUTBOX_WORKER_BATCH_SIZE", 50), 1)


def worker_batch_seconds() -> float:
    """How long a worker's batch may send after its claim before it records
    what it sent and gives the rest back: bounds how many letters a killed
    worker leaves sent but unrecorded, and how old a claim gets before its
    send (``OUTBOX_STALE_AFTER_SECONDS`` must exceed this plus the slowest
    send)."""
    return float(getattr(settings, "OUTBOX_WORKER_BATCH_SECONDS", 1.0))


def recovery_interval_seconds() -> int:
    return _int("OUTBOX_RECOVERY_INTERVAL_SECONDS", 60)


def channel_overrides() -> dict[str, str]:
    """Channel name → dotted path of a replacement class (tests, staging)."""
    overrides: dict[str, Any] = getattr(settings, "OUTBOX_CHANNEL_OVERRIDES", {}) or {}
    return {str(name): str(path) for name, path in overrides.items()}


def use_email() -> bool:
    return bool(getattr(settings, "USE_EMAIL", True))


def use_digital_post() -> bool:
    return bool(getattr(settings, "USE_DIGITAL_POST", True))


def digital_post_transport() -> str:
    return str(
        getattr(
            settings,
            "DIGITAL_POST_TRANSPORT",
            "fasttrack.notifications.channels.digital_post.FakeDigitalPostTransport",
        )
    )


def digital_post_sender(municipality: Municipality | None = None) -> tuple[str, str, str]:
    """(sender id, id type, label) of the authority sending Digital Post.

    The municipality's own sender when it has one; the installation's
    settings otherwise (one-municipality installations, messages outside a case).
    """
    if municipality is not None and (own := municipality.digital_post_sender) is not None:
        return own
    return (
        str(getattr(settings, "DIGITAL_POST_SENDER_ID", "")),
        str(getattr(settings, "DIGITAL_POST_SENDER_ID_TYPE", "CVR")),
        str(getattr(settings, "DIGITAL_POST_SENDER_LABEL", "Jobcenter")),
    )


def message_id_domain() -> str:
    """The right-hand side of e-mail Message-IDs: the sender's own domain."""
    configured = getattr(settings, "OUTBOX_MESSAGE_ID_DOMAIN", "")
    if configured:
        return str(configured)
    sender = str(getattr(settings, "DEFAULT_FROM_EMAIL", ""))
    domain = sender.rpartition("@")[2].strip(" >")
    return domain or "fasttrack.invalid"
