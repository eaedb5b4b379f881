"""The documents around Janni's case in the browser (R-24): a § 7 b request the
employer answers, and a mulighedserklæring completed by employer, employee and
doctor; zero axe violations on their pages, nothing medical on the employer's."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.documents.models import OpportunityStatement, RetentionPlanRequest
from fasttrack.people.models import Employer, Person
from tests.browser.conftest import da
from tests.browser.walk import EMPLOYEE_ANSWERS, EMPLOYER_ANSWERS, Walk
from tests.conftest import Personas

PLAN_WORK = "Janni arbejder i kantinen med lette køkkenopgaver og kasse."
PART_ONE = {
    "The job's functions": "Pakning ved linjen og løft af kasser op til 12 kg.",
    "What the employee can do": "Lette køkkenopgaver med pauser.",
    "What the employee cannot do": "Gentagne greb og løft over 3 kg.",
}
ASSESSMENT = "Janni kan varetage opgaverne i kantinen med pauser i tre måneder."


def _active_case(personas: Personas) -> FastTrackCase:
    today = timezone.localdate()
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=Person.objects.with_cpr("1203814562").get(),
        employer=Employer.objects.get(cvr="29887659"),
        first_absence_day=today - timedelta(days=6),
        expects_over_8_weeks=True,
        answers=EMPLOYER_ANSWERS,
        requested_by="employer",
        channel="web",
        nearest_manager=personas.leder,
    )
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    return case


def test_it_walks_the_documents_with_employer_employee_and_doctor(
    page: Page, personas: Personas
) -> None:
    case = _active_case(personas)
    walk = Walk(page, case_id=case.pk)

    # Janni asks her employer for a fastholdelsesplan (§ 7 b).
    walk.log_in("janni")
    walk.goto_case()
    walk.look("60-employee-documents")
    walk.click(page.get_by_role("link", name=da("Ask your employer for a fastholdelsesplan")))
    walk.look("61-employee-ask-plan")
    page.get_by_label(da("Message to your employer"), exact=False).fill("Jeg vil gerne blive.")
    walk.click(page.get_by_role("button", name=da("Send the request")))
    expect(page).to_have_url(f"/sager/{case.pk}/#documents")

    # HR answers with the plan.
    walk.log_in("hr")
    walk.goto_case()
    walk.click(page.get_by_role("link", name=da("Answer the request")))
    walk.look("62-employer-answer-plan")
    page.get_by_label(da("We make the plan"), exact=True).check()
    page.get_by_label(da("Work functions and adjustments"), exact=False).fill(PLAN_WORK)
    walk.click(page.get_by_role("button", name=da("Save the answer")))
    expect(page.get_by_text(PLAN_WORK)).to_be_visible()
    walk.look("63-employer-plan-made")
    assert RetentionPlanRequest.objects.get(case=case).state == "prepared"

    # Janni brings it to the first conversation.
    walk.log_in("janni")
    walk.goto_case()
    walk.click(page.get_by_role("button", name=da("I bring the plan to the first conversation")))
    assert RetentionPlanRequest.objects.get(case=case).bring_to_conversation

    # HR starts a mulighedserklæring and fills in part 1 with Janni (§ 36 a).
    walk.log_in("hr")
    walk.goto_case()
    walk.click(page.get_by_role("link", name=da("Start a mulighedserklæring")))
    walk.look("64-employer-start-statement")
    walk.click(page.get_by_role("button", name=da("Start")))
    walk.look("65-employer-part-one")
    for label, text in PART_ONE.items():
        page.get_by_label(da(label), exact=True).fill(text)
    walk.click(page.get_by_role("button", name=da("Save part 1")))
    walk.click(page.get_by_role("button", name=da("Confirm part 1")))
    walk.look()

    walk.log_in("janni")
    walk.goto_case()
    expect(page.get_by_text(PART_ONE["The job's functions"])).to_be_visible()
    walk.click(page.get_by_role("button", name=da("Confirm part 1")))
    walk.look("66-employee-confirmed")
    assert OpportunityStatement.objects.get(case=case).state == "at_doctor"

    # The doctor writes part 2: the functions only, no diagnosis.
    walk.log_in("laege")
    walk.goto_case()
    walk.look("67-doctor-case")
    walk.click(page.get_by_role("link", name=da("Fill in part 2")))
    walk.look("68-doctor-part-two")
    page.get_by_label(da("Your assessment of the functions in part 1"), exact=False).fill(
        ASSESSMENT
    )
    walk.click(page.get_by_role("button", name=da("Save part 2")))
    assert OpportunityStatement.objects.get(case=case).state == "completed"

    # The workplace reads the completed statement.
    walk.log_in("leder")
    walk.goto_case()
    expect(page.get_by_text(ASSESSMENT)).to_be_visible()
    walk.look("69-manager-statement")

    walk.assert_employer_saw_no_health_data()
    walk.assert_accessible()
