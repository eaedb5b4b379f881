"""Meetings in the admin: read-only; they change only through ``cases.actions``."""

from __future__ import annotations

from django.contrib import admin

from fasttrack.cases.admin import ReadOnlyAdminMixin
from fasttrack.meetings.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Meeting]):
    list_display = ["case", "kind", "starts_at", "state", "held_on"]
    list_filter = ["kind", "state"]
