from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from fasttrack.db import RETRY_AFTER_SECONDS
from fasttrack.login.demo import DEMO_OPERATOR, DEMO_TOTP_KEY_BASE32
from fasttrack.login.policy import SECOND_FACTOR_ROLES, needs_second_factor
from fasttrack.people.demo import DEMO_PASSWORD, DEMO_USERS
from fasttrack.people.models import membership_of, remember_language
from fasttrack.web.forms import LoginForm
from fasttrack.web.middleware import redirect_to_second_factor, start_staff_session_clock
from fasttrack.web.start_pages import START_PAGES

# Where djangosaml2 keeps the NameID of a NemLog-in login.
SAML_SUBJECT_SESSION_KEY = "_saml2_subject_id"


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
    """The password step of every login, the administration's included.

    Users who need a second factor continue to the code (or to setting up an
    authenticator app); ``SecondFactorMiddleware`` holds them there.
    """

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if needs_second_factor(self.request.user):
            start_staff_session_clock(self.request)
            return redirect_to_second_factor(self.request, next_url=self.get_success_url())
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["use_saml"] = settings.USE_SAML
        # The demo logins help people try the system; never shown in production.
        if settings.DEBUG:
            context.update(
                demo_users=DEMO_USERS,
                demo_password=DEMO_PASSWORD,
                demo_second_factor_users=[u for u in DEMO_USERS if u.role in SECOND_FACTOR_ROLES],
                demo_totp_key=DEMO_TOTP_KEY_BASE32,
                demo_operator=DEMO_OPERATOR,
            )
        return context


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        saml_session = getattr(request, "saml_session", None)
        through_nemlogin = bool(
            settings.USE_SAML and saml_session and saml_session.get(SAML_SUBJECT_SESSION_KEY)
        )
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are logged out."))
        if through_nemlogin:
            # Out of Fasttrack first, then out of NemLog-in too (single logout),
            # so that closing the tab halfway leaves no Fasttrack session.
            return redirect("saml2_logout")
        return response


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's start page."""
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "web/no_membership.html")
    return redirect(START_PAGES[membership.role].url)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher, which also remembers a logged-in user's choice.

    The cookie decides the pages; the stored choice decides the letters and
    inbox subjects written to the user later, when no cookie is at hand.
    """
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        remember_language(request.user, language)
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    context = {"access_log_retention_days": settings.ACCESS_LOG_RETENTION_DAYS}
    return render(request, "web/privacy.html", context)
