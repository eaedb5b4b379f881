"""Health data in the admin: read-only, and no diagnosis in any list (R-18)."""

from __future__ import annotations

from django.contrib import admin

from fasttrack.audit.admin_access import AccessLoggedAdminMixin
from fasttrack.cases.admin import ReadOnlyAdminMixin
from fasttrack.medical.models import Certificate, CertificateRequest


@admin.register(CertificateRequest)
class CertificateRequestAdmin(
    AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[CertificateRequest]
):
    access_case_path = "case"
    access_person_path = "case.absence.person"
    list_display = ["case", "clinic", "requested_on", "due_on", "status"]
    exclude = ["answers"]


@admin.register(Certificate)
class CertificateAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin[Certificate]):
    access_case_path = "request.case"
    access_person_path = "request.case.absence.person"
    list_display = ["pk", "request", "received_at"]
