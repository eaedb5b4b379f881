from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fasttrack.db import RETRY_AFTER_SECONDS
from fasttrack.people.demo import DEMO_PASSWORD, DEMO_USERS
from fasttrack.people.models import membership_of
from fasttrack.web.forms import LoginForm
from fasttrack.web.start_pages import START_PAGES


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers).

    The check opens a connection of its own rather than reusing this thread's
    (which may be stuck on a database that stopped answering), so it answers
    within DATABASE_CONNECT_TIMEOUT when the database refuses or does not answer.
    """
    probe = connection.copy()
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    finally:
        probe.close()
    return JsonResponse({"status": "ok", "database": "ok"})


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The demo logins help people try the system; never shown in production.
        if settings.DEBUG:
            context.update(demo_users=DEMO_USERS, demo_password=DEMO_PASSWORD)
        return context


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are logged out."))
        return response


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's start page."""
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "web/no_membership.html")
    return redirect(START_PAGES[membership.role].url)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    context = {"access_log_retention_days": settings.ACCESS_LOG_RETENTION_DAYS}
    return render(request, "web/privacy.html", context)
