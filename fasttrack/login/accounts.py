"""Accounts for every party: a user with a role in one organisation, and a
single-use link to choose the password (``AccountInvitation``).

``fasttrack add_user`` makes accounts for any party; HR invites a nearest
manager; the jobcentre manager creates their own staff. All of them call
``create_account`` and ``invitation_link``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fasttrack.cases.letters import absolute_url
from fasttrack.login.models import AccountInvitation
from fasttrack.people.models import (
    ROLE_ORGANISATION_FIELD,
    Clinic,
    Employer,
    Membership,
    Municipality,
    Person,
    Role,
)
from fasttrack.people.validators import clean_cpr


class AccountError(ValueError):
    """Why an account cannot be made, in words for the person making it."""


def organisation_for(role: Role, organisation: str, person_cpr: str | None) -> dict[str, Any]:
    """The membership's organisation field for ``role``, found by its public number."""
    field = ROLE_ORGANISATION_FIELD[role]
    if field == "person":
        if not person_cpr:
            raise AccountError(_("An employee's account needs --person with the CPR number."))
        person = Person.objects.with_cpr(clean_cpr(person_cpr)).first()
        if person is None:
            raise AccountError(_("No person with this CPR number is registered."))
        return {"person": person}
    if field == "employer":
        employer = Employer.objects.filter(cvr=organisation).first()
        if employer is None:
            raise AccountError(_("No employer with this CVR number is registered."))
        return {"employer": employer}
    if field == "municipality":
        municipality = Municipality.objects.filter(code=organisation).first()
        if municipality is None:
            raise AccountError(_("No municipality has this code."))
        return {"municipality": municipality}
    clinic = Clinic.objects.filter(provider_number=organisation).first()
    if clinic is None:
        raise AccountError(_("No clinic has this clinic number."))
    return {"clinic": clinic}


@transaction.atomic
def create_account(
    *,
    username: str,
    role: Role,
    organisation: dict[str, Any],
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    created_by: Any = None,
) -> tuple[Any, str]:
    """A new user without a password, their membership, and an invitation token."""
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise AccountError(_("The username is taken."))
    person = organisation.get("person")
    if person is not None and Membership.objects.filter(person=person).exists():
        raise AccountError(_("This person already has an account."))
    if person is not None and not (first_name or last_name):
        # An employee's pages greet them by name: the register's, as their case shows it.
        first_name, last_name = split_name(person.name)
    user = user_model(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=role, **organisation)
    _invitation, token = AccountInvitation.issue(user, created_by=created_by)
    return user, token


def split_name(name: str) -> tuple[str, str]:
    """A full name as a user's first and last name: the last word is the last name."""
    first, _space, last = " ".join(name.split()).rpartition(" ")
    return first[:150], last[:150]


def invitation_link(token: str) -> str:
    return absolute_url(reverse("web:activate_account", args=[token]))
