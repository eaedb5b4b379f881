"""Who takes part in which meeting: pure rules, no database (R-19, R-21).

The first follow-up conversation is the jobcentre's talk with the employee,
who may bring a companion. The retention meeting is at the workplace with the
nearest manager; a union representative may come, and the employee's own
doctor only with the employee's consent, since the employer is in the room.
"""

from __future__ import annotations

from fasttrack.cases.errors import DoctorWithoutConsent, PartyNotAtMeeting, UnknownParty
from fasttrack.meetings.models import MeetingKind, Party
from fasttrack.people.models import Role

_REQUIRED: dict[MeetingKind, tuple[Party, ...]] = {
    MeetingKind.FIRST_CONVERSATION: (Party.EMPLOYEE, Party.CASEWORKER),
    MeetingKind.RETENTION_MEETING: (Party.EMPLOYEE, Party.NEAREST_MANAGER, Party.CASEWORKER),
}

_OPTIONAL: dict[MeetingKind, frozenset[Party]] = {
    MeetingKind.FIRST_CONVERSATION: frozenset({Party.COMPANION}),
    MeetingKind.RETENTION_MEETING: frozenset({Party.UNION_REPRESENTATIVE, Party.DOCTOR}),
}

_PARTY_OF_ROLE = {
    Role.EMPLOYEE: Party.EMPLOYEE,
    Role.MANAGER: Party.NEAREST_MANAGER,
    Role.EMPLOYER: Party.NEAREST_MANAGER,
    Role.CASEWORKER: Party.CASEWORKER,
    Role.JOBCENTRE_MANAGER: Party.CASEWORKER,
    Role.DOCTOR: Party.DOCTOR,
}

# Whose tasks reach the employer side in letters: none but its own.
EMPLOYER_PARTIES = frozenset({Party.NEAREST_MANAGER})


def required_parties(kind: MeetingKind | str) -> tuple[Party, ...]:
    """The parties a meeting of ``kind`` cannot be held without, in invitation order."""
    return _REQUIRED[MeetingKind(kind)]


def allowed_parties(kind: MeetingKind | str) -> frozenset[Party]:
    kind = MeetingKind(kind)
    return frozenset(_REQUIRED[kind]) | _OPTIONAL[kind]


def as_party(value: Party | str) -> Party:
    """``value`` as a party, or ``UnknownParty`` for anything else (API input)."""
    if value not in Party.values:
        raise UnknownParty(meeting_party=value)
    return Party(value)


def party_for_role(role: Role | str, kind: MeetingKind | str) -> Party:
    """The party of a participant given only a role, as callers before parties did.

    Someone without a role was a guest: a companion at the conversation, a
    union representative at the workplace.
    """
    if role in Role.values:
        return _PARTY_OF_ROLE[Role(role)]
    if MeetingKind(kind) == MeetingKind.RETENTION_MEETING:
        return Party.UNION_REPRESENTATIVE
    return Party.COMPANION


def check_party(kind: MeetingKind | str, party: Party, *, employee_consented: bool) -> None:
    """Refuse a party the kind of meeting does not have, and the doctor without consent."""
    kind = MeetingKind(kind)
    if party not in allowed_parties(kind):
        raise PartyNotAtMeeting(meeting_party=party.value, kind=kind.value)
    if party == Party.DOCTOR and not employee_consented:
        raise DoctorWithoutConsent()


def missing_parties(kind: MeetingKind | str, present: set[Party]) -> list[Party]:
    """The required parties not in ``present``, in invitation order."""
    return [party for party in required_parties(kind) if party not in present]
