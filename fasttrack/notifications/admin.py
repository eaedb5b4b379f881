"""Operators watch the outbox here: read-only, with a "retry now" action.

Nothing in the outbox is edited by hand: a wrong letter is corrected by the
action that sends a new one. Bodies with health data are not shown at all.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fasttrack.audit.admin_access import AccessLoggedAdminMixin
from fasttrack.notifications.channels.digital_post import MEMO_NAMESPACE
from fasttrack.notifications.models import DigitalPostDelivery, InboxItem, Message
from fasttrack.notifications.outbox import retry_message_now

_BODY_FIELDS = ("body_text", "body_html", "attachments")


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    access_person_path = "recipient_person"
    list_display = [
        "id",
        "kind",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "case_id",
        "created_at",
    ]
    list_filter = ["status", "channel", "kind", "contains_health_data"]
    search_fields = ["=dedupe_key", "=case_id", "=provider_reference"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = [
        "dedupe_key",
        "kind",
        "channel",
        "status",
        "recipient_user",
        "recipient_person",
        "recipient_address",
        "sender_municipality",
        "to_employer",
        "language",
        "subject",
        "body_text",
        "body_html",
        "attachments",
        "case_id",
        "contains_health_data",
        "attempts",
        "max_attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "provider_reference",
        "task_id",
        "created_at",
        "first_opened_at",
    ]

    def get_fields(self, request: HttpRequest, obj: Message | None = None) -> list[Any]:
        fields = list(super().get_fields(request, obj))
        if obj is not None and obj.contains_health_data:
            # Health data stays in the medical part of the case (RULES.md R-18).
            fields = [f for f in fields if f not in _BODY_FIELDS]
        return fields

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_message")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        retried = sum(retry_message_now(pk) for pk in queryset.values_list("pk", flat=True))
        skipped = queryset.count() - retried
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued for delivery now.",
                "%(count)d messages queued for delivery now.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was left alone: it is being sent or already sent.",
                    "%(count)d messages were left alone: they are being sent or already sent.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(InboxItem)
class InboxItemAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    access_person_path = "message.recipient_person"
    list_display = ["id", "user", "subject", "case_id", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["=case_id", "user__username"]
    raw_id_fields = ["user", "message"]

    def get_fields(self, request: HttpRequest, obj: InboxItem | None = None) -> list[Any]:
        fields = ["user", "message", "subject", "body", "case_id", "created_at", "read_at"]
        if obj is not None and obj.message.contains_health_data:
            fields.remove("body")
        return fields


@admin.register(DigitalPostDelivery)
class DigitalPostDeliveryAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    access_person_path = "message.recipient_person"
    list_display = ["id", "label", "recipient_kind", "recipient_masked", "created_at"]
    list_filter = ["recipient_kind"]
    search_fields = ["=message_uuid"]
    fields = [
        "message",
        "message_uuid",
        "recipient_kind",
        "recipient_masked",
        "label",
        "created_at",
        "memo_document",
    ]
    readonly_fields = ["memo_document"]

    @admin.display(description=_("MeMo document (recipient masked)"))
    def memo_document(self, obj: DigitalPostDelivery) -> str:
        if obj.message is not None and obj.message.contains_health_data:
            return str(_("Not shown: the letter contains health data."))
        return format_html("<pre>{}</pre>", masked_memo(obj))


def masked_memo(delivery: DigitalPostDelivery) -> str:
    """The stored MeMo document with the recipient's id replaced by its masked form."""
    root = ET.fromstring(delivery.memo_xml)  # noqa: S314 - our own document
    for element in root.iter(f"{{{MEMO_NAMESPACE}}}recipientID"):
        element.text = delivery.recipient_masked
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")
