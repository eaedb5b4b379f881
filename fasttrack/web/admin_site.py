"""The administration: for the installation's operators only.

Operators are active superusers who have given their second factor. Anyone
else who is logged in gets 404 on every administration address, as if there
were none: a jobcentre manager learns neither that it exists nor which models
it holds (they manage their own staff on Fasttrack's own pages). Visitors who
are not logged in are sent to the one login page, with its lock-out and
second factor; the administration has no login of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fasttrack.login.policy import is_operator, is_verified

View = TypeVar("View", bound=Callable[..., Any])


def refuse_non_operators(request: HttpRequest) -> None:
    if request.user.is_authenticated and not is_operator(request.user):
        raise Http404


class OperatorAdminSite(admin.AdminSite):
    site_header = _("Fasttrack administration")
    site_title = _("Fasttrack administration")
    index_title = _("Operation of Fasttrack")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user) and is_verified(request.user)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        inner = super().admin_view(view, cacheable)

        def operators_only(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            refuse_non_operators(request)
            return inner(request, *args, **kwargs)

        return cast(View, update_wrapper(operators_only, inner))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        refuse_non_operators(request)
        index = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return HttpResponseRedirect(index)
        if request.method != "POST":
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
            return redirect_to_login(next_url)
        # A password posted here meets the same form, backend and lock-out as
        # on the login page, so a guess counts alike wherever it is made.
        from fasttrack.web.views import LoginView

        response = LoginView.as_view(next_page="admin:index")(request)
        return cast(HttpResponse, response)
