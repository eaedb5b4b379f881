"""From the parties a booking names to the people who are invited.

A booking through the API names parties ("the employee", "a union
representative"), not users. This module finds each party's person in the
case and builds the participant records ``actions.book_meeting`` stores, and
reports every invitee that cannot come at once, each at its own place in the
request. Which party may come to which meeting is ``meetings.parties``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.errors import (
    DoctorNotAskedForCertificate,
    DoctorWithoutConsent,
    RuleViolation,
    localized_message,
)
from fasttrack.cases.models import FastTrackCase
from fasttrack.medical.models import Certificate
from fasttrack.meetings.access import doctor_may_be_invited
from fasttrack.meetings.models import MeetingKind, Party
from fasttrack.meetings.parties import check_party, required_parties
from fasttrack.people.models import Clinic, Membership, Role

# People who come along without a login of their own: only their name is known.
WITHOUT_LOGIN = frozenset({Party.COMPANION, Party.UNION_REPRESENTATIVE})

NO_NEAREST_MANAGER = _("The case has no nearest manager. Name the participants yourself.")
NAME_REQUIRED = _("Give the name of a participant without a login.")
NO_DOCTOR = _("The employee has no own doctor registered.")
NAMED_TWICE = _("This party is already named once.")


@dataclass(frozen=True)
class Invitee:
    """A party named in a booking; ``name`` only counts for people without a login."""

    party: Party
    name: str = ""
    employee_consented: bool = False


@dataclass(frozen=True)
class ParticipantError:
    """What is wrong with the invitee at ``index`` (None: with the list as a whole)."""

    index: int | None
    field: str
    message: str | Promise


class InvalidParticipants(Exception):
    def __init__(self, errors: Sequence[ParticipantError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e.message) for e in self.errors))


def _display_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _employee_user(case: FastTrackCase) -> Any:
    # The reverse one-to-one raises a subclass of AttributeError when empty.
    membership = getattr(case.absence.person, "membership", None)
    return membership.user if membership is not None else None


def _doctor_user(case: FastTrackCase, clinic: Clinic) -> Any:
    """The doctor who wrote the case's latest certificate, else the first doctor
    with a login at the employee's clinic; None when the clinic has none."""
    certificate = (
        Certificate.objects.filter(request__case=case, request__clinic=clinic)
        .select_related("doctor")
        .order_by("-received_at", "-pk")
        .first()
    )
    if certificate is not None:
        return certificate.doctor
    membership = (
        Membership.objects.filter(role=Role.DOCTOR, clinic=clinic)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _participant(
    case: FastTrackCase, actor: Any, kind: MeetingKind, invitee: Invitee, index: int | None
) -> dict[str, Any]:
    party = invitee.party
    try:
        check_party(kind, party, employee_consented=invitee.employee_consented)
    except RuleViolation as error:
        field = "employee_consented" if isinstance(error, DoctorWithoutConsent) else "party"
        raise InvalidParticipants(
            [ParticipantError(index, field, localized_message(error))]
        ) from error
    fields = {"party": party.value, "employee_consented": invitee.employee_consented}
    if party in WITHOUT_LOGIN:
        name = invitee.name.strip()
        if not name:
            raise InvalidParticipants([ParticipantError(index, "name", NAME_REQUIRED)])
        return {"user": None, "name": name, "role": "", **fields}
    if party == Party.EMPLOYEE:
        person = case.absence.person
        return {"user": _employee_user(case), "name": person.name, "role": Role.EMPLOYEE, **fields}
    if party == Party.NEAREST_MANAGER:
        manager = case.nearest_manager
        if manager is None:
            raise InvalidParticipants([ParticipantError(index, "party", NO_NEAREST_MANAGER)])
        return {"user": manager, "name": _display_name(manager), "role": Role.MANAGER, **fields}
    if party == Party.CASEWORKER:
        return {"user": actor, "name": _display_name(actor), "role": Role.CASEWORKER, **fields}
    clinic = case.absence.person.clinic
    if clinic is None:
        raise InvalidParticipants([ParticipantError(index, "party", NO_DOCTOR)])
    doctor = _doctor_user(case, clinic)
    if not doctor_may_be_invited(case, doctor):
        message = localized_message(DoctorNotAskedForCertificate())
        raise InvalidParticipants([ParticipantError(index, "party", message)])
    name = _display_name(doctor) if doctor is not None else clinic.name
    return {"user": doctor, "name": name, "role": Role.DOCTOR, **fields}


def resolve_participants(
    case: FastTrackCase, actor: Any, kind: MeetingKind, invitees: Sequence[Invitee] | None
) -> list[dict[str, Any]]:
    """The participant records for ``actions.book_meeting``, or ``InvalidParticipants``
    naming every invitee that cannot take part.

    ``invitees`` None means the kind's required parties, and an error about
    them has no index; the caseworker is ``actor``, who books.
    """
    if invitees is None:
        return [
            _participant(case, actor, kind, Invitee(party), None)
            for party in required_parties(kind)
        ]
    participants: list[dict[str, Any]] = []
    errors: list[ParticipantError] = []
    named: set[Party] = set()
    for index, invitee in enumerate(invitees):
        if invitee.party in named and invitee.party not in WITHOUT_LOGIN:
            errors.append(ParticipantError(index, "party", NAMED_TWICE))
            continue
        named.add(invitee.party)
        try:
            participants.append(_participant(case, actor, kind, invitee, index))
        except InvalidParticipants as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidParticipants(errors)
    return participants
