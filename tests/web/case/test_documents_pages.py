"""The related documents' pages and the PDFs, as each persona (R-24, R-18, R-28)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from fasttrack.audit.models import AccessLogEntry
from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.documents import actions as documents
from fasttrack.documents.models import OpportunityStatement, RetentionPlanRequest
from fasttrack.notifications.models import Message
from fasttrack.people.models import remember_language
from tests.cases.conftest import EMPLOYEE_ANSWERS

D0 = date(2025, 3, 3)
REQUESTED = date(2025, 3, 10)


def pdf_text(response: Any) -> str:
    assert response["Content-Type"] == "application/pdf", response.content[:300]
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def course(employer_request: Callable[..., FastTrackCase], personas: Any) -> dict[str, Any]:
    case = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    plan_request = documents.request_retention_plan(case=case, actor=personas.janni)
    statement = documents.start_opportunity_statement(case=case, actor=personas.hr)
    return {"case": case, "plan_request": plan_request, "statement": statement}


# One line per page, one column per persona: the status each gets (GET). The
# course has a request and a statement open, so a new one goes back to the case
# with why.
PAGES = """
page                    hr leder janni laege sagsb chef  ahr  asb
request_retention_plan 404   404   302   404   404  404  404  404
answer_retention_plan  200   200   404   404   404  404  404  404
start_statement        302   302   302   404   404  404  404  404
statement_part_one     200   200   200   404   404  404  404  404
statement_cancel       200   200   200   404   404  404  404  404
statement_part_two     404   404   404   404   404  404  404  404
case_pdf_dossier       200   200   200   404   200  200  404  404
case_pdf_statement     200   200   200   404   200  200  404  404
"""
PERSONAS = {
    "hr": "hr",
    "leder": "leder",
    "janni": "janni",
    "laege": "laege",
    "sagsb": "sagsbehandler",
    "chef": "jobcenterchef",
    "ahr": "anden-hr",
    "asb": "anden-sagsbehandler",
}


def _table() -> list[tuple[str, str, int]]:
    lines = [line.split() for line in PAGES.strip().splitlines()]
    names = lines[0][1:]
    return [
        (row[0], name, int(status))
        for row in lines[1:]
        for name, status in zip(names, row[1:], strict=True)
    ]


def _url(page: str, course: dict[str, Any]) -> str:
    case = course["case"].pk
    args = {
        "request_retention_plan": ("web:request_retention_plan", [case]),
        "answer_retention_plan": ("web:answer_retention_plan", [case, course["plan_request"].pk]),
        "start_statement": ("web:start_statement", [case]),
        "statement_part_one": ("web:statement_part_one", [case, course["statement"].pk]),
        "statement_cancel": ("web:statement_cancel", [case, course["statement"].pk]),
        "statement_part_two": ("web:statement_part_two", [case, course["statement"].pk]),
        "case_pdf_dossier": ("web:case_pdf", [case, "sagsmappe"]),
        "case_pdf_statement": (
            "web:case_pdf_object",
            [case, "mulighedserklaering", course["statement"].pk],
        ),
    }
    name, url_args = args[page]
    return reverse(name, args=url_args)


@pytest.mark.parametrize(("page", "persona", "status"), _table())
def test_it_gives_each_persona_the_document_pages_it_may_see(
    course: dict[str, Any], login: Callable[[User], Client], page: str, persona: str, status: int
) -> None:
    user = User.objects.get(username=PERSONAS[persona])
    response = login(user).get(_url(page, course))
    assert response.status_code == status


def test_it_walks_the_retention_plan_through_the_pages(
    course: dict[str, Any], login: Callable[[User], Client], personas: Any
) -> None:
    case, plan_request = course["case"], course["plan_request"]
    client = login(personas.hr)
    url = reverse("web:answer_retention_plan", args=[case.pk, plan_request.pk])
    refused = client.post(url, {"decision": "refuse", "refusal_reason": ""})
    assert refused.status_code == 400
    assert "Skriv, hvorfor arbejdsgiveren afviser" in refused.content.decode()
    answered = client.post(
        url, {"decision": "prepare", "work_functions": "Kantinen, lette opgaver."}
    )
    assert answered.status_code == 302
    plan_request.refresh_from_db()
    assert plan_request.state == "prepared"
    client = login(personas.janni)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Kantinen, lette opgaver." in page
    client.post(reverse("web:retention_plan_step", args=[case.pk, plan_request.pk, "medbring"]))
    plan_request.refresh_from_db()
    assert plan_request.bring_to_conversation
    client = login(personas.sagsbehandler)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Kantinen, lette opgaver." in page


def _refused_with(response: Any, case: FastTrackCase, reason: str) -> None:
    assert response.redirect_chain == [(reverse("web:case_detail", args=[case.pk]), 302)]
    assert reason in response.content.decode()


def test_a_page_for_an_action_not_possible_now_goes_back_to_the_case_with_why(
    course: dict[str, Any], login: Callable[[User], Client], personas: Any
) -> None:
    """R-35: no form that can only be refused; the form again once it is possible."""
    case, plan_request, statement = course["case"], course["plan_request"], course["statement"]
    ask = reverse("web:request_retention_plan", args=[case.pk])
    start = reverse("web:start_statement", args=[case.pk])
    answer = reverse("web:answer_retention_plan", args=[case.pk, plan_request.pk])
    part_one = reverse("web:statement_part_one", args=[case.pk, statement.pk])

    janni = login(personas.janni)
    _refused_with(janni.get(ask, follow=True), case, "Arbejdsgiveren har endnu ikke svaret")
    _refused_with(
        janni.post(ask, {"message": "Igen."}, follow=True), case, "Arbejdsgiveren har endnu"
    )
    hr = login(personas.hr)
    _refused_with(hr.get(start, follow=True), case, "er ikke færdig")
    assert hr.get(part_one).status_code == 200

    documents.refuse_retention_plan(
        case=case, actor=personas.hr, plan_request=plan_request, reason="Ingen stillinger."
    )
    documents.cancel_statement(case=case, actor=personas.hr, statement=statement, reason="Fejl.")

    assert hr.get(start).status_code == 200
    _refused_with(hr.get(answer, follow=True), case, "mens dokumentet er")
    _refused_with(hr.get(part_one, follow=True), case, "mens dokumentet er")
    assert login(personas.janni).get(ask).status_code == 200
    assert RetentionPlanRequest.objects.filter(case=case).count() == 1


def test_it_walks_the_statement_through_employer_employee_and_doctor(
    course: dict[str, Any], login: Callable[[User], Client], personas: Any
) -> None:
    case, statement = course["case"], course["statement"]
    client = login(personas.hr)
    part_one = reverse("web:statement_part_one", args=[case.pk, statement.pk])
    empty = client.post(part_one, {"job_functions": "", "can_do": "", "cannot_do": ""})
    assert empty.status_code == 400
    client.post(
        part_one,
        {"job_functions": "Pakning.", "can_do": "Lette opgaver.", "cannot_do": "Løft over 5 kg."},
    )
    client.post(reverse("web:statement_confirm", args=[case.pk, statement.pk]))
    login(personas.janni).post(reverse("web:statement_confirm", args=[case.pk, statement.pk]))
    statement.refresh_from_db()
    assert statement.state == "at_doctor"
    client = login(personas.laege)
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 200
    part_two = reverse("web:statement_part_two", args=[case.pk, statement.pk])
    assert client.get(part_two).status_code == 200
    client.post(
        part_two, {"doctor_assessment": "Kan arbejde uden løft.", "expected_duration": "6 uger"}
    )
    statement.refresh_from_db()
    assert statement.state == "completed"
    page = login(personas.leder).get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Kan arbejde uden løft." in page


def test_it_makes_pdfs_for_each_reader_in_their_language_and_logs_the_download(
    course: dict[str, Any], login: Callable[[User], Client], personas: Any
) -> None:
    case = course["case"]
    actions.record_plan(
        case=case,
        actor=personas.sagsbehandler,
        summary="Delvis sygemelding, behandling og omskoling.",
        measures=[{"kind": "retraining", "description": "Kursus i kantinedrift", "owner": "Janni"}],
        partial_leave_hours_per_week=20,
    )
    before = AccessLogEntry.objects.filter(action="export").count()
    text = pdf_text(login(personas.hr).get(reverse("web:case_pdf", args=[case.pk, "sagsmappe"])))
    assert "Delvis sygemelding, behandling og omskoling." in text
    assert "Lavet til" in text and "Sagsmappe" in text
    for answer in EMPLOYEE_ANSWERS.values():
        assert answer not in text
    assert AccessLogEntry.objects.filter(action="export").count() == before + 1
    # English for a reader who chose English.
    remember_language(personas.janni, "en")
    text = pdf_text(login(personas.janni).get(reverse("web:case_pdf", args=[case.pk, "plan"])))
    assert "Made for" in text
    # A letter only for its own recipient.
    letter = Message.objects.filter(case_id=case.pk, recipient_user=personas.hr).first()
    assert letter is not None
    url = reverse("web:case_pdf_object", args=[case.pk, "brev", letter.pk])
    assert letter.subject.split(":")[0] in pdf_text(login(personas.hr).get(url))
    assert login(personas.leder).get(url).status_code == 404
    assert (
        login(personas.hr).get(reverse("web:case_pdf", args=[case.pk, "nonsense"])).status_code
        == 404
    )


def test_it_keeps_the_plan_from_the_jobcentre_until_the_employee_brings_it(
    course: dict[str, Any], login: Callable[[User], Client], personas: Any
) -> None:
    case, plan_request = course["case"], course["plan_request"]
    documents.prepare_retention_plan(
        case=case, actor=personas.hr, plan_request=plan_request, work_functions="Hemmelig plan."
    )
    url = reverse("web:case_pdf_object", args=[case.pk, "fastholdelsesplan", plan_request.pk])
    assert login(personas.sagsbehandler).get(url).status_code == 404
    page = login(personas.sagsbehandler).get(reverse("web:case_detail", args=[case.pk]))
    assert "Hemmelig plan." not in page.content.decode()
    assert "Hemmelig plan." in pdf_text(login(personas.janni).get(url))
    assert RetentionPlanRequest.objects.count() == OpportunityStatement.objects.count() == 1
