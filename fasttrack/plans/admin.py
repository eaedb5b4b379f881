"""Retention plans in the admin: read-only; a change is a new version made by an action."""

from __future__ import annotations

from django.contrib import admin

from fasttrack.audit.admin_access import AccessLoggedAdminMixin
from fasttrack.cases.admin import ReadOnlyAdminMixin
from fasttrack.plans.models import PlanVersion


@admin.register(PlanVersion)
class PlanVersionAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[PlanVersion]):
    access_case_path = "plan.case"
    access_person_path = "plan.case.absence.person"
    list_display = ["plan", "number", "evaluate_on", "created_at"]
