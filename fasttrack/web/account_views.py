"""Choosing a password with the single-use link of an invitation (``AccountInvitation``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from fasttrack.login.models import AccountInvitation


@never_cache
def activate_account(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password; the link works once and for 7 days (404 otherwise)."""
    invitation = AccountInvitation.usable(token)
    if invitation is None:
        return render(request, "web/login/invitation_unusable.html", status=404)
    form = SetPasswordForm(invitation.user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            # Under the row lock: two submits of the same link set it once.
            claimed = AccountInvitation.objects.filter(
                pk=invitation.pk, used_at__isnull=True
            ).update(used_at=timezone.now())
            if not claimed:
                return render(request, "web/login/invitation_unusable.html", status=404)
            form.save()
        messages.success(request, _("Your password is set. Log in with it now."))
        return redirect("web:login")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "web/login/activate.html",
        {"form": form, "username": invitation.user.get_username()},
        status=status,
    )
