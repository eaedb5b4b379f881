"""The jobcentre manager's pages for their own staff and citizens (issue 13).

Only the manager's own municipality: every list and form goes through
``fasttrack.people.staff``, which answers 404 for anything else (R-28).
The Django admin is the operators' alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fasttrack.login.accounts import AccountError, create_account, invitation_link
from fasttrack.people import staff
from fasttrack.people.models import Role
from fasttrack.people.validators import clean_cpr
from fasttrack.web.access import require_membership, require_role
from fasttrack.web.staff_forms import CitizenForm, CitizenSearchForm, NewStaffForm, StaffRoleForm


@require_http_methods(["GET", "POST"])
@require_role(Role.JOBCENTRE_MANAGER)
def staff_list(request: HttpRequest) -> HttpResponse:
    """The jobcentre's staff; a new colleague gets a link to choose a password."""
    membership = require_membership(request, Role.JOBCENTRE_MANAGER)
    form = NewStaffForm(request.POST if request.method == "POST" else None)
    new_link = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        email = data["email"].strip().lower()
        try:
            user, token = create_account(
                username=email,
                role=Role(data["role"]),
                organisation={"municipality": membership.municipality},
                email=email,
                first_name=data["first_name"],
                last_name=data["last_name"],
                created_by=request.user,
            )
        except AccountError as error:
            form.add_error("email", str(error))
        else:
            new_link = invitation_link(token)
            messages.success(
                request,
                _("%(name)s is created. Give them the link below; it is shown only now.")
                % {"name": user.get_full_name()},
            )
            form = NewStaffForm()
    context = {
        "organisation": membership.organisation,
        "staff": list(staff.staff_of(request.user)),
        "form": form,
        "new_link": new_link,
        "role_form": StaffRoleForm(),
        "search_form": CitizenSearchForm(),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/jobcentre/staff.html", context, status=status)


@require_role(Role.JOBCENTRE_MANAGER)
@require_POST
def staff_active(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = staff.get_staff_for(request.user, membership_id)
    active = request.POST.get("active") == "1"
    try:
        staff.set_staff_active(manager=request.user, membership=member, active=active)
    except staff.StaffChangeRefused as error:
        messages.error(request, str(error))
    else:
        done = _("%(name)s can log in again.") if active else _("%(name)s can no longer log in.")
        messages.success(request, done % {"name": member.user.get_full_name()})
    return redirect("web:staff_list")


@require_role(Role.JOBCENTRE_MANAGER)
@require_POST
def staff_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = staff.get_staff_for(request.user, membership_id)
    form = StaffRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose caseworker or jobcentre manager."))
        return redirect("web:staff_list")
    try:
        staff.change_staff_role(
            manager=request.user, membership=member, role=Role(form.cleaned_data["role"])
        )
    except staff.StaffChangeRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The role of %(name)s is changed.") % {"name": member.user.get_full_name()}
        )
    return redirect("web:staff_list")


@require_http_methods(["GET", "POST"])
@require_role(Role.JOBCENTRE_MANAGER)
def citizen_search(request: HttpRequest) -> HttpResponse:
    """Find a citizen of the municipality by CPR number (POSTed, never in the address)."""
    membership = require_membership(request, Role.JOBCENTRE_MANAGER)
    form = CitizenSearchForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            number = clean_cpr(form.cleaned_data["cpr"])
        except ValidationError as error:
            form.add_error("cpr", error)
        else:
            person = staff.find_resident(request.user, number, request)
            if person is not None:
                return redirect("web:citizen_edit", person_id=person.pk)
            # The same answer for "lives elsewhere" and "unknown".
            form.add_error(
                "cpr",
                _("No citizen of %(municipality)s has this CPR number in the register.")
                % {"municipality": membership.organisation.name},
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "web/jobcentre/citizen_search.html",
        {"form": form, "organisation": membership.organisation},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@require_role(Role.JOBCENTRE_MANAGER)
def citizen_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Correct a citizen's name, address and home municipality (R-36), logged."""
    person = staff.get_resident_for(request.user, person_id, request)
    form = CitizenForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": person.name,
            "address": person.address,
            "municipality": person.municipality,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        staff.correct_citizen(
            manager=request.user,
            person=person,
            name=data["name"],
            address=data["address"],
            municipality=data["municipality"],
            request=request,
        )
        messages.success(request, _("The citizen's details are corrected."))
        return redirect("web:citizen_search")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "web/jobcentre/citizen_edit.html", {"form": form, "person": person}, status=status
    )
