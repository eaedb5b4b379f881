"""Forms of the jobcentre manager's staff and citizen pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fasttrack.people.models import Municipality, Role

STAFF_ROLE_CHOICES = [
    (Role.CASEWORKER.value, Role.CASEWORKER.label),
    (Role.JOBCENTRE_MANAGER.value, Role.JOBCENTRE_MANAGER.label),
]


class NewStaffForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"), help_text=_("Also the username they log in with.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)


class CitizenSearchForm(forms.Form):
    """Sent by POST: a CPR number never goes in an address (R-29)."""

    cpr = forms.CharField(label=_("The citizen's CPR number"), max_length=11)


class CitizenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    municipality = forms.ModelChoiceField(
        label=_("Home municipality"),
        queryset=Municipality.objects.order_by("name"),
        help_text=_("A citizen who moves leaves your municipality's register."),
    )
