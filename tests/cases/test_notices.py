"""Nothing happens unseen: what the jobcentre must act on reaches its caseworker or queue.

Each event that needs the jobcentre (a consent or a decline, a late consent, a
certificate received, a meeting answer that declines or asks for another
time, a deadline about to be missed or missed) is one ``CaseNotice``: the case
is "New" until its caseworker opens it, and the caseworker gets a letter in
the inbox. A case in the queue has nobody to write to; its news is shown to
the jobcentre's inbox as the queue's until someone takes the case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fasttrack.cases import actions, notices
from fasttrack.cases.models import CaseNotice, NoticeKind
from fasttrack.cases.sweep import send_reminders, sweep
from fasttrack.notifications.models import Message
from tests.cases.conftest import EMPLOYEE_ANSWERS, at

D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 6)  # a Friday

CERTIFICATE: dict[str, Any] = {
    "diagnosis": "Albue",
    "work_capacity": "20 timer",
    "considerations": "",
    "expected_return": "",
    "remarks": "",
}


def _kinds(case) -> list[str]:
    return list(CaseNotice.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def _letters_to(user, case) -> list[str]:
    return list(
        Message.objects.filter(case_id=case.pk, recipient_user=user, channel="inbox")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def taken(employer_request, personas):
    """HR's request, taken from the queue by Sofie (sagsbehandler)."""
    case = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    case.refresh_from_db()
    return case


def test_it_tells_the_caseworker_of_the_consent_and_marks_the_case_new(taken, personas):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    assert _kinds(taken) == [NoticeKind.CONSENT_GIVEN]
    assert _letters_to(personas.sagsbehandler, taken) == ["consent_given"]
    letter = Message.objects.get(case_id=taken.pk, recipient_user=personas.sagsbehandler)
    # Her letter says what to do, with a link to the case that works in any inbox.
    assert "Book den første opfølgningssamtale" in letter.body_text
    assert f"http://127.0.0.1:8000/sager/{taken.pk}/" in letter.body_text
    assert notices.unseen_notices(taken).count() == 1


@pytest.mark.parametrize(
    ("answer", "kind"),
    [("decline", NoticeKind.CONSENT_DECLINED), ("late", NoticeKind.CONSENT_LATE)],
)
def test_it_tells_the_caseworker_of_a_decline_and_of_a_late_consent(
    taken, personas, travel, answer, kind
):
    if answer == "decline":
        actions.decline(case=taken, actor=personas.janni)
    else:
        travel(date(2026, 3, 12))  # the consent was due 10 March
        actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    assert _kinds(taken) == [kind]
    assert _letters_to(personas.sagsbehandler, taken) == [kind.value]


def test_it_tells_the_caseworker_that_the_certificate_arrived(taken, personas):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=taken, actor=personas.sagsbehandler)

    actions.record_certificate(case=taken, actor=personas.laege, **CERTIFICATE)

    assert _kinds(taken)[-1] == NoticeKind.CERTIFICATE_RECEIVED
    assert _letters_to(personas.sagsbehandler, taken)[-1] == "certificate_received"


def test_it_tells_the_caseworker_of_an_answer_that_declines_or_asks_for_another_time(
    taken, personas
):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    meeting = actions.book_meeting(
        case=taken,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 3, 12)),
        location="Jobcentret",
    )

    actions.answer_invitation(
        case=taken, actor=personas.janni, meeting=meeting, response="accepted"
    )
    assert NoticeKind.MEETING_RESPONSE not in _kinds(taken)
    actions.answer_invitation(
        case=taken,
        actor=personas.janni,
        meeting=meeting,
        response="new_time_requested",
        reason="Tandlæge",
        suggested_times="Fredag",
    )

    assert _kinds(taken)[-1] == NoticeKind.MEETING_RESPONSE
    letter = Message.objects.filter(
        case_id=taken.pk, recipient_user=personas.sagsbehandler, kind="meeting_response"
    ).get()
    assert "Tandlæge" in letter.body_text
    assert f"/sager/{taken.pk}/moeder/{meeting.pk}/" in letter.body_text


def test_it_tells_nobody_what_the_caseworker_did_herself(taken, personas):
    # She recorded Janni's phoned-in consent: she has seen it.
    actions.accept(
        case=taken, actor=personas.sagsbehandler, answers=EMPLOYEE_ANSWERS, channel="phone"
    )

    assert _kinds(taken) == []
    assert _letters_to(personas.sagsbehandler, taken) == []


def test_it_keeps_the_news_of_a_queued_case_in_the_queue_until_someone_takes_it(
    employer_request, personas
):
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    # Nobody to write to yet: the queue shows it to everyone at the jobcentre.
    assert _kinds(case) == [NoticeKind.CONSENT_GIVEN]
    assert not Message.objects.filter(case_id=case.pk, kind="consent_given").exclude(
        to_employer=True
    )
    for user in (personas.sagsbehandler, personas.jobcenterchef):
        assert [n.case_id for n in notices.queue_notices_for(user)] == [case.pk]
    assert list(notices.queue_notices_for(personas.anden_sagsbehandler)) == []

    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    case.refresh_from_db()

    assert list(notices.queue_notices_for(personas.sagsbehandler)) == []
    # Still new to the one who took it, until she opens it.
    assert notices.unseen_notices(case).count() == 1


def test_it_clears_new_only_when_the_assigned_caseworker_opens_the_case(taken, personas):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    assert notices.mark_seen(taken, personas.jobcenterchef) == 0
    assert notices.unseen_notices(taken).count() == 1
    assert notices.mark_seen(taken, personas.sagsbehandler) == 1

    notice = CaseNotice.objects.get(case=taken)
    assert notice.seen_by == personas.sagsbehandler
    assert notices.unseen_notices(taken).count() == 0


def test_it_tells_the_new_caseworker_when_the_manager_assigns_the_case(employer_request, personas):
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    actions.assign_caseworker(
        case=case, actor=personas.jobcenterchef, caseworker=personas.sagsbehandler
    )

    assert _kinds(case) == [NoticeKind.ASSIGNED]
    assert _letters_to(personas.sagsbehandler, case) == ["case_assigned"]


def test_it_tells_the_caseworker_once_of_a_deadline_about_to_be_missed(taken, personas, travel):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    # The first conversation is due 20 March (a Friday); two banking days before it:
    send_reminders(today=date(2026, 3, 18))
    send_reminders(today=date(2026, 3, 18))

    soon = CaseNotice.objects.filter(case=taken, kind=NoticeKind.DEADLINE_SOON)
    assert [n.key for n in soon] == ["soon:first_followup_conversation:2026-03-20:2"]
    assert _letters_to(personas.sagsbehandler, taken).count("deadline_reminder") == 1


def test_it_says_nothing_of_a_conversation_booked_in_time(taken, personas):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.book_meeting(
        case=taken,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 3, 19)),
        location="Jobcentret",
    )

    send_reminders(today=date(2026, 3, 18))

    assert not CaseNotice.objects.filter(case=taken, kind=NoticeKind.DEADLINE_SOON).exists()


def test_it_tells_the_caseworker_once_of_a_missed_deadline(taken, personas):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    sweep(today=date(2026, 3, 23))
    sweep(today=date(2026, 3, 24))

    missed = CaseNotice.objects.filter(case=taken, kind=NoticeKind.DEADLINE_MISSED)
    assert [n.key for n in missed] == ["missed:first_followup_conversation:2026-03-20"]
    assert _letters_to(personas.sagsbehandler, taken).count("deadline_missed") == 1


def test_it_tells_the_doctor_when_the_booked_conversation_moves_the_certificate_r16(
    taken, personas, travel
):
    actions.accept(case=taken, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    travel(date(2026, 3, 9))
    request = actions.request_certificate(case=taken, actor=personas.sagsbehandler)
    # Due by the first conversation's deadline, 20 March, before 14 days are up.
    assert request.due_on == date(2026, 3, 20)

    meeting = actions.book_meeting(
        case=taken,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 3, 18)),
        location="Jobcentret",
    )
    request.refresh_from_db()
    assert request.due_on == date(2026, 3, 18)
    moved = Message.objects.get(
        case_id=taken.pk, kind="certificate_due_moved", recipient_user=personas.laege
    )
    assert "18. marts 2026" in moved.subject

    # Moved to the day before the 8-day floor, it stops at the floor (17 March).
    actions.rebook_meeting(
        case=taken,
        actor=personas.sagsbehandler,
        meeting=meeting,
        starts_at=at(date(2026, 3, 16)),
        reason="Tidligere",
    )
    request.refresh_from_db()
    assert request.due_on == date(2026, 3, 17)
    # Cancelled, the conversation's deadline caps it again.
    actions.cancel_meeting(case=taken, actor=personas.sagsbehandler, meeting=meeting, reason="x")
    request.refresh_from_db()
    assert request.due_on == date(2026, 3, 20)
    assert Message.objects.filter(kind="certificate_due_moved").count() == 3
