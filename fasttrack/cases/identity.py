"""Who an employer's request is about, without a lookup oracle (RULES.md R-36).

An employer names its employee by CPR number. When the number belongs to
someone already its employee, that is the person. Otherwise the request must
carry the employee's name and home municipality, and the citizen register
decides: where it knows the number and the surname matches, the identity is
confirmed and the employment made; where it does not know the number, or the
surname differs, the case waits as "identity to confirm" for a caseworker.

Every branch returns the same kind of answer to the employer (the case with
the name and municipality it gave), so it never learns whether, or to whom, a
number belongs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.batch import log_cpr_search
from fasttrack.people.models import Employer, Municipality, Person
from fasttrack.people.register import citizen_register, person_from_entry, surname_matches

NAME_REQUIRED = _("Give the employee's name: they are not yet registered as your employee.")
MUNICIPALITY_REQUIRED = _(
    "Give the employee's home municipality: they are not yet registered as your employee."
)
UNKNOWN_MUNICIPALITY = _("There is no municipality with this code. Use the 3-digit code, e.g. 101.")


class EmployeeDetailsInvalid(Exception):
    """The name or home municipality a request for a non-employee needs is missing or wrong."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RequestedEmployee:
    """The person a request is about, and what the request said about them."""

    person: Person
    # False: a caseworker must confirm who the employee is before any letter.
    identity_confirmed: bool = True
    # What the employer gave for someone not yet its employee; empty for an employee.
    name_given: str = ""
    municipality_given: Municipality | None = None

    @property
    def is_new_employee(self) -> bool:
        return bool(self.name_given)


def municipality_by_code(code: str | None) -> Municipality | None:
    code = (code or "").strip()
    if not code:
        return None
    return Municipality.objects.filter(code=code).first()


def employee_for_request(
    *,
    actor: Any,
    employer: Employer,
    cpr: str,
    name: str | None,
    municipality_code: str | None,
    request: HttpRequest | None = None,
) -> RequestedEmployee:
    """The employee an employer's request is about (R-36); the search is logged (R-25).

    Raises ``EmployeeDetailsInvalid`` naming ``employee_name`` and
    ``employee_municipality_code`` when a non-employee's are missing: the same
    for a number the register knows and one it does not.
    """
    employee = Person.objects.employee_of(employer, cpr=cpr)
    if employee is not None:
        log_cpr_search(actor, employee, cpr, request)
        return RequestedEmployee(person=employee)
    name = " ".join((name or "").split())
    municipality = municipality_by_code(municipality_code)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["employee_name"] = [str(NAME_REQUIRED)]
    if not (municipality_code or "").strip():
        errors["employee_municipality_code"] = [str(MUNICIPALITY_REQUIRED)]
    elif municipality is None:
        errors["employee_municipality_code"] = [str(UNKNOWN_MUNICIPALITY)]
    if errors:
        log_cpr_search(actor, None, cpr, request)
        raise EmployeeDetailsInvalid(errors)
    assert municipality is not None
    entry = citizen_register().lookup(cpr)
    if entry is not None:
        person = person_from_entry(entry)
        confirmed = surname_matches(name, entry.name)
    else:
        person = _unconfirmed_person(cpr, name, municipality)
        confirmed = False
    log_cpr_search(actor, person, cpr, request)
    return RequestedEmployee(
        person=person,
        identity_confirmed=confirmed,
        name_given=name,
        municipality_given=municipality,
    )


def _unconfirmed_person(cpr: str, name: str, municipality: Municipality) -> Person:
    """A person known only from a request; not in the register until confirmed.

    A second request for the same unknown number finds the same person, and
    leaves the name and municipality the first request gave.
    """
    person = Person.objects.with_cpr(cpr).first()
    if person is None:
        person = Person(name=name, municipality=municipality, identity_confirmed=False)
        person.cpr = cpr
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            # Another request for the same number made the person meanwhile.
            person = Person.objects.with_cpr(cpr).get()
    return person
