"""Who takes part in a meeting: from the parties of a case to participants.

A booking names parties ("the employee", "the nearest manager", "a union
representative"), not users; this module finds each party's user in the case
and builds the participant records ``actions.book_meeting`` stores. Pages and
the API share it, so a party means the same person everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.models import FastTrackCase
from fasttrack.medical.models import Certificate
from fasttrack.meetings.models import MeetingKind, MeetingParticipant
from fasttrack.people.models import Clinic, Membership, Role


class MeetingParty(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    NEAREST_MANAGER = "nearest_manager", _("Nearest manager")
    CASEWORKER = "caseworker", _("Caseworker")
    COMPANION = "companion", _("Companion")
    UNION_REPRESENTATIVE = "union_representative", _("Union representative")
    DOCTOR = "doctor", _("Doctor")


# People who come along without a login of their own: only their name is known.
WITHOUT_LOGIN = frozenset({MeetingParty.COMPANION, MeetingParty.UNION_REPRESENTATIVE})

# Who meets when no one is named: the first conversation is the jobcentre's
# talk with the employee; the retention meeting is at the workplace with
# the nearest manager too.
DEFAULT_PARTIES: dict[MeetingKind, tuple[MeetingParty, ...]] = {
    MeetingKind.FIRST_CONVERSATION: (MeetingParty.EMPLOYEE, MeetingParty.CASEWORKER),
    MeetingKind.RETENTION_MEETING: (
        MeetingParty.EMPLOYEE,
        MeetingParty.NEAREST_MANAGER,
        MeetingParty.CASEWORKER,
    ),
}

_PARTY_OF_ROLE = {
    Role.EMPLOYEE: MeetingParty.EMPLOYEE,
    Role.MANAGER: MeetingParty.NEAREST_MANAGER,
    Role.CASEWORKER: MeetingParty.CASEWORKER,
    Role.JOBCENTRE_MANAGER: MeetingParty.CASEWORKER,
    Role.DOCTOR: MeetingParty.DOCTOR,
}
# A participant stored without a party or a role, such as the pages' "other
# participant" (an interpreter, a union representative).
OTHER = "other"

NO_NEAREST_MANAGER = _("The case has no nearest manager. Name the participants yourself.")
NAME_REQUIRED = _("Give the name of a participant without a login.")
DOCTOR_NEEDS_CONSENT = _("The doctor may take part only with the employee's consent.")
NO_DOCTOR = _("The employee has no own doctor registered.")
NAMED_TWICE = _("This party is already named once.")


@dataclass(frozen=True)
class Invitee:
    """A party named in a booking; ``name`` only counts for people without a login."""

    party: MeetingParty
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
    case: FastTrackCase, actor: Any, invitee: Invitee, index: int | None
) -> dict[str, Any]:
    party = invitee.party
    fields = {"party": party.value, "employee_consented": invitee.employee_consented}
    if party in WITHOUT_LOGIN:
        name = invitee.name.strip()
        if not name:
            raise InvalidParticipants([ParticipantError(index, "name", NAME_REQUIRED)])
        return {"user": None, "name": name, "role": "", **fields}
    if party == MeetingParty.EMPLOYEE:
        person = case.absence.person
        return {"user": _employee_user(case), "name": person.name, "role": Role.EMPLOYEE, **fields}
    if party == MeetingParty.NEAREST_MANAGER:
        manager = case.nearest_manager
        if manager is None:
            raise InvalidParticipants([ParticipantError(index, "party", NO_NEAREST_MANAGER)])
        return {"user": manager, "name": _display_name(manager), "role": Role.MANAGER, **fields}
    if party == MeetingParty.CASEWORKER:
        return {"user": actor, "name": _display_name(actor), "role": Role.CASEWORKER, **fields}
    # The doctor: health data may reach the meeting only with the employee's say-so.
    if not invitee.employee_consented:
        problem = ParticipantError(index, "employee_consented", DOCTOR_NEEDS_CONSENT)
        raise InvalidParticipants([problem])
    clinic = case.absence.person.clinic
    if clinic is None:
        raise InvalidParticipants([ParticipantError(index, "party", NO_DOCTOR)])
    doctor = _doctor_user(case, clinic)
    name = _display_name(doctor) if doctor is not None else clinic.name
    return {"user": doctor, "name": name, "role": Role.DOCTOR, **fields}


def resolve_participants(
    case: FastTrackCase, actor: Any, kind: MeetingKind, invitees: Sequence[Invitee] | None
) -> list[dict[str, Any]]:
    """The participant records for ``actions.book_meeting``, or ``InvalidParticipants``
    naming every invitee that cannot take part.

    ``invitees`` None means the kind's usual parties (``DEFAULT_PARTIES``), and
    an error about them has no index; the caseworker is ``actor``, who books.
    """
    if invitees is None:
        return [_participant(case, actor, Invitee(party), None) for party in DEFAULT_PARTIES[kind]]
    participants: list[dict[str, Any]] = []
    errors: list[ParticipantError] = []
    named: set[MeetingParty] = set()
    for index, invitee in enumerate(invitees):
        if invitee.party in named and invitee.party not in WITHOUT_LOGIN:
            errors.append(ParticipantError(index, "party", NAMED_TWICE))
            continue
        named.add(invitee.party)
        try:
            participants.append(_participant(case, actor, invitee, index))
        except InvalidParticipants as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidParticipants(errors)
    return participants


def party_of(participant: MeetingParticipant) -> str:
    """The party a stored participant came as: stored with the participant
    where the model keeps it, else told by the role; ``OTHER`` for someone
    added by name only."""
    stored = getattr(participant, "party", "")
    if stored:
        return str(stored)
    role = Role(participant.role) if participant.role else None
    return _PARTY_OF_ROLE[role].value if role is not None else OTHER
