"""The legal clock: one test group per dated rule (R-03, R-11, R-13, R-16, R-19, R-21, R-23)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fasttrack.lib.rules import (
    REQUESTERS,
    CaseFacts,
    CertificateDueTooLate,
    CertificateDueTooSoon,
    DeadlineKey,
    check_certificate_days,
    closing_days,
    employee_consent,
    employer_sick_absence_conversation,
    first_followup_conversation,
    latest_certificate_day,
    medical_certificate,
    request_window_closes,
    retention_meeting,
    rule_set_by_version,
    schedule,
)

RS = rule_set_by_version("2025-01")
D0 = date(2026, 1, 5)  # a Monday


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_it_closes_the_request_window_on_d0_plus_34_R03() -> None:
    deadline = request_window_closes(RS, D0)
    assert deadline.due == d("2026-02-08")
    assert (deadline.key, deadline.rule_id, deadline.legal) == (
        "request_window_closes",
        "R-03",
        True,
    )
    assert deadline.basis == "sygedagpengeloven § 7 c"
    assert deadline.counts_from == D0


@pytest.mark.parametrize("requested_by", ["employee", "caseworker"])
def test_it_cites_7_e_for_the_employees_own_request_R03(requested_by: str) -> None:
    """The same last day, but the employee's own request rests on § 7 e, also when a
    caseworker registers it for the employee."""
    deadline = request_window_closes(RS, D0, requested_by)  # type: ignore[arg-type]
    assert deadline.due == d("2026-02-08")
    assert (deadline.rule_id, deadline.basis) == (
        "R-03",
        "sygedagpengeloven § 7 e; jobcentrets praksis",
    )


def test_it_cites_7_e_in_the_schedule_of_an_employees_request_R03() -> None:
    facts = employer_case(requested_by="employee", consent_letter_sent_on=None)
    window = schedule(RS, facts)[DeadlineKey.REQUEST_WINDOW_CLOSES]
    assert window.basis == "sygedagpengeloven § 7 e; jobcentrets praksis"
    assert schedule(RS, employer_case())[DeadlineKey.REQUEST_WINDOW_CLOSES].basis == (
        "sygedagpengeloven § 7 c"
    )


@pytest.mark.parametrize(
    ("sent_on", "due"),
    [
        # Skærtorsdag, langfredag, the weekend and 2. påskedag are skipped.
        pytest.param("2026-04-01", "2026-04-08", id="wednesday-before-easter"),
        # Kristi himmelfartsdag (14 May) and the banks' Friday after it (15 May).
        pytest.param("2026-05-13", "2026-05-19", id="day-before-ascension"),
        pytest.param("2026-05-12", "2026-05-18", id="two-days-before-ascension"),
        # 24/12 (Thursday, closed), 25/12, 26/12 (Saturday) and Sunday are skipped.
        pytest.param("2026-12-22", "2026-12-28", id="22-december"),
        pytest.param("2026-12-23", "2026-12-29", id="23-december"),
        # 31/12 closed, 1/1 holiday, then the weekend.
        pytest.param("2026-12-30", "2027-01-05", id="across-new-year"),
        pytest.param("2026-03-06", "2026-03-10", id="friday"),
        pytest.param("2026-03-07", "2026-03-10", id="saturday"),
        # Grundlovsdag 2026 is a Friday.
        pytest.param("2026-06-04", "2026-06-09", id="before-grundlovsdag"),
    ],
)
def test_it_gives_the_employee_two_banking_days_to_consent_R11(sent_on: str, due: str) -> None:
    deadline = employee_consent(RS, d(sent_on))
    assert deadline.due == d(due)
    assert (deadline.rule_id, deadline.basis) == ("R-11", "bek. 1710 § 4, stk. 1")
    assert deadline.counts_from == d(sent_on)


def test_it_gives_the_doctor_14_days_by_default_R16() -> None:
    deadline = medical_certificate(RS, d("2026-02-02"))
    assert deadline.due == d("2026-02-16")
    assert (deadline.rule_id, deadline.basis) == ("R-16", "bek. 1710 § 11, stk. 3")


def test_it_accepts_a_shorter_certificate_deadline_down_to_8_days_R16() -> None:
    assert medical_certificate(RS, d("2026-02-02"), due_in_days=8).due == d("2026-02-10")
    assert medical_certificate(RS, d("2026-02-02"), due_in_days=21).due == d("2026-02-23")


def test_it_refuses_a_certificate_deadline_under_8_days_R16() -> None:
    with pytest.raises(CertificateDueTooSoon) as raised:
        medical_certificate(RS, d("2026-02-02"), due_in_days=7)
    assert raised.value.rule_id == "R-16"
    assert raised.value.params == {"due_in_days": 7, "min_days": 8}


@pytest.mark.parametrize(
    ("conversation_on", "due"),
    [
        pytest.param("2026-02-20", "2026-02-16", id="later-conversation-14-days"),
        pytest.param("2026-02-12", "2026-02-12", id="earlier-conversation-caps"),
        pytest.param("2026-02-05", "2026-02-10", id="never-under-8-days"),
        pytest.param("2026-02-10", "2026-02-10", id="conversation-on-day-8"),
    ],
)
def test_it_wants_the_certificate_by_the_first_conversation_R16(
    conversation_on: str, due: str
) -> None:
    """The earlier of sent + 14 days and the conversation, never before sent + 8 days."""
    deadline = medical_certificate(RS, d("2026-02-02"), conversation_on=d(conversation_on))
    assert deadline.due == d(due)
    assert latest_certificate_day(RS, d("2026-02-02"), d(conversation_on)) == d(due)


def test_it_keeps_a_shorter_chosen_time_under_a_later_conversation_R16() -> None:
    deadline = medical_certificate(RS, d("2026-02-02"), 9, conversation_on=d("2026-02-20"))
    assert deadline.due == d("2026-02-11")


def test_it_refuses_a_time_past_the_first_conversation_and_names_the_latest_day_R16() -> None:
    with pytest.raises(CertificateDueTooLate) as raised:
        check_certificate_days(RS, d("2026-02-02"), 12, d("2026-02-12"))
    assert raised.value.rule_id == "R-16"
    assert raised.value.params == {
        "due_in_days": 12,
        "latest_day": d("2026-02-12"),
        "max_days": 10,
    }
    check_certificate_days(RS, d("2026-02-02"), 10, d("2026-02-12"))


def test_it_refuses_more_than_14_days_whatever_the_conversation_R16() -> None:
    with pytest.raises(CertificateDueTooLate) as raised:
        check_certificate_days(RS, d("2026-02-02"), 15, d("2026-03-30"))
    assert raised.value.params["latest_day"] == d("2026-02-16")


def test_it_holds_the_first_conversation_within_14_days_of_the_request_R19() -> None:
    deadline = first_followup_conversation(RS, d("2026-01-30"), D0)
    assert deadline.due == d("2026-02-13")
    assert (deadline.rule_id, deadline.basis) == ("R-19", "sygedagpengeloven § 13 b, stk. 2")
    assert deadline.counts_from == d("2026-01-30")


def test_it_falls_back_to_d0_plus_55_when_the_employee_declines_R13() -> None:
    deadline = first_followup_conversation(RS, d("2026-01-30"), D0, declined=True)
    assert deadline.key == DeadlineKey.FIRST_FOLLOWUP_CONVERSATION
    assert deadline.due == d("2026-03-01")
    assert (deadline.rule_id, deadline.basis) == ("R-13", "sygedagpengeloven § 13 b, stk. 3")
    assert deadline.counts_from == D0


def test_it_targets_the_retention_meeting_one_month_after_d0_R21() -> None:
    deadline = retention_meeting(RS, D0, request_date=D0 + timedelta(days=3))
    assert deadline.due == d("2026-02-05")
    assert deadline.legal is False
    assert deadline.rule_id == "R-21"
    assert deadline.basis == "Jobcentrets praksis (lokalt mål, ikke lovkrav)"


def test_it_clamps_the_retention_meeting_to_the_end_of_a_short_month_R21() -> None:
    assert retention_meeting(RS, d("2026-01-31"), d("2026-01-31")).due == d("2026-02-28")
    assert retention_meeting(RS, d("2028-01-31"), d("2028-01-31")).due == d("2028-02-29")


def test_it_moves_the_retention_meeting_after_a_late_first_conversation_R21() -> None:
    """Request on D0 + 25: D0 + 1 month comes before request + 14, so request + 28."""
    request_date = D0 + timedelta(days=25)
    deadline = retention_meeting(RS, D0, request_date)
    assert deadline.due == request_date + timedelta(days=28) == d("2026-02-27")
    assert deadline.counts_from == d("2026-02-13")


def test_it_keeps_the_month_when_it_equals_the_first_conversation_deadline_R21() -> None:
    request_date = d("2026-03-18")  # + 14 = 1 April = D0 + 1 month
    assert retention_meeting(RS, d("2026-03-01"), request_date).due == d("2026-04-01")


def test_it_tells_the_employer_to_hold_its_conversation_by_d0_plus_28_R23() -> None:
    deadline = employer_sick_absence_conversation(RS, D0)
    assert deadline.due == d("2026-02-02")
    assert (deadline.rule_id, deadline.basis) == ("R-23", "sygedagpengeloven § 7 a")


def test_it_drops_the_employer_conversation_when_the_employee_leaves_within_8_weeks_R23() -> None:
    deadline = employer_sick_absence_conversation(RS, D0, leaves_within_8_weeks=True)
    assert deadline.due is None
    assert deadline.rule_id == "R-23"


def employer_case(**changes: object) -> CaseFacts:
    facts: dict[str, object] = {
        "first_absence_day": D0,
        "request_date": d("2026-01-12"),
        "requested_by": "employer",
        "has_employer": True,
        "consent_letter_sent_on": d("2026-01-12"),
    }
    return CaseFacts(**(facts | changes))  # type: ignore[arg-type]


def test_it_schedules_every_deadline_of_an_employer_request() -> None:
    deadlines = schedule(RS, employer_case(certificate_requested_on=d("2026-01-14")))
    assert {key: deadline.due for key, deadline in deadlines.items()} == {
        DeadlineKey.REQUEST_WINDOW_CLOSES: d("2026-02-08"),
        DeadlineKey.EMPLOYEE_CONSENT: d("2026-01-14"),
        # By the first conversation's deadline, before 14 days are up.
        DeadlineKey.MEDICAL_CERTIFICATE: d("2026-01-26"),
        DeadlineKey.FIRST_FOLLOWUP_CONVERSATION: d("2026-01-26"),
        DeadlineKey.RETENTION_MEETING: d("2026-02-05"),
        DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION: d("2026-02-02"),
    }
    assert list(deadlines) == list(DeadlineKey)


def test_it_moves_the_certificate_with_the_booked_first_conversation_R16() -> None:
    facts = employer_case(
        certificate_requested_on=d("2026-01-14"), first_conversation_on=d("2026-01-23")
    )
    assert schedule(RS, facts)[DeadlineKey.MEDICAL_CERTIFICATE].due == d("2026-01-23")
    later = employer_case(
        certificate_requested_on=d("2026-01-14"), first_conversation_on=d("2026-02-06")
    )
    assert schedule(RS, later)[DeadlineKey.MEDICAL_CERTIFICATE].due == d("2026-01-28")


def test_it_passes_the_chosen_certificate_deadline_through_the_schedule() -> None:
    facts = employer_case(certificate_requested_on=d("2026-01-14"), certificate_due_in_days=8)
    assert schedule(RS, facts)[DeadlineKey.MEDICAL_CERTIFICATE].due == d("2026-01-22")


def test_it_asks_no_consent_of_an_employee_who_requested_R14() -> None:
    facts = employer_case(requested_by="employee", consent_letter_sent_on=None)
    deadlines = schedule(RS, facts)
    assert DeadlineKey.EMPLOYEE_CONSENT not in deadlines
    assert DeadlineKey.MEDICAL_CERTIFICATE not in deadlines
    assert DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION in deadlines


def test_it_has_no_employer_conversation_without_an_employer_R23() -> None:
    facts = employer_case(requested_by="employee", has_employer=False, consent_letter_sent_on=None)
    assert DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION not in schedule(RS, facts)


def test_it_keeps_the_employer_conversation_as_not_applicable_when_leaving_R23() -> None:
    deadlines = schedule(RS, employer_case(leaves_within_8_weeks=True))
    assert deadlines[DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION].due is None


def test_it_puts_a_declined_case_on_the_normal_track_R13() -> None:
    deadlines = schedule(RS, employer_case(declined=True))
    assert DeadlineKey.RETENTION_MEETING not in deadlines
    first = deadlines[DeadlineKey.FIRST_FOLLOWUP_CONVERSATION]
    assert (first.due, first.rule_id) == (D0 + timedelta(days=55), "R-13")


def test_it_refuses_a_consent_letter_for_an_employees_own_request_R14() -> None:
    with pytest.raises(ValueError, match="consent letter"):
        employer_case(requested_by="caseworker")


def test_it_refuses_an_employer_request_without_an_employer() -> None:
    with pytest.raises(ValueError, match="needs an employer"):
        employer_case(has_employer=False)


def test_it_refuses_an_unknown_requester() -> None:
    with pytest.raises(ValueError, match="requested_by"):
        employer_case(requested_by="doctor")


@st.composite
def case_facts(draw: st.DrawFn) -> CaseFacts:
    first_absence_day = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)))
    request_date = first_absence_day + timedelta(days=draw(st.integers(0, 34)))
    requested_by = draw(st.sampled_from(REQUESTERS))
    letter = request_date + timedelta(days=draw(st.integers(0, 5)))
    certificate = draw(st.none() | st.integers(0, 40))
    return CaseFacts(
        first_absence_day=first_absence_day,
        request_date=request_date,
        requested_by=requested_by,
        has_employer=requested_by == "employer" or draw(st.booleans()),
        consent_letter_sent_on=letter if requested_by == "employer" else None,
        declined=draw(st.booleans()),
        certificate_requested_on=(
            None if certificate is None else request_date + timedelta(days=certificate)
        ),
        certificate_due_in_days=draw(st.none() | st.integers(8, 30)),
        leaves_within_8_weeks=draw(st.booleans()),
    )


@given(facts=case_facts())
def test_it_never_puts_a_deadline_before_the_day_it_counts_from(facts: CaseFacts) -> None:
    """R-03, R-11, R-13, R-16, R-19, R-21, R-23 over random cases from 2025 to 2035."""
    for deadline in schedule(RS, facts).values():
        assert deadline.due is None or deadline.due >= deadline.counts_from
        assert deadline.counts_from >= facts.first_absence_day


@given(facts=case_facts())
def test_it_never_puts_the_consent_deadline_on_a_closed_day_R11(facts: CaseFacts) -> None:
    consent = schedule(RS, facts).get(DeadlineKey.EMPLOYEE_CONSENT)
    if consent is not None:
        assert consent.due is not None
        assert consent.due.weekday() < 5
        assert consent.due not in closing_days(consent.due.year)


@given(facts=case_facts())
def test_it_never_targets_the_retention_meeting_before_the_first_conversation_R21(
    facts: CaseFacts,
) -> None:
    deadlines = schedule(RS, facts)
    meeting = deadlines.get(DeadlineKey.RETENTION_MEETING)
    if meeting is not None:
        first = deadlines[DeadlineKey.FIRST_FOLLOWUP_CONVERSATION]
        assert meeting.due is not None and first.due is not None
        assert meeting.due >= first.due
