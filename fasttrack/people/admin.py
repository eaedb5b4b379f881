"""Operators manage organisations, persons and memberships here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from fasttrack.audit.access import log_access
from fasttrack.audit.admin_access import AccessLoggedAdminMixin
from fasttrack.audit.models import AccessAction, Purpose
from fasttrack.lib.cpr import looks_like_cpr
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


class FindByCprForm(forms.Form):
    cpr = forms.CharField(
        label=_("CPR number"),
        max_length=20,
        help_text=_("10 digits, with or without a hyphen after the sixth."),
    )

    def clean_cpr(self) -> str:
        return clean_cpr(self.cleaned_data["cpr"])


@admin.register(Person)
class PersonAdmin(AccessLoggedAdminMixin, admin.ModelAdmin[Person]):
    """Persons are searched by name in the list; a CPR number only through
    "Find by CPR number", which takes the number by POST so that it never
    reaches an address, a server's access log or the browser's history (R-29)."""

    access_person_path = ""
    form = PersonForm
    list_display = ["name", "cpr_masked", "municipality", "clinic"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    search_help_text = _("Search by name. To find a CPR number, use “Find by CPR number”.")
    readonly_fields = ["cpr_masked"]

    def get_urls(self) -> list[URLPattern]:
        find = path(
            "cpr/",
            self.admin_site.admin_view(self.find_by_cpr_view),
            name="people_person_find_by_cpr",
        )
        return [find, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # A CPR number typed into the list's search box arrives in the address
        # (GET): it is not searched, and the page is asked for again without it.
        if looks_like_cpr(request.GET.get("q", "")):
            messages.error(
                request,
                _("CPR numbers are not searched here. Use “Find by CPR number”."),
            )
            kept = request.GET.copy()
            kept.pop("q")
            query = f"?{kept.urlencode()}" if kept else ""
            return HttpResponseRedirect(request.path + query)
        return super().changelist_view(request, extra_context)

    def get_search_results(
        self, request: HttpRequest, queryset: Any, search_term: str
    ) -> tuple[Any, bool]:
        # Also the autocomplete of other admin pages, which asks by GET: a CPR
        # number finds nobody there (it is a name search).
        if looks_like_cpr(search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def find_by_cpr_view(self, request: HttpRequest) -> HttpResponse:
        form = FindByCprForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            number = form.cleaned_data["cpr"]
            person = Person.objects.with_cpr(number).first()
            log_access(
                user=request.user,
                action=AccessAction.SEARCH,
                purpose=Purpose.ADMINISTRATION,
                person=person,
                criterion=f"people.person: cpr={number}",
                request=request,
            )
            if person is not None:
                info = (self.opts.app_label, self.opts.model_name)
                return HttpResponseRedirect(
                    reverse("admin:{}_{}_change".format(*info), args=[person.pk])
                )
            form.add_error("cpr", _("No person has this CPR number."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Find by CPR number"),
            "form": form,
        }
        return TemplateResponse(request, "admin/people/person/find_by_cpr.html", context)


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
