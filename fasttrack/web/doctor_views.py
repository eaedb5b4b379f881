"""The doctor's pages: the clinic's inbox of certificate requests and the
certificate form, LÆ 285 (R-15 to R-17).

A doctor sees only the requests sent to their clinic (R-28). Opening a
request is a logged read of health-related data (R-25): the case is fetched
through ``get_case_for`` and a sent certificate through ``get_certificate_for``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fasttrack.audit.access import Purpose
from fasttrack.cases.access import cases_for, get_case_for, get_certificate_for, log_cases_shown
from fasttrack.cases.actions import record_certificate
from fasttrack.cases.errors import RuleViolation
from fasttrack.lib.rules import QUESTION_KEYS
from fasttrack.medical.models import Certificate, CertificateRequest, RequestStatus
from fasttrack.people.models import Role
from fasttrack.web.access import require_membership, require_role
from fasttrack.web.party_forms import CertificateForm, add_rule_error, question_language
from fasttrack.web.start_pages import START_PAGES


def _clinic_requests(request: HttpRequest) -> QuerySet[CertificateRequest]:
    """The requests sent to the doctor's clinic, for cases the doctor may see (R-28)."""
    membership = require_membership(request, Role.DOCTOR)
    return CertificateRequest.objects.filter(
        case__in=cases_for(request.user), clinic_id=membership.clinic_id
    )


@require_GET
@require_role(Role.DOCTOR)
def doctor_start(request: HttpRequest) -> HttpResponse:
    """The inbox: open requests by due date (overdue first), then what was sent."""
    membership = require_membership(request, Role.DOCTOR)
    # The list shows who and when only; the answers stay on the request page.
    requests = _clinic_requests(request).defer("answers").select_related("case__absence__person")
    open_requests = list(requests.filter(status=RequestStatus.REQUESTED).order_by("due_on", "-pk"))
    sent = list(
        requests.filter(status=RequestStatus.RECEIVED)
        .select_related("certificate")
        .order_by("-certificate__received_at")
    )
    log_cases_shown(
        request.user,
        dict.fromkeys(r.case_id for r in [*open_requests, *sent]),
        request=request,
    )
    context = {
        "page": START_PAGES[Role.DOCTOR],
        "organisation": membership.organisation,
        "open_requests": open_requests,
        "sent": sent,
        "today": timezone.localdate(),
    }
    return render(request, "web/start/doctor.html", context)


def _snapshot_rows(snapshot: dict[str, Any]) -> list[dict[str, str]]:
    """Both parties' answers as sent with the request, in the wording they answered (R-08)."""
    language = question_language()
    rows = []
    for key in QUESTION_KEYS:
        row = {"question": "", "employer": "", "employee": ""}
        for party in ("employer", "employee"):
            given = snapshot.get(party) or {}
            row[party] = given.get(key, "")
            wording = given.get("questions", {}).get(key, {})
            row["question"] = row["question"] or wording.get(language, "")
        rows.append(row)
    return rows


@require_http_methods(["GET", "POST"])
@require_role(Role.DOCTOR)
def doctor_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: the patient, both parties' answers, then the form or what was sent."""
    certificate_request = _clinic_requests(request).filter(pk=request_id).first()
    if certificate_request is None:
        raise Http404
    case, _role = get_case_for(
        request.user,
        certificate_request.case_id,
        purpose=Purpose.MEDICAL_CERTIFICATE,
        request=request,
    )
    form = None
    if certificate_request.status == RequestStatus.REQUESTED:
        form = CertificateForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                record_certificate(case=case, actor=request.user, **form.certificate())
            except RuleViolation as error:
                add_rule_error(form, error)
            else:
                messages.success(
                    request,
                    _("The medical certificate was sent to %(jobcentre)s.")
                    % {"jobcentre": case.municipality.jobcentre_name},
                )
                return redirect("web:doctor_request", request_id=certificate_request.pk)
    context = {
        "case": case,
        "certificate_request": certificate_request,
        "patient": case.absence.person,
        "rows": _snapshot_rows(certificate_request.answers),
        "form": form,
        "certificate": _sent_certificate(request, case, certificate_request),
        "today": timezone.localdate(),
    }
    return render(request, "web/doctor/request.html", context)


def _sent_certificate(
    request: HttpRequest, case: Any, certificate_request: CertificateRequest
) -> Certificate | None:
    """What the clinic sent for this request, read through the logged door (R-18, R-25)."""
    if certificate_request.status != RequestStatus.RECEIVED:
        return None
    try:
        certificate = get_certificate_for(
            request.user, case, purpose=Purpose.MEDICAL_CERTIFICATE, request=request
        )
    except Http404:
        return None
    # The helper returns the case's newest certificate; an older request's
    # page must not show a later one.
    return certificate if certificate.request_id == certificate_request.pk else None
