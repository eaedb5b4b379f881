"""Who takes part in which meeting: the pure rules of ``meetings.parties``."""

from __future__ import annotations

import pytest

from fasttrack.cases.errors import DoctorWithoutConsent, PartyNotAtMeeting, UnknownParty
from fasttrack.meetings.models import MeetingKind, Party
from fasttrack.meetings.parties import (
    allowed_parties,
    as_party,
    check_party,
    missing_parties,
    party_for_role,
    required_parties,
)


def test_it_requires_the_employee_and_the_caseworker_at_the_first_conversation():
    assert required_parties("first_conversation") == (Party.EMPLOYEE, Party.CASEWORKER)


def test_it_requires_the_nearest_manager_too_at_the_retention_meeting():
    assert required_parties(MeetingKind.RETENTION_MEETING) == (
        Party.EMPLOYEE,
        Party.NEAREST_MANAGER,
        Party.CASEWORKER,
    )


def test_it_lets_a_companion_come_only_to_the_first_conversation():
    assert Party.COMPANION in allowed_parties("first_conversation")
    with pytest.raises(PartyNotAtMeeting) as refused:
        check_party("retention_meeting", Party.COMPANION, employee_consented=False)
    assert refused.value.params == {"meeting_party": "companion", "kind": "retention_meeting"}


@pytest.mark.parametrize("party", [Party.UNION_REPRESENTATIVE, Party.DOCTOR])
def test_it_keeps_the_union_representative_and_the_doctor_to_the_retention_meeting(party):
    check_party("retention_meeting", party, employee_consented=True)
    with pytest.raises(PartyNotAtMeeting):
        check_party("first_conversation", party, employee_consented=True)


def test_it_admits_the_doctor_only_with_the_employees_consent():
    with pytest.raises(DoctorWithoutConsent):
        check_party("retention_meeting", Party.DOCTOR, employee_consented=False)


def test_it_needs_no_consent_for_anyone_but_the_doctor():
    check_party("retention_meeting", Party.NEAREST_MANAGER, employee_consented=False)


@pytest.mark.parametrize(
    ("role", "kind", "party"),
    [
        ("employee", "first_conversation", Party.EMPLOYEE),
        ("manager", "retention_meeting", Party.NEAREST_MANAGER),
        ("caseworker", "retention_meeting", Party.CASEWORKER),
        ("jobcentre_manager", "first_conversation", Party.CASEWORKER),
        ("doctor", "retention_meeting", Party.DOCTOR),
        ("", "first_conversation", Party.COMPANION),
        ("", "retention_meeting", Party.UNION_REPRESENTATIVE),
    ],
)
def test_it_derives_the_party_from_the_role_for_callers_without_one(role, kind, party):
    assert party_for_role(role, kind) == party


def test_it_names_an_unknown_party():
    with pytest.raises(UnknownParty) as refused:
        as_party("interpreter")
    assert refused.value.params == {"meeting_party": "interpreter"}


def test_it_lists_the_missing_required_parties_in_order():
    assert missing_parties("retention_meeting", {Party.NEAREST_MANAGER}) == [
        Party.EMPLOYEE,
        Party.CASEWORKER,
    ]
    assert missing_parties("first_conversation", {Party.EMPLOYEE, Party.CASEWORKER}) == []
