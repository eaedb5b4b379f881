"""Health data: the medical certificate (LÆ 285) and its request.

Health data lives only in this app so that it has one door: the employer path
never reaches it (R-18), and reads go through
``fasttrack.cases.access.get_certificate_for``, which logs them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.models import FastTrackCase
from fasttrack.people.models import Clinic


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class CertificateRequest(models.Model):
    """The jobcentre's request to the employee's own doctor (R-15, R-16)."""

    case = models.ForeignKey(
        FastTrackCase, on_delete=models.CASCADE, related_name="certificate_requests"
    )
    clinic = models.ForeignKey(
        Clinic, verbose_name=_("clinic"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_on = models.DateField(_("requested on"))
    due_in_days = models.PositiveSmallIntegerField(_("days to answer"))
    due_on = models.DateField(_("due"))
    # Both parties' answers as they stood when the request was sent (R-9, R-15):
    # {"employer": {...} | None, "employee": {...} | None}.
    answers = models.JSONField(_("answers sent to the doctor"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.REQUESTED,
    )

    class Meta:
        verbose_name = _("medical certificate request (LÆ 285)")
        verbose_name_plural = _("medical certificate requests (LÆ 285)")
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} – {self.requested_on}"


class Certificate(models.Model):
    """The doctor's answer (R-17). Never shown or sent to the employer (R-18)."""

    request = models.OneToOneField(
        CertificateRequest, on_delete=models.CASCADE, related_name="certificate"
    )
    diagnosis = models.TextField(_("diagnosis or cause of absence"))
    work_capacity = models.TextField(_("assessment of the ability to work"))
    considerations = models.TextField(_("considerations (skånehensyn)"), blank=True)
    expected_return = models.TextField(_("expected full or partial return"), blank=True)
    expected_return_on = models.DateField(_("expected return date"), null=True, blank=True)
    remarks = models.TextField(_("other remarks"), blank=True)
    # The municipality pays the doctor; øre, from the case's rule set.
    fee_ore = models.PositiveIntegerField(_("fee (øre)"))
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("doctor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"))

    class Meta:
        verbose_name = _("medical certificate (LÆ 285)")
        verbose_name_plural = _("medical certificates (LÆ 285)")

    def __str__(self) -> str:
        return f"LÆ 285 #{self.pk}"
