"""Read-only views of cases for the operators.

State and history change only through ``cases.actions`` (which check the state
table and write the history), so the admin can look but not touch.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fasttrack.audit.admin_access import AccessLoggedAdminMixin
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
class FastTrackCaseAdmin(
    AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[FastTrackCase]
):
    access_case_path = ""
    access_person_path = "absence.person"
    list_display = ["pk", "absence", "municipality", "state", "requested_on", "next_deadline_on"]
    list_filter = ["state", "municipality", "requested_by"]
    list_select_related = ["absence__person", "municipality"]
    inlines = [ConsentInline, DeadlineInline]


@admin.register(Absence)
class AbsenceAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[Absence]):
    access_person_path = "person"
    list_display = ["person", "employer", "first_absence_day", "expects_over_8_weeks"]
    list_select_related = ["person", "employer"]


@admin.register(Answers)
class AnswersAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[Answers]):
    access_case_path = "case"
    access_person_path = "case.absence.person"
    list_display = ["case", "party", "question_set_version", "given_at"]


@admin.register(ConsentDecision)
class ConsentDecisionAdmin(
    AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[ConsentDecision]
):
    access_case_path = "case"
    access_person_path = "case.absence.person"
    list_display = ["case", "continue_fast_track", "decided_by", "decided_at"]


@admin.register(JournalNote)
class JournalNoteAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[JournalNote]):
    access_case_path = "case"
    access_person_path = "case.absence.person"
    list_display = ["case", "author", "created_at"]
