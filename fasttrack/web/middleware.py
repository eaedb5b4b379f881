from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fasttrack.login.policy import (
    absolute_timeout,
    idle_timeout,
    is_verified,
    needs_second_factor,
)
from fasttrack.login.two_factor import has_second_factor


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Danish unless the user chose English with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which
    would greet a Danish citizen with an English-configured browser in
    English. A Danish public service speaks Danish first, so pages follow
    only the language cookie set by the switcher. API clients are machines
    that ask for a language explicitly, so the API keeps Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


# Pages a user who still owes the second factor may open: the login steps,
# the log-out, the language switch and the pages every visitor may read.
SECOND_FACTOR_OPEN_URLS = frozenset(
    {
        "web:second_factor",
        "web:second_factor_setup",
        "web:logout",
        "web:login",
        "web:activate_account",
        "web:accessibility",
        "web:privacy",
        "web:healthz",
        "set_language",
    }
)
# The API authenticates every request with a token, never with the session.
_SESSIONLESS_PREFIXES = ("/api/", "/static/")


class SecondFactorMiddleware:
    """Jobcentre staff, doctors and operators use nothing before the second factor.

    After the password, such a user is logged in but not yet verified
    (django-otp's ``is_verified``): every page but the login steps sends them
    to give the code, or to set up an authenticator app when they have none.
    Must come after django-otp's ``OTPMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(_SESSIONLESS_PREFIXES):
            return self.get_response(request)
        user = request.user
        if needs_second_factor(user) and not is_verified(user):
            match = _resolve(request.path_info)
            if match is None or match.view_name not in SECOND_FACTOR_OPEN_URLS:
                return redirect_to_second_factor(request, next_url=request.get_full_path())
        return self.get_response(request)


def _resolve(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


def redirect_to_second_factor(request: HttpRequest, *, next_url: str) -> HttpResponse:
    step = "web:second_factor" if has_second_factor(request.user) else "web:second_factor_setup"
    return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': next_url})}")


LOGIN_AT_SESSION_KEY = "fasttrack_login_at"
SEEN_AT_SESSION_KEY = "fasttrack_seen_at"
# Writing the session on every request would cost a write per page; the idle
# clock is kept to the minute.
_SEEN_RESOLUTION_SECONDS = 60


class StaffSessionLimitsMiddleware:
    """Sessions of users with a second factor end after 30 idle minutes or 12 hours.

    Citizens and employers keep ``SESSION_COOKIE_AGE``. The limits are checked
    on the server (the session's own times), not left to the browser's cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(_SESSIONLESS_PREFIXES) or not needs_second_factor(
            request.user
        ):
            return self.get_response(request)
        session = request.session
        now = timezone.now().timestamp()
        started = session.get(LOGIN_AT_SESSION_KEY)
        seen = session.get(SEEN_AT_SESSION_KEY)
        idle = idle_timeout().total_seconds()
        if started is None:
            session[LOGIN_AT_SESSION_KEY] = now
        elif now - started > absolute_timeout().total_seconds() or (
            seen is not None and now - seen > idle
        ):
            logout(request)
            messages.info(request, _("You were logged out because the session had expired."))
            return redirect_to_login(request.get_full_path())
        if seen is None or now - seen >= _SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT_SESSION_KEY] = now
            # The cookie ends with the idle limit too, so a closed laptop does
            # not keep a valid cookie for hours.
            session.set_expiry(int(idle))
        return self.get_response(request)


def start_staff_session_clock(request: HttpRequest) -> None:
    """Start the 12-hour clock at the moment the login is complete."""
    now = timezone.now().timestamp()
    request.session[LOGIN_AT_SESSION_KEY] = now
    request.session[SEEN_AT_SESSION_KEY] = now
