from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form; the template renders it with DKFDS markup.

    Django's own messages ("Indtast venligst korrekt brugernavn og adgangskode")
    are already translated into Danish, so only the layout is ours.
    """
