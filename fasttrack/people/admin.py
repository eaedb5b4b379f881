"""Operators manage organisations, persons and memberships here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fasttrack.audit.admin_access import AccessLoggedAdminMixin
from fasttrack.people.models import Clinic, Employer, Employment, Membership, Municipality, Person
from fasttrack.people.validators import clean_cpr


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin[Employer]):
    list_display = ["name", "cvr", "city"]
    search_fields = ["name", "cvr"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["code", "name", "jobcentre_name", "digital_post_sender_cvr"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name"]}),
        (
            _("Jobcentre"),
            {
                "fields": [
                    "jobcentre_name",
                    "jobcentre_address",
                    "jobcentre_email",
                    "jobcentre_phone",
                ]
            },
        ),
        (
            _("Digital Post"),
            {
                "fields": ["digital_post_sender_cvr", "digital_post_sender_label"],
                "description": _(
                    "Letters by Digital Post are sent in this sender's name. Leave the CVR "
                    "number empty to use the installation's sender."
                ),
            },
        ),
    ]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin[Clinic]):
    list_display = ["name", "provider_number", "phone"]
    search_fields = ["name", "provider_number"]


class PersonForm(forms.ModelForm[Person]):
    """The CPR number is typed in clear text and stored only encrypted."""

    cpr = forms.CharField(
        label=_("CPR number"),
        required=False,
        help_text=_("Leave empty to keep the current number. Stored encrypted."),
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "email",
            "phone",
            "address",
            "municipality",
            "clinic",
            "preferred_language",
        ]

    def clean_cpr(self) -> str:
        value: str = self.cleaned_data.get("cpr", "")
        if not value:
            if self.instance.pk is None:
                raise forms.ValidationError(_("Enter a CPR number."))
            return ""
        number = clean_cpr(value)
        duplicate = Person.objects.with_cpr(number).exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(_("A person with this CPR number already exists."))
        return number

    def save(self, commit: bool = True) -> Person:
        number = self.cleaned_data.get("cpr")
        if number:
            self.instance.cpr = number
        return super().save(commit=commit)


@admin.register(Person)
class PersonAdmin(AccessLoggedAdminMixin, admin.ModelAdmin[Person]):
    access_person_path = ""
    form = PersonForm
    list_display = ["name", "cpr_masked", "municipality", "clinic"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    readonly_fields = ["cpr_masked"]

    def get_search_results(
        self, request: HttpRequest, queryset: Any, search_term: str
    ) -> tuple[Any, bool]:
        # A CPR number can only be found through its keyed hash.
        digits = search_term.replace("-", "").strip()
        if digits.isdigit() and len(digits) == 10:
            return queryset.with_cpr(digits), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Employment)
class EmploymentAdmin(AccessLoggedAdminMixin, admin.ModelAdmin[Employment]):
    access_person_path = "person"
    list_display = ["person", "employer", "job_title"]
    autocomplete_fields = ["person", "employer"]


@admin.register(Membership)
class MembershipAdmin(AccessLoggedAdminMixin, admin.ModelAdmin[Membership]):
    access_person_path = "person"
    list_display = ["user", "role", "organisation_name"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["employer", "municipality", "clinic", "person"]
