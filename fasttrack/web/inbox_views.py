"""The in-app inbox: every party's letters from the outbox, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fasttrack.cases.access import log_cases_shown
from fasttrack.cases.notices import queue_notices_for
from fasttrack.notifications.models import InboxItem
from fasttrack.notifications.outbox import mark_inbox_item_read
from fasttrack.people.models import JOBCENTRE_ROLES, Role, membership_of
from fasttrack.web.access import require_role
from fasttrack.web.templatetags.inbox_tags import forget_unread_inbox_count

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAGE_SIZE = 25


@require_role(*Role)
def inbox(request: HttpRequest) -> HttpResponse:
    items = InboxItem.objects.filter(user=cast("User", request.user)).only(
        "subject", "created_at", "read_at", "case_id"
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("side"))
    membership = membership_of(request.user)
    # The queue's news reaches everyone at the jobcentre until someone takes the case.
    queue = (
        list(queue_notices_for(request.user)[:PAGE_SIZE])
        if membership is not None and membership.role in JOBCENTRE_ROLES
        else []
    )
    # Letters name the person their case is about: each case shown is logged.
    shown = [item.case_id for item in page.object_list if item.case_id]
    shown += [notice.case_id for notice in queue]
    log_cases_shown(request.user, dict.fromkeys(shown), request=request)
    return render(request, "web/inbox/list.html", {"page_obj": page, "queue": queue})


@require_role(*Role)
def inbox_item(request: HttpRequest, item_id: int) -> HttpResponse:
    # Someone else's item answers 404, like any page a user may not see.
    item = get_object_or_404(InboxItem, pk=item_id, user_id=request.user.pk)
    if item.case_id:
        # The letter is about the person of its case.
        log_cases_shown(request.user, [item.case_id], request=request)
    if item.read_at is None:
        mark_inbox_item_read(item.pk)
        item.refresh_from_db(fields=["read_at"])
        forget_unread_inbox_count(request)
    return render(request, "web/inbox/item.html", {"item": item})
