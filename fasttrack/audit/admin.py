"""Read-only admin pages: history and access log are evidence, not data to edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fasttrack.audit.admin_access import AccessLoggedAdminMixin
from fasttrack.audit.models import AccessLogEntry, CaseEvent, Erasure


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    access_case_path = "case"
    access_person_path = "case.absence.person"
    list_display = [
        "case_id",
        "sequence",
        "verb",
        "at",
        "actor",
        "actor_role",
        "actor_organisation",
    ]
    list_filter = ["verb", "actor_role", "visible_to_employer"]
    list_select_related = ["actor"]
    search_fields = ["=case__id", "actor_organisation"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    access_person_path = "person"
    list_display = ["at", "username", "role", "organisation", "action", "purpose", "case_id", "ip"]
    list_filter = ["action", "role", "purpose"]
    search_fields = ["username", "organisation", "=case__id"]
    date_hierarchy = "at"


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    """What ``fasttrack purge`` erased: kinds and counts only, no personal data."""

    list_display = ["at", "kind", "count", "older_than"]
    list_filter = ["kind"]
    date_hierarchy = "at"
