"""Meetings in the admin: read-only; they change only through ``cases.actions``."""

from __future__ import annotations

from django.contrib import admin

from fasttrack.audit.admin_access import AccessLoggedAdminMixin
from fasttrack.cases.admin import ReadOnlyAdminMixin, ReadOnlyInline
from fasttrack.meetings.models import Meeting, MeetingParticipant, MeetingTask


class ParticipantInline(ReadOnlyInline):
    model = MeetingParticipant
    fields = readonly_fields = (
        "name",
        "party",
        "user",
        "response",
        "responded_at",
        "invitation_opened_at",
        "minutes_opened_at",
    )


class TaskInline(ReadOnlyInline):
    model = MeetingTask
    fields = readonly_fields = ("party", "description", "due_on", "done_at")


@admin.register(Meeting)
class MeetingAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[Meeting]):
    access_case_path = "case"
    access_person_path = "case.absence.person"
    list_display = ["case", "kind", "starts_at", "state", "sequence", "held_on"]
    list_filter = ["kind", "state"]
    inlines = [ParticipantInline, TaskInline]
