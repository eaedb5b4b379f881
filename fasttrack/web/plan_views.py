"""The parties confirm the current version of the retention plan (R-20)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fasttrack.audit.models import Purpose
from fasttrack.cases import actions
from fasttrack.cases.access import get_case_for
from fasttrack.cases.errors import RuleViolation, localized_message
from fasttrack.people.models import Role
from fasttrack.plans.models import PlanVersion
from fasttrack.web.access import require_membership, require_role

# The parties who confirm a plan, and why they read the case to do it.
_CONFIRMING = {
    Role.EMPLOYEE: Purpose.OWN_DATA,
    Role.EMPLOYER: Purpose.EMPLOYER_FOLLOWUP,
    Role.MANAGER: Purpose.EMPLOYER_FOLLOWUP,
}


@require_role(*_CONFIRMING)
@require_POST
def case_confirm_plan(request: HttpRequest, case_id: int, version_id: int) -> HttpResponse:
    """ "Bekræft planen": the employee or the employer side confirms the version it read."""
    membership = require_membership(request, *_CONFIRMING)
    purpose = _CONFIRMING[Role(membership.role)]
    case, _role = get_case_for(request.user, case_id, purpose=purpose, request=request)
    version = get_object_or_404(PlanVersion, pk=version_id, plan__case=case)
    try:
        actions.confirm_plan(case=case, actor=request.user, version=version)
    except RuleViolation as error:
        messages.error(request, localized_message(error))
    else:
        messages.success(
            request,
            _("You have confirmed version %(number)s of the plan.") % {"number": version.number},
        )
    return redirect("web:case_detail", case_id=case.pk)
