"""The PDFs a party may keep, print or send on: one per reader, each holding only
what that reader may see (R-18, R-28).

Every PDF is rendered from the templates the pages use, through the same
visibility functions, in the reader's language, and says for whom and when it
was made. Its download is written to the access log as an export (R-25).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fasttrack.audit.access import ROLE_PURPOSE, AccessAction, log_access
from fasttrack.cases.access import get_case_for
from fasttrack.cases.models import FastTrackCase
from fasttrack.documents.access import (
    plan_comments_for,
    plan_request_content_visible,
    plan_requests_for,
    statements_for,
)
from fasttrack.notifications.models import Message
from fasttrack.people.models import EMPLOYER_ROLES, Role, language_of, membership_of
from fasttrack.plans.models import PlanVersion
from fasttrack.web.case_views import case_page_context, meetings_for_role
from fasttrack.web.pdf import font_faces, render_pdf

Built = tuple[str, dict[str, Any], str]


def _dossier(request: HttpRequest, case: FastTrackCase, role: Role, object_id: int | None) -> Built:
    if role == Role.DOCTOR or object_id is not None:
        raise Http404
    context = case_page_context(request, case, role, pdf=True)
    return "web/pdf/dossier.html", context, _("Case dossier")


def _plan(request: HttpRequest, case: FastTrackCase, role: Role, object_id: int | None) -> Built:
    if role == Role.DOCTOR:
        raise Http404
    versions = PlanVersion.objects.filter(plan__case=case)
    version = (
        versions.order_by("-number").first()
        if object_id is None
        else get_object_or_404(versions, pk=object_id)
    )
    if version is None:
        raise Http404
    context = {"plan": version, "plan_comments": plan_comments_for(role, version)}
    # Translators: Danish "Plan for fastholdelse og afklaring".
    return "web/pdf/plan.html", context, _("Retention plan")


def _retention_plan(
    request: HttpRequest, case: FastTrackCase, role: Role, object_id: int | None
) -> Built:
    found = [r for r in plan_requests_for(role, case) if r.pk == object_id]
    if not found or not plan_request_content_visible(role, found[0]):
        raise Http404
    context = {"plan_request": found[0], "show_content": True}
    return "web/pdf/retention_plan.html", context, _("Fastholdelsesplan (§ 7 b)")


def _statement(
    request: HttpRequest, case: FastTrackCase, role: Role, object_id: int | None
) -> Built:
    found = [s for s in statements_for(role, case, request.user) if s.pk == object_id]
    if not found:
        raise Http404
    return "web/pdf/statement.html", {"statement": found[0]}, _("Mulighedserklæring (§ 36 a)")


def _letter(request: HttpRequest, case: FastTrackCase, role: Role, object_id: int | None) -> Built:
    # A letter is its recipient's: nobody else's PDF holds its words.
    message = get_object_or_404(Message, pk=object_id, case_id=case.pk, recipient_user=request.user)
    return "web/pdf/letter.html", {"message": message}, message.subject


def _minutes(request: HttpRequest, case: FastTrackCase, role: Role, object_id: int | None) -> Built:
    found = [m for m in meetings_for_role(case, role, request.user) if m.pk == object_id]
    if not found or not found[0].minutes or not found[0].show_minutes:  # type: ignore[attr-defined]
        raise Http404
    return "web/pdf/minutes.html", {"meetings": found}, _("Minutes")


_BUILDERS: dict[str, Callable[[HttpRequest, FastTrackCase, Role, int | None], Built]] = {
    "sagsmappe": _dossier,
    "plan": _plan,
    "fastholdelsesplan": _retention_plan,
    "mulighedserklaering": _statement,
    "brev": _letter,
    "referat": _minutes,
}


def _reader(request: HttpRequest, role: Role) -> str:
    membership = membership_of(request.user)
    name = request.user.get_full_name() or request.user.get_username()  # type: ignore[union-attr]
    organisation = membership.organisation_name if membership else ""
    return f"{name} ({role.label}, {organisation})" if organisation else f"{name} ({role.label})"


@login_required
@require_GET
def case_pdf(
    request: HttpRequest, case_id: int, document: str, object_id: int | None = None
) -> HttpResponse:
    builder = _BUILDERS.get(document)
    membership = membership_of(request.user)
    if builder is None or membership is None:
        raise Http404
    purpose = ROLE_PURPOSE[Role(membership.role)]
    with translation.override(language_of(request.user)):
        case, role = get_case_for(request.user, case_id, purpose=purpose, request=request)
        template, context, title = builder(request, case, role, object_id)
        html = render_to_string(
            template,
            {
                **context,
                "case": case,
                "role": role,
                "pdf": True,
                "is_employer_side": role in EMPLOYER_ROLES,
                "is_doctor": role == Role.DOCTOR,
                "title": title,
                "made_for": _reader(request, role),
                "made_at": timezone.now(),
                "font_faces": font_faces(),
                "language": translation.get_language(),
            },
            request=request,
        )
    pdf = render_pdf(html)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        purpose=purpose,
        person=case.absence.person,
        case=case,
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"fasttrack-{case.pk}-{document}{f'-{object_id}' if object_id else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
