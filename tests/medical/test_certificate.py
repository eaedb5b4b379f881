"""The medical certificate keeps its health data to itself (R-17, R-18)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.errors import CertificateAlreadyRecorded
from fasttrack.medical.models import Certificate, CertificateRequest
from tests.cases.conftest import EMPLOYEE_ANSWERS

CERTIFICATE: dict[str, Any] = {
    "diagnosis": "Depression, moderat episode",
    "work_capacity": "Kan arbejde 15 timer om ugen med faste opgaver.",
    "considerations": "Ingen natarbejde.",
    "expected_return": "Delvis tilbagevenden om 2 uger.",
    "remarks": "Følges af psykolog.",
}


@pytest.fixture
def case_with_certificate(employer_request, personas, travel):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    travel(date(2026, 3, 12))
    actions.record_certificate(case=case, actor=personas.laege, **CERTIFICATE)
    return case


def test_it_writes_no_certificate_text_into_the_history_r18(case_with_certificate):
    history = str(list(CaseEvent.objects.values("old", "new", "note")))
    for text in CERTIFICATE.values():
        assert text not in history


def test_it_hides_the_certificate_events_from_the_employer_r18(case_with_certificate):
    visible = CaseEvent.objects.filter(case=case_with_certificate).visible_to_employer_side()
    verbs = set(visible.values_list("verb", flat=True))
    assert not verbs & {"certificate_requested", "certificate_received"}
    hidden_keys = [
        e.new.get("key") for e in visible.filter(verb__in=["deadline_met", "deadline_missed"])
    ]
    assert "medical_certificate" not in hidden_keys


def test_it_hides_the_employees_answers_from_the_employer_in_the_history_r09(
    case_with_certificate,
):
    visible = CaseEvent.objects.filter(case=case_with_certificate).visible_to_employer_side()
    parties = [e.new["party"] for e in visible.filter(verb="answers_given")]
    assert parties == ["employer"]


def test_it_records_the_fee_from_the_rule_set_r17(case_with_certificate):
    certificate = Certificate.objects.get()
    assert certificate.fee_ore == 114000
    assert certificate.request.status == "received"


def test_it_sends_both_parties_answers_to_the_doctor_r09(case_with_certificate):
    answers = CertificateRequest.objects.get().answers
    assert answers["employer"]["affected_functions"] == "Tunge løft ved pakkelinjen."
    assert answers["employee"]["affected_functions"] == EMPLOYEE_ANSWERS["affected_functions"]
    assert answers["employee"]["questions"]["affected_functions"]["da"]


def test_it_refuses_a_second_certificate_for_one_request(case_with_certificate, personas):
    with pytest.raises(CertificateAlreadyRecorded):
        actions.record_certificate(case=case_with_certificate, actor=personas.laege, **CERTIFICATE)
