"""Booking with parties, answers, rebooking, cancelling and minutes with tasks."""

from __future__ import annotations

from datetime import date

import pytest

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.errors import (
    CancelReasonRequired,
    DoctorWithoutConsent,
    InvalidTransition,
    MeetingCancelled,
    MeetingHeldNoChange,
    MeetingStarted,
    MeetingStillBooked,
    NothingToRebook,
    NotInvited,
    NotPermitted,
    PartyNotAtMeeting,
    RebookReasonRequired,
    ResponseReasonRequired,
    TaskDescriptionRequired,
    UnknownParty,
)
from fasttrack.cases.states import Action, State, can
from fasttrack.meetings.models import Meeting, MeetingState, MeetingTask, Response
from fasttrack.notifications.models import Message
from tests.meetings.conftest import SUMMER, WINTER, at


def _parties(meeting: Meeting) -> list[tuple[str, str]]:
    return [(p.party, p.user.username if p.user else p.name) for p in meeting.participants.all()]


# --- booking -------------------------------------------------------------------------


def test_it_adds_the_required_parties_from_the_case_when_left_out(book):
    meeting = book("retention_meeting")

    assert _parties(meeting) == [
        ("employee", "janni"),
        ("nearest_manager", "leder"),
        ("caseworker", "sagsbehandler"),
    ]


def test_it_keeps_the_parties_the_caller_named_and_adds_only_the_missing(book, personas):
    meeting = book(
        "first_conversation",
        participants=[
            {"user": personas.janni, "name": "Janni M.", "role": "employee"},
            {"user": None, "name": "Bente", "role": "", "party": "companion"},
        ],
    )

    assert _parties(meeting) == [
        ("employee", "janni"),
        ("caseworker", "sagsbehandler"),
        ("companion", "Bente"),
    ]
    assert meeting.participants.get(party="employee").name == "Janni M."


def test_it_refuses_a_companion_at_the_retention_meeting_and_books_nothing(book):
    with pytest.raises(PartyNotAtMeeting):
        book(participants=[{"user": None, "name": "Bente", "role": "", "party": "companion"}])

    assert not Meeting.objects.exists()


def test_it_refuses_a_union_representative_at_the_first_conversation(book):
    with pytest.raises(PartyNotAtMeeting):
        book(
            "first_conversation",
            participants=[{"name": "Tom", "role": "", "party": "union_representative"}],
        )


def test_it_admits_the_doctor_only_with_the_employees_consent(book, doctor_asked, personas):
    doctor = {"user": personas.laege, "name": "Karen Lund", "role": "doctor", "party": "doctor"}
    with pytest.raises(DoctorWithoutConsent):
        book(participants=[doctor])

    meeting = book(participants=[{**doctor, "employee_consented": True}])

    participant = meeting.participants.get(party="doctor")
    assert (participant.user, participant.employee_consented) == (personas.laege, True)


def test_it_refuses_a_party_it_does_not_know(book):
    with pytest.raises(UnknownParty):
        book(participants=[{"name": "Ali", "role": "", "party": "interpreter"}])


def test_it_starts_a_meeting_at_sequence_0_with_every_answer_pending(book):
    meeting = book()

    assert meeting.sequence == 0
    assert set(meeting.participants.values_list("response", flat=True)) == {"pending"}


# --- answers (RSVP) --------------------------------------------------------------------


def test_it_lets_a_participant_accept_and_change_the_answer_until_the_start(
    book, case, personas, travel
):
    meeting = book()
    travel(date(2026, 3, 10))

    actions.answer_invitation(case=case, actor=personas.janni, meeting=meeting, response="accepted")
    answered = actions.answer_invitation(
        case=case,
        actor=personas.janni,
        meeting=meeting,
        response="new_time_requested",
        reason="Jeg er til kontrol på hospitalet.",
        suggested_times="Mandag formiddag",
    )

    answered.refresh_from_db()
    assert answered.response == Response.NEW_TIME_REQUESTED
    assert answered.response_reason == "Jeg er til kontrol på hospitalet."
    assert answered.suggested_times == "Mandag formiddag"
    assert answered.responded_at == at(date(2026, 3, 10))
    verbs = CaseEvent.objects.filter(case=case, verb="meeting_answered")
    assert [e.new["response"] for e in verbs.order_by("sequence")] == [
        "accepted",
        "new_time_requested",
    ]
    # A reason may be about health: never in the employer's history.
    assert not verbs.filter(visible_to_employer=True).exists()


@pytest.mark.parametrize("response", ["declined", "new_time_requested"])
def test_it_needs_a_reason_to_decline_or_ask_for_another_time(book, case, personas, response):
    meeting = book()

    with pytest.raises(ResponseReasonRequired):
        actions.answer_invitation(
            case=case, actor=personas.janni, meeting=meeting, response=response, reason="  "
        )

    assert meeting.participants.get(party="employee").response == "pending"


def test_it_drops_a_reason_given_with_an_acceptance(book, case, personas):
    meeting = book()

    answered = actions.answer_invitation(
        case=case, actor=personas.leder, meeting=meeting, response="accepted", reason="Fint"
    )

    assert (answered.response, answered.response_reason) == ("accepted", "")


def test_it_refuses_an_answer_once_the_meeting_has_started(book, case, personas, travel):
    meeting = book(day=WINTER, hour=13)
    travel(WINTER)  # 10:00
    actions.answer_invitation(case=case, actor=personas.janni, meeting=meeting, response="accepted")

    travel(date(2026, 3, 21))
    with pytest.raises(MeetingStarted) as refused:
        actions.answer_invitation(
            case=case, actor=personas.janni, meeting=meeting, response="declined", reason="Syg"
        )
    # A conflict with the meeting's state: the API answers 409.
    assert isinstance(refused.value, InvalidTransition)


def test_it_lets_only_participants_answer(book, case, personas):
    meeting = book("first_conversation")

    with pytest.raises(NotInvited):
        actions.answer_invitation(
            case=case, actor=personas.leder, meeting=meeting, response="accepted"
        )


def test_it_lets_the_caseworker_record_the_answer_of_a_participant_without_a_login(
    book, case, personas
):
    meeting = book(participants=[{"name": "Tom Tillid", "party": "union_representative"}])
    guest = meeting.participants.get(party="union_representative")
    janni = meeting.participants.get(party="employee")

    actions.answer_invitation(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        participant=guest,
        response="declined",
        reason="Har kursus den dag.",
    )
    guest.refresh_from_db()
    assert (guest.response, guest.response_reason) == ("declined", "Har kursus den dag.")

    # Someone with a login answers for themself.
    with pytest.raises(NotInvited):
        actions.answer_invitation(
            case=case,
            actor=personas.sagsbehandler,
            meeting=meeting,
            participant=janni,
            response="accepted",
        )
    # Nor may a participant answer for a guest.
    with pytest.raises(NotPermitted):
        actions.answer_invitation(
            case=case, actor=personas.janni, meeting=meeting, participant=guest, response="accepted"
        )


def test_it_tells_the_caseworker_when_someone_declines_but_not_when_they_accept(
    book, case, personas
):
    meeting = book()
    actions.answer_invitation(case=case, actor=personas.leder, meeting=meeting, response="accepted")
    assert not Message.objects.filter(kind="meeting_response").exists()

    actions.answer_invitation(
        case=case,
        actor=personas.janni,
        meeting=meeting,
        response="declined",
        reason="Jeg skal til scanning.",
    )

    letter = Message.objects.get(kind="meeting_response")
    assert letter.recipient_user == personas.sagsbehandler
    assert not letter.to_employer
    assert "Jeg skal til scanning." in letter.body_text


# --- rebooking -------------------------------------------------------------------------


def test_it_rebooks_raises_the_sequence_resets_the_answers_and_records_old_and_new(
    book, case, personas, rebook
):
    meeting = book()
    actions.answer_invitation(case=case, actor=personas.janni, meeting=meeting, response="accepted")

    rebook(
        meeting,
        starts_at=at(SUMMER, 9),
        reason="Lederen er på kursus.",
    )

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (at(SUMMER, 9), 1)
    assert meeting.location == "Nordisk Fabrik A/S, Industrivej 12"
    assert set(meeting.participants.values_list("response", flat=True)) == {"pending"}
    assert not meeting.participants.exclude(responded_at=None).exists()
    event = CaseEvent.objects.get(case=case, verb="meeting_rebooked")
    assert event.old["starts_at"] == at(WINTER, 13).isoformat()
    assert event.new["starts_at"] == at(SUMMER, 9).isoformat()
    assert (event.old["sequence"], event.new["sequence"]) == (0, 1)
    assert event.note == "Lederen er på kursus."
    assert not event.visible_to_employer


def test_it_raises_the_sequence_for_a_new_place_alone(book, case, personas, rebook):
    meeting = book()

    rebook(
        meeting, location="", video_url="https://video.example.dk/m/42", reason="Holdes over video."
    )

    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.location, meeting.starts_at) == (1, "", at(WINTER, 13))


def test_it_refuses_a_rebooking_that_changes_nothing_or_has_no_reason(book, case, personas, rebook):
    meeting = book()

    with pytest.raises(NothingToRebook):
        rebook(
            meeting,
            starts_at=at(WINTER, 13),
            location=meeting.location,
            reason="Ingen ændring",
        )
    with pytest.raises(RebookReasonRequired):
        rebook(
            meeting,
            starts_at=at(SUMMER),
            reason="",
        )

    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_it_lets_only_the_jobcentre_rebook(book, case, personas):
    meeting = book()

    with pytest.raises(NotPermitted):
        actions.rebook_meeting(
            case=case, actor=personas.leder, meeting=meeting, starts_at=at(SUMMER), reason="x"
        )


# --- cancelling ------------------------------------------------------------------------


def test_it_cancels_with_a_reason_and_raises_the_sequence(book, case, personas):
    meeting = book()

    actions.cancel_meeting(
        case=case, actor=personas.sagsbehandler, meeting=meeting, reason="Janni er raskmeldt."
    )

    meeting.refresh_from_db()
    assert (meeting.state, meeting.sequence) == (MeetingState.CANCELLED, 1)
    assert meeting.cancelled_at is not None
    assert CaseEvent.objects.get(case=case, verb="meeting_cancelled").note == "Janni er raskmeldt."


def test_it_needs_a_reason_to_cancel(book, case, personas):
    meeting = book()

    with pytest.raises(CancelReasonRequired):
        actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=meeting, reason="")


def test_it_refuses_to_change_a_cancelled_meeting_as_a_conflict(
    book, case, personas, travel, rebook
):
    meeting = book()
    actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=meeting, reason="x")

    calls = [
        lambda: actions.cancel_meeting(
            case=case, actor=personas.sagsbehandler, meeting=meeting, reason="igen"
        ),
        lambda: rebook(
            meeting,
            starts_at=at(SUMMER),
            reason="igen",
        ),
        lambda: actions.answer_invitation(
            case=case, actor=personas.janni, meeting=meeting, response="accepted"
        ),
        lambda: actions.record_meeting_held(
            case=case, actor=personas.sagsbehandler, meeting=meeting, held_on=WINTER, minutes=""
        ),
    ]
    for call in calls:
        with pytest.raises(MeetingCancelled) as refused:
            call()
        assert isinstance(refused.value, InvalidTransition)
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_it_refuses_to_rebook_or_cancel_a_held_meeting_as_a_conflict(
    book, case, personas, rebook, travel
):
    meeting = book()
    travel(WINTER)
    actions.record_meeting_held(
        case=case, actor=personas.sagsbehandler, meeting=meeting, held_on=WINTER, minutes="OK"
    )

    with pytest.raises(MeetingHeldNoChange):
        actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=meeting, reason="x")
    with pytest.raises(MeetingHeldNoChange):
        rebook(
            meeting,
            starts_at=at(SUMMER),
            reason="x",
        )


def test_it_closes_a_case_only_when_no_meeting_is_booked_r35(book, case, personas, rebook):
    meeting = book()
    with pytest.raises(MeetingStillBooked) as refused:
        actions.close(case=case, actor=personas.sagsbehandler, outcome="back_full_time")
    assert isinstance(refused.value, InvalidTransition)  # 409 in the API
    assert refused.value.params == {"kind": "retention_meeting", "starts_at": at(WINTER, 13)}
    case.refresh_from_db()
    assert case.state == "active"

    actions.cancel_meeting(
        case=case, actor=personas.sagsbehandler, meeting=meeting, reason="Janni er raskmeldt."
    )
    actions.close(case=case, actor=personas.sagsbehandler, outcome="back_full_time")

    case.refresh_from_db()
    assert case.state == "closed"
    with pytest.raises(InvalidTransition):
        rebook(
            meeting,
            starts_at=at(SUMMER),
            reason="x",
        )


# --- minutes with tasks ----------------------------------------------------------------


def test_it_stores_the_tasks_per_party_with_the_minutes(book, case, personas, travel):
    meeting = book()
    travel(WINTER)

    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=WINTER,
        minutes="Plan for delvis raskmelding aftalt.",
        tasks=[
            {"party": "nearest_manager", "description": "Find lettere opgaver", "due_on": SUMMER},
            {"party": "employee", "description": "Tal med egen læge", "due_on": None},
        ],
    )

    assert list(MeetingTask.objects.values_list("party", "description", "due_on")) == [
        ("nearest_manager", "Find lettere opgaver", SUMMER),
        ("employee", "Tal med egen læge", None),
    ]
    assert CaseEvent.objects.get(case=case, verb="meeting_held").new["tasks"] == 2


def test_it_refuses_a_task_without_a_description_and_records_nothing(book, case, personas, travel):
    meeting = book()
    travel(WINTER)

    with pytest.raises(TaskDescriptionRequired):
        actions.record_meeting_held(
            case=case,
            actor=personas.sagsbehandler,
            meeting=meeting,
            held_on=WINTER,
            minutes="x",
            tasks=[{"party": "employee", "description": " ", "due_on": None}],
        )

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.BOOKED
    assert not MeetingTask.objects.exists()


def test_it_books_a_retention_meeting_without_a_nearest_manager_the_case_does_not_know(
    book, case, personas
):
    type(case).objects.filter(pk=case.pk).update(nearest_manager=None)
    case.refresh_from_db()

    meeting = book()

    assert [party for party, _ in _parties(meeting)] == ["employee", "caseworker"]


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (State.AWAITING_CONSENT, set()),
        (State.ACTIVE, {"rebook_meeting", "cancel_meeting", "answer_invitation"}),
        # The normal track still has its first conversation.
        (State.DECLINED, {"rebook_meeting", "cancel_meeting", "answer_invitation"}),
        (State.WITHDRAWN, set()),
        # Only to take a meeting still booked out of everyone's calendar.
        (State.CLOSED, {"cancel_meeting"}),
    ],
)
def test_it_allows_the_meeting_actions_in_the_states_the_table_says(state, allowed):
    meeting_actions = {Action.REBOOK_MEETING, Action.CANCEL_MEETING, Action.ANSWER_INVITATION}
    assert {action.value for action in meeting_actions if can(state, action)} == allowed
