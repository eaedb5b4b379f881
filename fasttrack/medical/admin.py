"""Health data in the admin: read-only, and no diagnosis in any list (R-18)."""

from __future__ import annotations

from django.contrib import admin

from fasttrack.cases.admin import ReadOnlyAdminMixin
from fasttrack.medical.models import Certificate, CertificateRequest


@admin.register(CertificateRequest)
class CertificateRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CertificateRequest]):
    list_display = ["case", "clinic", "requested_on", "due_on", "status"]
    exclude = ["answers"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Certificate]):
    list_display = ["pk", "request", "received_at"]
