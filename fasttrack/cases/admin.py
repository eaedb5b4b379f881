"""Read-only views of cases for jobcentre staff.

State and history change only through ``cases.actions`` (which check the state
table and write the history), so the admin can look but not touch.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fasttrack.cases.models import (
    Absence,
    Answers,
    CaseDeadline,
    Consent,
    ConsentDecision,
    FastTrackCase,
    JournalNote,
)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline[Model, Model]):
    extra = 0
    can_delete = False


class DeadlineInline(ReadOnlyInline):
    model = CaseDeadline
    fields = readonly_fields = ("key", "due_on", "status", "met_on", "basis", "rule_id", "legal")


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = readonly_fields = ("accepted", "answered_on", "late", "channel")


@admin.register(FastTrackCase)
class FastTrackCaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[FastTrackCase]):
    list_display = ["pk", "absence", "municipality", "state", "requested_on", "next_deadline_on"]
    list_filter = ["state", "municipality", "requested_by"]
    list_select_related = ["absence__person", "municipality"]
    inlines = [ConsentInline, DeadlineInline]


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Absence]):
    list_display = ["person", "employer", "first_absence_day", "expects_over_8_weeks"]
    list_select_related = ["person", "employer"]


@admin.register(Answers)
class AnswersAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Answers]):
    list_display = ["case", "party", "question_set_version", "given_at"]


@admin.register(ConsentDecision)
class ConsentDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ConsentDecision]):
    list_display = ["case", "continue_fast_track", "decided_by", "decided_at"]


@admin.register(JournalNote)
class JournalNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[JournalNote]):
    list_display = ["case", "author", "created_at"]
