"""Sending a case's letter again from the case page ("Send igen")."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fasttrack.cases import actions
from fasttrack.cases.errors import LetterNotOnCase, RuleViolation, localized_message
from fasttrack.people.models import Role
from fasttrack.web.access import require_role
from fasttrack.web.case_views import _case_for_caseworker


@require_role(Role.CASEWORKER)
@require_POST
def case_resend_letter(request: HttpRequest, case_id: int, message_id: int) -> HttpResponse:
    """ "Send igen": the caseworker sends a letter that failed for good once more."""
    case = _case_for_caseworker(request, case_id)
    try:
        actions.resend_letter(case=case, actor=request.user, message_id=message_id)
    except LetterNotOnCase as error:
        raise Http404 from error
    except RuleViolation as error:
        messages.error(request, localized_message(error))
    else:
        messages.success(request, str(_("The letter is queued to be sent again.")))
    return redirect("web:case_detail", case_id=case.pk)
