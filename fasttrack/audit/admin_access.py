"""The administration logs its reads and changes of personal data (R-25).

Operators read persons and cases in the administration, so every admin page
of personal data writes to the same access log as the pages do: a list or
search is a ``search`` (with what was asked, CPR numbers masked) plus one
``read`` per object the page shows (one INSERT for the page), opening an
object is a ``read``, saving and deleting are ``change`` and ``delete``, each
with the person and case concerned, so the citizen sees them too (R-26).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse

from fasttrack.audit.access import log_access, log_list_access
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


def _lookup(path: str | None) -> str | None:
    """An attribute path ("absence.person") as a lookup ("absence__person"); "" is the key."""
    if path is None:
        return None
    return path.replace(".", "__") if path else "pk"


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
            context = getattr(response, "context_data", None) or {}
            if "cl" in context:
                self._log_rows_shown(request, list(context["cl"].result_list))
        return response

    def _log_rows_shown(self, request: HttpRequest, rows: list[Any]) -> None:
        """One ``read`` per row the list page shows, with its person and case.

        The ids come from one query over the rows' keys, so a page of a hundred
        rows costs two queries (this and the INSERT), not one per row.
        """
        lookups = {
            "person": _lookup(self.access_person_path),
            "case": _lookup(self.access_case_path),
        }
        wanted = {key: lookup for key, lookup in lookups.items() if lookup is not None}
        if not rows or not wanted:
            return
        values = self.model._default_manager.filter(pk__in=[row.pk for row in rows]).values(
            "pk", **{f"shown_{key}": F(lookup) for key, lookup in wanted.items()}
        )
        by_pk = {value["pk"]: value for value in values}
        shown = [
            (by_pk.get(row.pk, {}).get("shown_person"), by_pk.get(row.pk, {}).get("shown_case"))
            for row in rows
        ]
        log_list_access(
            user=request.user, shown=shown, purpose=Purpose.ADMINISTRATION, request=request
        )
