"""The citizen register: who a CPR number is (RULES.md R-36).

One boundary, ``citizen_register().lookup(cpr)``, chosen by the setting
``CITIZEN_REGISTER`` (a dotted path to a class). The embedded default,
``LocalRegister``, answers from the persons Fasttrack holds: those seeded,
imported with ``fasttrack import_citizens`` or confirmed by a caseworker;
never from a name an employer typed. A production register (the CPR register
through the public service platform, ``docs/operations.md``) is another class
with the same ``lookup``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from fasttrack.people.models import Clinic, Municipality, Person


@dataclass(frozen=True)
class RegisterEntry:
    """What the register says about one CPR number."""

    cpr: str
    name: str
    municipality_code: str
    address: str = ""
    # The own doctor's clinic number (ydernummer), where the register knows it.
    clinic_number: str = ""


class CitizenRegister(Protocol):
    def lookup(self, cpr: str) -> RegisterEntry | None:
        """The entry for a clean 10-digit CPR number, or None when unknown."""


class LocalRegister:
    """The persons Fasttrack already holds with a confirmed identity."""

    def lookup(self, cpr: str) -> RegisterEntry | None:
        person = (
            Person.objects.with_cpr(cpr)
            .filter(identity_confirmed=True)
            .select_related("municipality", "clinic")
            .first()
        )
        if person is None:
            return None
        return RegisterEntry(
            cpr=cpr,
            name=person.name,
            municipality_code=person.municipality.code,
            address=person.address,
            clinic_number=person.clinic.provider_number if person.clinic else "",
        )


@cache
def _register_class(path: str) -> type[CitizenRegister]:
    register: type[CitizenRegister] = import_string(path)
    return register


def citizen_register() -> CitizenRegister:
    """The register the installation is configured with (``CITIZEN_REGISTER``)."""
    return _register_class(settings.CITIZEN_REGISTER)()


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def surname_of(name: str) -> str:
    words = name.replace(",", " ").split()
    return _folded(words[-1]) if words else ""


def surname_matches(given: str, registered: str) -> bool:
    """Whether the surname given is the register's (case and accents aside).

    Only the last word is compared: first and middle names are often
    shortened or left out, the surname is what identifies.
    """
    surname = surname_of(given)
    return bool(surname) and surname == surname_of(registered)


def person_from_entry(entry: RegisterEntry) -> Person:
    """The ``Person`` for a register entry: found by CPR number, else created.

    With the local register the person is already there. With an external
    register a new person is made (or an unconfirmed one filled in) from
    what the register says.
    """
    person = Person.objects.with_cpr(entry.cpr).select_related("municipality").first()
    if person is not None and person.identity_confirmed:
        return person
    municipality = Municipality.objects.get(code=entry.municipality_code)
    clinic = (
        Clinic.objects.filter(provider_number=entry.clinic_number).first()
        if entry.clinic_number
        else None
    )
    if person is None:
        person = Person(municipality=municipality)
        person.cpr = entry.cpr
    person.name = entry.name
    person.address = entry.address
    person.municipality = municipality
    person.clinic = clinic or person.clinic
    person.identity_confirmed = True
    person.save()
    return person
