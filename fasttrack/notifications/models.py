"""The outbox: every letter is a row written in the same transaction as the
change that causes it, delivered later by a worker through a channel.

The row, not the django-tasks task, is the truth about a message. Tasks are
only wake-up calls: a duplicate task finds the message claimed or sent and does
nothing, and a lost task is replaced by the recovery (``deliver_pending``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fasttrack.notifications import conf
from fasttrack.people.crypto import decrypt_cpr, encrypt_cpr

# Fixed for ever: the delivery UUID of a message is derived from its dedupe key
# under this namespace, so every repeat of a delivery carries the same id.
DELIVERY_NAMESPACE = uuid.UUID("6f1b2a52-6c0e-5d8e-9a43-2f0c5e7d1b90")


def default_max_attempts() -> int:
    return conf.max_attempts()


def delivery_uuid(dedupe_key: str) -> uuid.UUID:
    """The id every delivery of this message carries (e-mail Message-ID, MeMo UUID)."""
    return uuid.uuid5(DELIVERY_NAMESPACE, dedupe_key)


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    DIGITAL_POST = "digital_post", _("Digital Post")
    INBOX = "inbox", _("Inbox in Fasttrack")


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    ENGLISH = "en", _("English")


class Message(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedupe_key = models.CharField(
        _("dedupe key"),
        max_length=200,
        unique=True,
        help_text=_("One message per key, e.g. case:42:consent_request:employee."),
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=MessageChannel.choices)

    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    # Digital Post finds the CPR number through the person when it sends, so
    # no CPR number in clear text ever sits in the outbox (RULES.md R-29).
    recipient_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("recipient person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    recipient_address = models.CharField(
        _("recipient address"),
        max_length=254,
        blank=True,
        help_text=_("E-mail address, or a CVR number for company Digital Post."),
    )
    # The municipality a case's letter is sent on behalf of: Digital Post
    # names it as the sender (MeMo ``Sender``). Empty for messages outside a
    # case, which go out under the installation's sender.
    sender_municipality = models.ForeignKey(
        "people.Municipality",
        verbose_name=_("sending municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_employer = models.BooleanField(
        _("to the employer"),
        default=False,
        help_text=_("Employer-bound messages may never carry health data."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DANISH
    )
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    # A plain integer rather than a foreign key: the outbox sits below the case
    # engine, keeps its own migrations independent of the cases app, and a
    # message must survive even the erasure of the case it came from (the
    # record that a letter was sent outlives the case, RULES.md R-31).
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    contains_health_data = models.BooleanField(_("contains health data"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("maximum attempts"), default=default_max_attempts)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    # The id of the newest django-tasks task that should deliver this message;
    # the recovery re-enqueues when that task is no longer pending.
    task_id = models.UUIDField(_("task"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due_idx"),
            models.Index(fields=["status", "claimed_at"], name="outbox_status_claimed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(to_employer=True, contains_health_data=True),
                name="outbox_no_health_data_to_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} via {self.channel} ({self.dedupe_key})"

    @property
    def delivery_uuid(self) -> uuid.UUID:
        return delivery_uuid(self.dedupe_key)


class InboxItem(models.Model):
    """A message shown in a party's inbox in Fasttrack."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="inbox_items",
    )
    # Unique: a repeated delivery of the same message finds the item that is
    # already there instead of adding a second one.
    message = models.OneToOneField(
        Message,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="inbox_item",
    )
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="inbox_user_created_idx")]

    def __str__(self) -> str:
        return self.subject


class DigitalPostDelivery(models.Model):
    """What the fake Digital Post transport would have sent (development and tests).

    The MeMo document necessarily names the recipient by CPR number, so it is
    stored encrypted like every CPR number at rest (RULES.md R-29); lists and
    the admin show the masked form only.
    """

    class RecipientKind(models.TextChoices):
        CPR = "CPR", _("CPR number (citizen)")
        CVR = "CVR", _("CVR number (company)")

    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="digital_post_deliveries",
    )
    # Digital Post refuses a second message with the same MessageUUID; the fake
    # keeps that promise with a unique constraint.
    message_uuid = models.UUIDField(_("MeMo message UUID"), unique=True)
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=3, choices=RecipientKind.choices
    )
    recipient_masked = models.CharField(_("recipient"), max_length=20)
    label = models.CharField(_("title"), max_length=250)
    memo_ciphertext = models.TextField(_("MeMo document (encrypted)"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Digital Post delivery")
        verbose_name_plural = _("Digital Post deliveries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} → {self.recipient_masked}"

    @property
    def memo_xml(self) -> str:
        return decrypt_cpr(self.memo_ciphertext)

    @memo_xml.setter
    def memo_xml(self, document: str) -> None:
        self.memo_ciphertext = encrypt_cpr(document)
