"""The jobcentre manager's own staff and citizens: one municipality only.

Every read and change goes through these helpers, which look only inside the
manager's municipality: anything else is ``Http404``, as if it did not exist
(R-28). Changes to a citizen are logged in the access log (R-25, R-36).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from fasttrack.audit.access import log_access
from fasttrack.audit.models import AccessAction, Purpose
from fasttrack.people.models import (
    JOBCENTRE_ROLES,
    Membership,
    Municipality,
    Person,
    Role,
    membership_of,
)

STAFF_ROLES = (Role.CASEWORKER, Role.JOBCENTRE_MANAGER)


class StaffChangeRefused(ValueError):
    """A change a manager may not make (for instance to their own account)."""


def _municipality_of(manager: Any) -> Municipality:
    membership = membership_of(manager)
    if membership is None or membership.role != Role.JOBCENTRE_MANAGER:
        raise Http404
    assert membership.municipality is not None
    return membership.municipality


def staff_of(manager: Any) -> QuerySet[Membership]:
    """The jobcentre staff of the manager's municipality, active ones first."""
    return (
        Membership.objects.filter(
            municipality=_municipality_of(manager), role__in=[r.value for r in JOBCENTRE_ROLES]
        )
        .select_related("user")
        .order_by("-user__is_active", "user__first_name", "user__last_name", "user__username")
    )


def get_staff_for(manager: Any, membership_id: int) -> Membership:
    membership = staff_of(manager).filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


def _refuse_own(manager: Any, membership: Membership) -> None:
    if membership.user_id == manager.pk:
        raise StaffChangeRefused(
            _("You cannot change your own account here; ask another jobcentre manager.")
        )


@transaction.atomic
def set_staff_active(*, manager: Any, membership: Membership, active: bool) -> None:
    _refuse_own(manager, membership)
    user = membership.user
    user.is_active = active
    user.save(update_fields=["is_active"])


@transaction.atomic
def change_staff_role(*, manager: Any, membership: Membership, role: Role) -> None:
    if role not in STAFF_ROLES:
        raise StaffChangeRefused(_("Choose caseworker or jobcentre manager."))
    _refuse_own(manager, membership)
    Membership.objects.filter(pk=membership.pk).update(role=role)


def residents_of(manager: Any) -> QuerySet[Person]:
    return Person.objects.filter(municipality=_municipality_of(manager))


def find_resident(manager: Any, cpr: str, request: HttpRequest | None) -> Person | None:
    """A citizen of the manager's municipality by CPR number; the search is logged."""
    person = Person.objects.with_cpr(cpr).filter(municipality=_municipality_of(manager)).first()
    log_access(
        user=manager,
        action=AccessAction.SEARCH,
        purpose=Purpose.ADMINISTRATION,
        person=person,
        criterion=cpr,
        request=request,
    )
    return person


def get_resident_for(manager: Any, person_id: int, request: HttpRequest | None) -> Person:
    """The citizen, when they live in the manager's municipality, else 404; the read is logged."""
    person = residents_of(manager).select_related("municipality").filter(pk=person_id).first()
    if person is None:
        raise Http404
    log_access(
        user=manager,
        action=AccessAction.READ,
        purpose=Purpose.ADMINISTRATION,
        person=person,
        request=request,
    )
    return person


@transaction.atomic
def correct_citizen(
    *,
    manager: Any,
    person: Person,
    name: str,
    address: str,
    municipality: Municipality,
    request: HttpRequest | None,
) -> Person:
    """Correct a citizen's name, address and home municipality (R-36), logged (R-25).

    A citizen who moves to another municipality leaves the manager's
    register; open cases stay with the municipality that runs them.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.name = " ".join(name.split())
    person.address = address.strip()
    person.municipality = municipality
    person.identity_confirmed = True
    person.save(update_fields=["name", "address", "municipality", "identity_confirmed"])
    log_access(
        user=manager,
        action=AccessAction.CHANGE,
        purpose=Purpose.ADMINISTRATION,
        person=person,
        request=request,
    )
    return person
