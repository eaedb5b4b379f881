"""The password backend: Django's, behind the lock-out (RULES.md R-25).

Every password login goes through ``django.contrib.auth.authenticate``, and so
through this backend, whichever page calls it: the login page, the
administration's login, or any later one. A blocked account is refused before
the password is checked, so a blocked attacker learns nothing from a guess.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from fasttrack.login.lockout import refuse_if_blocked
from fasttrack.notifications.models import InboxItem

# The number of the user's unread inbox items, read with the user (the header's link).
UNREAD_INBOX_COUNT = "unread_inbox_count"


def _unread_inbox_count() -> Coalesce:
    unread = (
        InboxItem.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread), 0)


class MembershipWithUser:
    """Reads the signed-in user with their membership and its organisation in one
    query: every page needs them (the role, the access log's organisation), and
    the header the number of unread inbox items."""

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = (
                user_model._default_manager.select_related(
                    "membership__employer",
                    "membership__municipality",
                    "membership__clinic",
                    "membership__person",
                )
                .annotate(**{UNREAD_INBOX_COUNT: _unread_inbox_count()})
                .get(pk=user_id)
            )
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class PasswordBackend(MembershipWithUser, ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username:
            # Raises LoginBlocked (a PermissionDenied): Django's authenticate()
            # stops there and reports the attempt as a failed login.
            refuse_if_blocked(username)
        return super().authenticate(request, username=username, password=password, **kwargs)
