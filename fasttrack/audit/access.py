"""The access log: who used whose personal data, when and why (RULES.md R-25, R-26).

Reads are logged where the data is fetched (``fasttrack.cases.access``), not in
views, so that no page or endpoint can forget it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from fasttrack.audit.models import AccessAction, AccessLogEntry, Purpose
from fasttrack.lib.cpr import CPR_LIKE
from fasttrack.people.models import Role, membership_of

if TYPE_CHECKING:
    from django.http import HttpRequest

    from fasttrack.cases.models import FastTrackCase
    from fasttrack.people.models import Person

__all__ = [
    "ROLE_PURPOSE",
    "AccessAction",
    "AccessLogEntry",
    "Purpose",
    "access_log_for_person",
    "failed_logins_since",
    "log_access",
    "log_list_access",
    "mask_cpr_numbers",
    "purge_access_log",
    "purpose_label",
    "purpose_of_role",
    "stored_username",
]

# Any CPR-shaped number is masked, valid date or not.
_CPR_LIKE = CPR_LIKE
_CRITERION_MAX = AccessLogEntry._meta.get_field("criterion").max_length or 255
_USERNAME_MAX = AccessLogEntry._meta.get_field("username").max_length or 150
_PURGE_BATCH = 5000


# Why each role reads a case; the employee sees the label in "who has seen my
# data" (R-26).
ROLE_PURPOSE: dict[str, Purpose] = {
    Role.EMPLOYER: Purpose.EMPLOYER_FOLLOWUP,
    Role.MANAGER: Purpose.EMPLOYER_FOLLOWUP,
    Role.EMPLOYEE: Purpose.OWN_DATA,
    Role.DOCTOR: Purpose.MEDICAL_CERTIFICATE,
    Role.CASEWORKER: Purpose.CASE_WORK,
    Role.JOBCENTRE_MANAGER: Purpose.SUPERVISION,
}


def purpose_of_role(role: str | None) -> Purpose:
    """The purpose a user of ``role`` reads a case for; case work when unknown."""
    return ROLE_PURPOSE.get(role or "", Purpose.CASE_WORK)


def mask_cpr_numbers(text: str) -> str:
    """``text`` with every CPR-looking number cut to its date of birth: ``010190-xxxx``."""
    return _CPR_LIKE.sub(r"\1-xxxx", text)


def purpose_label(purpose: str) -> str:
    """The translated label of a purpose key; an unknown key is shown as it is."""
    try:
        return str(Purpose(purpose).label)
    except ValueError:
        return purpose


def log_access(
    *,
    user: Any,
    action: AccessAction | str,
    purpose: str,
    person: Person | None = None,
    case: FastTrackCase | None = None,
    criterion: str = "",
    request: HttpRequest | None = None,
    username: str = "",
) -> AccessLogEntry:
    """Write one access log entry and return it.

    ``user`` may be None or anonymous (a failed login); ``username`` then says
    who was attempted. Role and organisation are copied from the user's
    membership as it is now. ``criterion`` is masked before it is stored, as is
    the username (people type their CPR number into the login form).
    """
    authenticated = bool(getattr(user, "is_authenticated", False))
    membership = membership_of(user) if authenticated else None
    if authenticated and not username:
        username = user.get_username()
    return AccessLogEntry.objects.create(
        at=timezone.now(),
        user=user if authenticated else None,
        username=mask_cpr_numbers(username)[:_USERNAME_MAX],
        role=membership.role if membership else "",
        organisation=membership.organisation_name if membership else "",
        action=AccessAction(action).value,
        person=person,
        case=case,
        criterion=mask_cpr_numbers(criterion)[:_CRITERION_MAX],
        purpose=str(purpose),
        ip=client_ip(request),
    )


def log_list_access(
    *,
    user: Any,
    shown: Iterable[tuple[int | None, int | None]],
    purpose: str,
    request: HttpRequest | None = None,
    action: AccessAction | str = AccessAction.READ,
) -> int:
    """Log a list read: one entry per (person id, case id) shown; how many (R-25).

    A list page or API list shows many persons at once; each is told about it
    (R-26) by its own entry. One INSERT for the whole list, however long, so
    that logging never costs a query per row. Repeated pairs are logged once;
    an empty list logs nothing.
    """
    pairs = list(dict.fromkeys((person, case) for person, case in shown if person or case))
    if not pairs:
        return 0
    authenticated = bool(getattr(user, "is_authenticated", False))
    membership = membership_of(user) if authenticated else None
    common = {
        "at": timezone.now(),
        "user": user if authenticated else None,
        "username": stored_username(user.get_username()) if authenticated else "",
        "role": membership.role if membership else "",
        "organisation": membership.organisation_name if membership else "",
        "action": AccessAction(action).value,
        "purpose": str(purpose),
        "ip": client_ip(request),
    }
    AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(person_id=person, case_id=case, **common) for person, case in pairs],
        batch_size=500,
    )
    return len(pairs)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, as the server saw it.

    Only REMOTE_ADDR: X-Forwarded-For is whatever the client wrote, unless a
    trusted proxy rewrites REMOTE_ADDR (configure that in the proxy or WSGI
    server, not here).
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def access_log_for_person(person: Person, *, include_own: bool = False) -> QuerySet[AccessLogEntry]:
    """What the employee may see about the use of their data, newest first (R-26).

    Pages show ``at``, ``organisation``, ``role``, ``action`` and ``purpose``,
    normally not ``username`` (R-26). The person's own reads are left out
    unless ``include_own``: they are not what the person wants to know.
    """
    entries = AccessLogEntry.objects.filter(person=person)
    if not include_own:
        entries = entries.exclude(user__membership__person=person)
    return entries.order_by("-at", "-id")


def failed_logins_since(username: str, *, since: datetime) -> int:
    """How many failed logins were logged for ``username`` since ``since`` (R-25).

    The username is masked the way ``log_access`` stored it, so a CPR number
    typed as username is counted too. Deciding what the count leads to is the
    login's business, not the log's.
    """
    return AccessLogEntry.objects.filter(
        action=AccessAction.LOGIN_FAILED,
        username=mask_cpr_numbers(username)[:_USERNAME_MAX],
        at__gte=since,
    ).count()


def last_failed_login_at(username: str) -> datetime | None:
    """When the latest failed login for ``username`` was logged, if ever."""
    return (
        AccessLogEntry.objects.filter(
            action=AccessAction.LOGIN_FAILED, username=mask_cpr_numbers(username)[:_USERNAME_MAX]
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def stored_username(username: str) -> str:
    """``username`` as ``log_access`` stores it: CPR-like digits masked, cut to length."""
    return mask_cpr_numbers(username)[:_USERNAME_MAX]


def purge_access_log(*, older_than: datetime) -> int:
    """Delete entries logged before ``older_than``; return how many (R-25 retention).

    Deletes in batches so that a first purge of a large log never holds one
    long lock on the table that every request writes to.
    """
    deleted = 0
    old_entries = AccessLogEntry.objects.filter(at__lt=older_than).order_by("id")
    while batch := list(old_entries.values_list("id", flat=True)[:_PURGE_BATCH]):
        count, _ = AccessLogEntry.objects.filter(id__in=batch).delete()
        deleted += count
    return deleted
