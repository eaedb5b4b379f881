from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from fasttrack.login.backends import UNREAD_INBOX_COUNT
from fasttrack.notifications.models import InboxItem

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_inbox_count(context: dict[str, Any]) -> int:
    """How many of the logged-in user's inbox items are unread, for the header link.

    Counted once per request: the header shows the link more than once (wide and
    narrow screens).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    counted: int | None = getattr(request, _COUNTED, None)
    if counted is None:
        # The session's user was read with the count (login.backends), unless
        # the page changed it since.
        counted = getattr(user, UNREAD_INBOX_COUNT, None)
    if counted is None:
        counted = InboxItem.objects.filter(user=user, read_at__isnull=True).count()
    setattr(request, _COUNTED, counted)
    return counted


def forget_unread_inbox_count(request: HttpRequest) -> None:
    """The page read or wrote the user's inbox: the header counts again."""
    setattr(request, _COUNTED, None)
    user = getattr(request, "user", None)
    if user is not None and hasattr(user, UNREAD_INBOX_COUNT):
        delattr(user, UNREAD_INBOX_COUNT)


_COUNTED = "_fasttrack_unread_inbox_count"
