from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from fasttrack.login.lockout import login_blocked_until


class LoginForm(AuthenticationForm):
    """Django's login form; the lock-out of RULES.md R-25 is the backend's.

    Django's own messages ("Indtast venligst korrekt brugernavn og adgangskode")
    are already translated into Danish, so only the layout and the lock-out
    message are ours.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "blocked": _(
            "Too many failed attempts: the account is blocked until %(time)s. "
            "Try again then, or ask your administrator for help."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            # The backend refused or the password was wrong: either way the
            # attempt is logged as failed. Say so when it has blocked the account.
            username = self.cleaned_data.get("username")
            until = login_blocked_until(username) if username else None
            if until is not None:
                raise forms.ValidationError(
                    self.error_messages["blocked"],
                    code="blocked",
                    params={"time": time_format(timezone.localtime(until), "H:i")},
                ) from None
            raise


class SecondFactorForm(forms.Form):
    """The code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "The 6 digits your authenticator app shows for Fasttrack, "
            "or one of your recovery codes."
        ),
        error_messages={"required": _("Enter the code.")},
    )


class AuthenticatorSetupForm(forms.Form):
    """The first code from a newly set-up authenticator app."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The 6 digits the app shows for Fasttrack once you have added it."),
        error_messages={"required": _("Enter the code.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code is 6 digits."), code="format")
        return code
