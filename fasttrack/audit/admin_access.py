"""The administration logs its reads and changes of personal data (R-25).

Operators read persons and cases in the administration, so every admin page
of personal data writes to the same access log as the pages do: a list or
search is a ``search`` (with what was asked, CPR numbers masked), opening an
object is a ``read``, saving and deleting are ``change`` and ``delete``, each
with the person and case concerned, so the citizen sees them too (R-26).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from fasttrack.audit.access import log_access
from fasttrack.audit.models import AccessAction, Purpose


def _follow(obj: Any, path: str | None) -> Any:
    """The object at ``path`` ("absence.person") from ``obj``, or None."""
    if not path:
        return None
    for name in path.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


class AccessLoggedAdminMixin(admin.ModelAdmin[Any]):
    """Put first among the bases of a ModelAdmin whose objects hold personal data.

    ``access_person_path`` and ``access_case_path`` name the person and the
    case of an object as attribute paths ("" for the object itself).
    """

    access_person_path: str | None = None
    access_case_path: str | None = None

    def _log(
        self, request: HttpRequest, action: AccessAction, obj: Any = None, **extra: Any
    ) -> None:
        person = case = None
        if obj is not None:
            person = obj if self.access_person_path == "" else _follow(obj, self.access_person_path)
            case = obj if self.access_case_path == "" else _follow(obj, self.access_case_path)
            extra.setdefault("criterion", f"{self.model._meta.label_lower} #{obj.pk}")
        log_access(
            user=request.user,
            action=action,
            purpose=Purpose.ADMINISTRATION,
            person=person,
            case=case,
            request=request,
            **extra,
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            self._log(request, AccessAction.READ, obj)
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._log(request, AccessAction.CHANGE, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Logged first: the entry would lose its link to a deleted person.
        self._log(request, AccessAction.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._log(request, AccessAction.DELETE, obj)
        super().delete_queryset(request, queryset)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response: HttpResponse = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # Not URL-encoded, so that log_access finds and masks a CPR number
            # however it was typed ("120381 4562" would become "120381+4562").
            asked = ", ".join(f"{key}={value}" for key, value in sorted(request.GET.items()))
            # The model's label, not its name: the log reads alike in every language.
            criterion = self.model._meta.label_lower + (f": {asked}" if asked else "")
            self._log(request, AccessAction.SEARCH, criterion=criterion)
        return response
