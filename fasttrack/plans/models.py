"""The retention plan (fastholdelsesplan / plan for fastholdelse og afklaring), R-20."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.models import FastTrackCase


class MeasureKind(models.TextChoices):
    ADJUSTED_FUNCTIONS = "adjusted_functions", _("Adjusted job functions")
    PARTIAL_RETURN = "partial_return", _("Partial return to work")
    TREATMENT = "treatment", _("Treatment")
    RETRAINING = "retraining", _("Retraining")
    AIDS = "aids", _("Aids")
    OTHER = "other", _("Other")


class RetentionPlan(models.Model):
    case = models.OneToOneField(FastTrackCase, on_delete=models.CASCADE, related_name="plan")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention plan")
        verbose_name_plural = _("retention plans")

    def __str__(self) -> str:
        return f"{self.case_id}"


class PlanVersion(models.Model):
    """One version of the plan; a change is a new version, so confirmations stay true."""

    plan = models.ForeignKey(RetentionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    summary = models.TextField(_("summary"))
    # [{"kind": MeasureKind, "description": str, "owner": str, "due_on": "YYYY-MM-DD"|None}]
    measures = models.JSONField(_("measures"), default=list)
    # Hours of absence a week, not hours worked: R-22 sets the minimum on the
    # absence (at least 4 hours a week for partial sick leave).
    partial_leave_hours_per_week = models.DecimalField(
        _("partial sick leave, hours of absence a week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    evaluate_on = models.DateField(_("evaluate on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Each side confirms the version it read: the employee, and for the
    # employer HR or the nearest manager, once. A new version starts unconfirmed.
    employer_confirmed_at = models.DateTimeField(_("confirmed by employer"), null=True, blank=True)
    employer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by (employer side)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    employee_confirmed_at = models.DateTimeField(_("confirmed by employee"), null=True, blank=True)
    employee_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by (employee side)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan.case_id} v{self.number}"


class PlanComment(models.Model):
    """A party's comment on one version of the plan (R-20): what the employee or the
    workplace would change, read by the caseworker before the next version."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="comments")
    # "employer", "employee" or "jobcentre": who speaks, whatever the author's role.
    party = models.CharField(_("party"), max_length=16)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on the plan")
        verbose_name_plural = _("comments on the plan")
        ordering = ["version", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version} {self.party}"
