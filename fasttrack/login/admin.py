"""Second factors and NemLog-in links in the administration.

Operators see who has set up what and can delete it (a reset: the user sets
up a new app at the next login, or is linked again at the next NemLog-in
login). Nobody sees or sets a key or a code here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fasttrack.login.models import NemLogInIdentity, RecoveryCodeDevice


class DeleteOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


if admin.site.is_registered(TOTPDevice):
    # django-otp's own page can set keys and show QR codes; this one cannot.
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(DeleteOnlyAdmin):
    list_display = ["user", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]


@admin.register(RecoveryCodeDevice)
class RecoveryCodesAdmin(DeleteOnlyAdmin):
    list_display = ["user", "codes_left", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    fields = ["user", "codes_left", "created_at", "last_used_at"]
    readonly_fields = ["codes_left"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecoveryCodeDevice]:
        return super().get_queryset(request).select_related("user").annotate(left=Count("codes"))

    @admin.display(description=_("codes left"))
    def codes_left(self, obj: Any) -> int:
        return int(getattr(obj, "left", 0))


@admin.register(NemLogInIdentity)
class NemLogInIdentityAdmin(DeleteOnlyAdmin):
    list_display = ["user", "cvr", "linked_at"]
    search_fields = ["user__username", "=cvr"]
    list_select_related = ["user"]
    fields = ["user", "cvr", "issuer", "subject", "linked_at"]
