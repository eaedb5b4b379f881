"""Retention plans in the admin: read-only; a change is a new version made by an action."""

from __future__ import annotations

from django.contrib import admin

from fasttrack.cases.admin import ReadOnlyAdminMixin
from fasttrack.plans.models import PlanVersion


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[PlanVersion]):
    list_display = ["plan", "number", "evaluate_on", "created_at"]
