"""The documents around a case (RULES.md R-24): the employee's request for a
fastholdelsesplan (sygedagpengeloven § 7 b) and the mulighedserklæring (§ 36 a).

Neither holds health data: part 2 of the mulighedserklæring is the doctor's
assessment of the job functions in part 1, never a diagnosis (R-18), so the
employer may read every field here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.models import FastTrackCase
from fasttrack.people.models import Clinic


class RetentionPlanRequestState(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the employer's answer")
    PREPARED = "prepared", _("Plan made by the employer")
    REFUSED = "refused", _("Refused by the employer")
    WITHDRAWN = "withdrawn", _("Withdrawn by the employee")


class RetentionPlanRequest(models.Model):
    """The employee asks the employer for a fastholdelsesplan (§ 7 b); the employer
    makes it or refuses with a reason, and the employee brings it to the first
    follow-up conversation."""

    case = models.ForeignKey(
        FastTrackCase, on_delete=models.CASCADE, related_name="retention_plan_requests"
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=RetentionPlanRequestState.choices,
        default=RetentionPlanRequestState.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("requested on"))
    message = models.TextField(_("the employee's message"), blank=True)
    answer_due_on = models.DateField(_("answer due"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    # The plan itself, written by the employer with the employee.
    work_functions = models.TextField(_("work functions and adjustments"), blank=True)
    working_hours = models.TextField(_("working hours"), blank=True)
    other_measures = models.TextField(_("other measures"), blank=True)
    bring_to_conversation = models.BooleanField(
        _("the employee brings it to the first conversation"), default=False
    )
    bring_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for a fastholdelsesplan (§ 7 b)")
        verbose_name_plural = _("requests for a fastholdelsesplan (§ 7 b)")
        ordering = ["requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="requested"),
                name="one_open_retention_plan_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} § 7 b {self.requested_on}"


class StatementState(models.TextChoices):
    PART_ONE = "part_one", _("Part 1: employer and employee")
    AT_DOCTOR = "at_doctor", _("Part 2: with the doctor")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATEMENT_STATES = frozenset({StatementState.PART_ONE, StatementState.AT_DOCTOR})


class StatementParty(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    EMPLOYEE = "employee", _("Employee")


class FeePayer(models.TextChoices):
    EMPLOYER = "employer", _("The employer")
    EMPLOYEE = "employee", _("The employee")
    MUNICIPALITY = "municipality", _("The municipality")


class OpportunityStatement(models.Model):
    """The mulighedserklæring (§ 36 a): part 1 by employer and employee together,
    part 2 by the employee's own doctor, about those functions only."""

    case = models.ForeignKey(
        FastTrackCase, on_delete=models.CASCADE, related_name="opportunity_statements"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=StatementState.choices, default=StatementState.PART_ONE
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_by_party = models.CharField(
        _("started by"), max_length=16, choices=StatementParty.choices
    )
    started_on = models.DateField(_("started on"))
    fee_payer = models.CharField(_("who pays the doctor"), max_length=16, choices=FeePayer.choices)
    # Part 1.
    job_functions = models.TextField(_("the job's functions"), blank=True)
    can_do = models.TextField(_("what the employee can do"), blank=True)
    cannot_do = models.TextField(_("what the employee cannot do"), blank=True)
    agreed_adjustments = models.TextField(_("adjustments agreed"), blank=True)
    part_one_version = models.PositiveIntegerField(default=0)
    employer_confirmed_at = models.DateTimeField(null=True, blank=True)
    employer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    employee_confirmed_at = models.DateTimeField(null=True, blank=True)
    employee_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Part 2.
    clinic = models.ForeignKey(
        Clinic,
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_to_doctor_on = models.DateField(_("sent to the doctor"), null=True, blank=True)
    doctor_due_on = models.DateField(_("doctor's part due"), null=True, blank=True)
    doctor_assessment = models.TextField(_("the doctor's assessment of the functions"), blank=True)
    expected_duration = models.CharField(
        _("how long the limits are expected to last"), max_length=200, blank=True
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("mulighedserklæring (§ 36 a)")
        verbose_name_plural = _("mulighedserklæringer (§ 36 a)")
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} § 36 a {self.started_on}"

    @property
    def part_one_filled(self) -> bool:
        return all((self.job_functions.strip(), self.can_do.strip(), self.cannot_do.strip()))
