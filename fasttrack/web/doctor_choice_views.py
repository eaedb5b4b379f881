"""The employee's own doctor: the employee confirms or names the clinic, or the
caseworker sets it before asking for a certificate (R-15).

Searched by name or clinic number (ydernummer) in the clinic register; a
clinic is no personal data, so the search travels by GET.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fasttrack.audit.models import Purpose
from fasttrack.cases import actions
from fasttrack.cases.access import get_case_for
from fasttrack.cases.errors import RuleViolation, localized_message
from fasttrack.cases.states import Action, can
from fasttrack.people.models import Clinic, Role
from fasttrack.web.access import require_role

MAX_HITS = 20


class ClinicSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search by the clinic's name or clinic number"),
        max_length=100,
        required=False,
    )


def search_clinics(query: str) -> list[Clinic]:
    query = query.strip()
    if not query:
        return []
    return list(
        Clinic.objects.filter(Q(name__icontains=query) | Q(provider_number=query)).order_by("name")[
            :MAX_HITS
        ]
    )


@require_http_methods(["GET", "POST"])
@require_role(Role.EMPLOYEE, Role.CASEWORKER)
def case_own_doctor(request: HttpRequest, case_id: int) -> HttpResponse:
    purpose = Purpose.OWN_DATA
    if request.user.membership.role == Role.CASEWORKER:  # type: ignore[union-attr]
        purpose = Purpose.CASE_WORK
    case, role = get_case_for(request.user, case_id, purpose=purpose, request=request)
    if role not in (Role.EMPLOYEE, Role.CASEWORKER) or not can(case.state, Action.SET_OWN_DOCTOR):
        raise Http404
    back = "web:citizen_consent" if request.GET.get("next") == "consent" else "web:case_detail"
    error = ""
    if request.method == "POST":
        clinic = Clinic.objects.filter(pk=request.POST.get("clinic") or 0).first()
        if clinic is None:
            error = _("Choose a clinic from the search results.")
        else:
            try:
                actions.set_own_doctor(case=case, actor=request.user, clinic=clinic)
            except RuleViolation as refusal:
                error = localized_message(refusal)
            else:
                messages.success(
                    request, _("The own doctor is %(clinic)s.") % {"clinic": clinic.name}
                )
                return redirect(back, case.pk)
    search = ClinicSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    context = {
        "case": case,
        "search": search,
        "query": query,
        "clinics": search_clinics(query),
        "current": case.absence.person.clinic,
        "error": error,
        "next": request.GET.get("next", ""),
    }
    return render(request, "web/case/own_doctor.html", context, status=400 if error else 200)
