"""The second step of the login for staff, doctors and operators: the code.

After the password (``views.LoginView``) such a user gives a code from their
authenticator app, or, the first time, sets one up: scan the QR code (or type
the key), confirm with a code, and keep the recovery codes shown once.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from fasttrack.login.lockout import login_blocked_until
from fasttrack.login.models import RecoveryCodeDevice
from fasttrack.login.policy import is_verified, needs_second_factor
from fasttrack.login.two_factor import (
    RECOVERY_CODE_COUNT,
    complete_second_factor,
    confirm_authenticator,
    has_second_factor,
    manual_key,
    pending_authenticator,
    recovery_codes_left,
    report_failed_code,
    second_factor_throttled,
    verify_second_factor,
)
from fasttrack.web.forms import AuthenticatorSetupForm, SecondFactorForm
from fasttrack.web.middleware import start_staff_session_clock

# django-otp makes each try after a wrong code wait longer (1, 2, 4 ... seconds);
# a try within the wait is not checked, so it is not counted as a failure either.
WAIT_MESSAGE = gettext_lazy("A wrong code was given just now: wait a moment and try again.")


def safe_next(request: HttpRequest) -> str:
    """Where to go once the login is complete: a local ``next``, else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("web:start")


def _step_url(name: str, next_url: str) -> str:
    return f"{resolve_url(name)}?{urlencode({'next': next_url})}"


@never_cache
@sensitive_post_parameters("code")
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the authenticator app (or a recovery code)."""
    if not request.user.is_authenticated:
        return redirect_to_login(safe_next(request))
    user = request.user
    if not needs_second_factor(user) or is_verified(user):
        return HttpResponseRedirect(safe_next(request))
    if not has_second_factor(user):
        return HttpResponseRedirect(_step_url("web:second_factor_setup", safe_next(request)))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_throttled(user):
            form.add_error("code", WAIT_MESSAGE)
        elif (device := verify_second_factor(user, form.cleaned_data["code"])) is not None:
            return _complete(request, device)
        else:
            form.add_error("code", _("The code is not right. Check that it is the newest one."))
            if (blocked := _report_failure(request)) is not None:
                return blocked
    context = {"form": form, "next": safe_next(request)}
    return render(request, "web/login/second_factor.html", context)


def _complete(request: HttpRequest, device: Device) -> HttpResponse:
    complete_second_factor(request, device)
    start_staff_session_clock(request)
    if isinstance(device, RecoveryCodeDevice):
        left = recovery_codes_left(request.user)
        messages.warning(
            request,
            ngettext(
                "You logged in with a recovery code; %(left)d is left. Set up your "
                "authenticator app again, or ask your administrator to reset it.",
                "You logged in with a recovery code; %(left)d are left. Set up your "
                "authenticator app again, or ask your administrator to reset it.",
                left,
            )
            % {"left": left},
        )
        return HttpResponseRedirect(_step_url("web:second_factor_setup", safe_next(request)))
    return HttpResponseRedirect(safe_next(request))


def _report_failure(request: HttpRequest) -> HttpResponse | None:
    """Log a wrong code as a failed login; log out and say so when it blocks the account."""
    report_failed_code(request, request.user)
    until = login_blocked_until(request.user.get_username())
    return _blocked(request, until) if until is not None else None


def _blocked(request: HttpRequest, until: datetime) -> HttpResponse:
    logout(request)
    messages.error(
        request,
        _(
            "Too many failed attempts: the account is blocked until %(time)s. "
            "Try again then, or ask your administrator for help."
        )
        % {"time": time_format(timezone.localtime(until), "H:i")},
    )
    return redirect_to_login(resolve_url("web:start"))


@never_cache
@sensitive_post_parameters("code")
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the first time, or again once verified."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    verified = is_verified(user)
    if not needs_second_factor(user):
        return HttpResponseRedirect(safe_next(request))
    if not verified and has_second_factor(user):
        # Whoever knows the password must not replace the app: that takes the
        # second factor itself (or an operator's reset).
        return HttpResponseRedirect(_step_url("web:second_factor", safe_next(request)))
    device = pending_authenticator(user)
    form = AuthenticatorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", WAIT_MESSAGE)
        elif (codes := confirm_authenticator(user, device, form.cleaned_data["code"])) is not None:
            return _show_recovery_codes(request, device, codes)
        else:
            form.add_error("code", _("The code is not right. Check the time on your phone."))
            if (blocked := _report_failure(request)) is not None:
                return blocked
    context = {
        "form": form,
        "next": safe_next(request),
        "qr_code": _qr_svg(device),
        "manual_key": manual_key(device),
        "replacing": verified,
    }
    return render(request, "web/login/setup.html", context)


def _show_recovery_codes(
    request: HttpRequest, device: TOTPDevice, codes: list[str]
) -> HttpResponse:
    """The recovery codes, in this answer only: they are stored only as hashes."""
    if not is_verified(request.user):
        complete_second_factor(request, device)
        start_staff_session_clock(request)
    context = {"codes": codes, "count": RECOVERY_CODE_COUNT, "next": safe_next(request)}
    return render(request, "web/login/recovery_codes.html", context)


def _qr_svg(device: TOTPDevice) -> SafeString:
    """The set-up address as an inline SVG QR code (no image request, no script)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    # segno writes the SVG from the otpauth address alone; nothing in it is user text.
    return mark_safe(svg)  # noqa: S308
