"""Janni's course, step by step, as each party clicks through it in the browser.

The steps are shared by the Danish walk, the click count and the employer's
privacy check, so each test reads as the story it tells. Texts are distinctive
so that a leak of one of them into an employer's page cannot be a coincidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone, translation
from playwright.sync_api import Locator, Page, expect

from fasttrack.cases.actions import request_fast_track
from fasttrack.cases.models import Channel, FastTrackCase, NoticeKind, Requester
from fasttrack.lib.rules import QUESTION_KEYS, question_set, rule_set_for
from fasttrack.meetings.models import Meeting, MeetingKind
from fasttrack.people.models import Employer, Person
from fasttrack.plans.models import MeasureKind
from tests.browser.conftest import axe_violations, da, login, screenshot
from tests.conftest import Personas

JANNI_CPR = "120381-4562"
JANNI_NAME = "Janni Mikkelsen"
MANAGER_NAME = "Lars Eriksen"

EMPLOYER_ANSWERS = {
    "affected_functions": "Løft af kasser på pakkelinjen og arbejde ved samlebåndet.",
    "affected_duration": "Siden begyndelsen af måneden, værre de seneste to uger.",
    "adjustments_tried": "Vi har prøvet lettere opgaver i pakkeriet i en uge.",
}
EMPLOYEE_ANSWERS = {
    "affected_functions": "Jeg kan ikke gribe om værktøj eller løfte med højre arm.",
    "affected_duration": "Smerterne i albuen startede for seks uger siden.",
    "adjustments_tried": "Jeg har fået flere pauser, men båndet kører i samme tempo.",
}
CERTIFICATE = {
    "diagnosis": "Tennisalbue og overbelastning af underarm (M77.1)",
    "work_capacity": "Kan arbejde 20 timer om ugen uden gentagne greb med højre hånd.",
    "considerations": "Ingen løft over 5 kg med højre arm og ingen skruearbejde.",
    "expected_return": "Delvis tilbagevenden nu, forventet fuld raskmelding om 10 uger.",
    "remarks": "Patienten er henvist til fysioterapeut to gange om ugen.",
}
PLAN_SUMMARY = (
    "Delvis sygemelding med behandling og omskoling; Janni fortsætter i virksomhedens kantine."
)
FIRST_CONVERSATION_MINUTES = "Første samtale holdt. Vi aftalte en plan med delvis sygemelding."
RETENTION_MINUTES = "Fastholdelsesmøde på arbejdspladsen. Kantinen er klar fra mandag."
CLOSING_NOTE = "Janni er tilbage på deltid i kantinen."

# What the employer side must never see: the certificate's
# values and the employee's own answers. The ICD code alone is enough to leak.
HEALTH_DATA = [*CERTIFICATE.values(), "M77.1", "Tennisalbue", *EMPLOYEE_ANSWERS.values()]
EMPLOYER_SIDE = frozenset({"hr", "leder"})


def starting(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text))


def questions_da() -> dict[str, str]:
    """The three questions as the forms label them: the rule set's own Danish wording."""
    questions = question_set(rule_set_for(timezone.localdate()).question_set)
    return {key: questions[key].text("da") for key in QUESTION_KEYS}


@dataclass
class Walk:
    """One browser going through the course, remembering what the employer saw."""

    page: Page
    first_absence_day: date = field(default_factory=lambda: timezone.localdate() - timedelta(4))
    user: str = ""
    case_id: int = 0
    # (username, url, html) of every page the employer side looked at.
    employer_views: list[tuple[str, str, str]] = field(default_factory=list)
    steps: int = 0
    axe_findings: list[str] = field(default_factory=list)
    # time-machine's fixture, for walks that wait for a meeting's day.
    clock: Any = None

    # --- moving around -----------------------------------------------------------

    def log_in(self, username: str, shot: str | None = None) -> None:
        login(self.page, username)
        self.user = username
        self.look(shot)

    def look(self, shot: str | None = None) -> None:
        """Every page of the walk: axe, what the employer saw, a screenshot if named."""
        # Collected rather than asserted at once, so one run reports every page.
        self.axe_findings.extend(axe_violations(self.page))
        if self.user in EMPLOYER_SIDE:
            self.employer_views.append((self.user, self.page.url, self.page.content()))
        if shot:
            screenshot(self.page, shot)

    def assert_accessible(self) -> None:
        """Zero axe violations on every page of the walk."""
        assert not self.axe_findings, "\n".join(self.axe_findings)

    def click(self, target: Locator) -> None:
        """A click the person makes; counted for the step budget."""
        self.steps += 1
        target.click()
        self.page.wait_for_load_state()

    def goto_case(self) -> None:
        self.page.goto(f"/sager/{self.case_id}/")

    def after_the_meeting(self, kind: MeetingKind, username: str = "sagsbehandler") -> None:
        """An hour after the meeting began; a login lasts 8 hours, so log in again."""
        meeting = Meeting.objects.filter(case_id=self.case_id, kind=kind).latest("pk")
        assert self.clock is not None, "the walk needs Walk(clock=time_machine)"
        self.clock.move_to(meeting.starts_at + timedelta(hours=1), tick=True)
        self.log_in(username)
        self.goto_case()

    def manager_overdue_matches_worklist(self) -> int:
        """The manager's overdue figure counts exactly what its worklist link shows."""
        page = self.page
        self.log_in("jobcenterchef", "60-jobcentre-overview")
        figure = page.locator('[data-figure="overdue"]')
        count = int(figure.locator("[data-count]").get_attribute("data-count") or "-1")
        self.click(figure.get_by_role("link"))
        expect(page).to_have_url(re.compile(r"/jobcenter/\?.*filter=overdue"))
        expect(page.locator("#worklist tbody tr")).to_have_count(count)
        self.look("61-jobcentre-overdue")
        return count

    # --- the parties' steps ----------------------------------------------------

    def employer_requests(self) -> None:
        page = self.page
        self.click(page.get_by_role("link", name=da("Request Fast track")))
        self.look("10-employer-request-form")
        page.get_by_label(da("The employee's CPR number"), exact=True).fill(JANNI_CPR)
        page.get_by_label(da("First day of absence"), exact=True).fill(
            self.first_absence_day.isoformat()
        )
        # htmx shows the last valid request day as soon as the day is typed.
        page.get_by_label(da("First day of absence"), exact=True).dispatch_event("change")
        last_day = da("Last day to request: %(day)s (%(basis)s)").split("%(day)s")[0].strip()
        expect(page.locator("#request-window")).to_contain_text(last_day)
        page.get_by_label(
            da(
                "We expect that the employee will not be fully back at work within 8 weeks "
                "of the first day of absence."
            ),
            exact=True,
        ).check()
        for key, question in questions_da().items():
            page.get_by_label(question, exact=True).fill(EMPLOYER_ANSWERS[key])
        page.get_by_label(da("The employee's nearest manager"), exact=True).select_option(
            label=MANAGER_NAME
        )
        self.look()
        self.click(page.get_by_role("button", name=da("Send the request")))
        expect(page).to_have_url(re.compile(r"/sager/\d+/$"))
        self.case_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        self.look("11-employer-case")

    def employee_accepts(self) -> None:
        page = self.page
        self.log_in("janni", "20-employee-start")
        self.click(page.get_by_role("link", name=da("Read the request and answer")))
        expect(page).to_have_url(f"/borger/sager/{self.case_id}/samtykke/")
        # The employer's answers are shown beside Janni's own fields.
        for answer in EMPLOYER_ANSWERS.values():
            expect(page.get_by_text(answer)).to_be_visible()
        self.look("21-employee-consent")
        for key, question in questions_da().items():
            page.get_by_label(question, exact=True).fill(EMPLOYEE_ANSWERS[key])
        page.get_by_label(da("Yes, I say yes to Fast track"), exact=True).check()
        self.click(page.get_by_role("button", name=da("Send your answer")))
        self.look("22-employee-case")

    def caseworker_opens_case_from_worklist(self) -> None:
        """From the worklist's queue to the case, taken with one click."""
        page = self.page
        self.log_in("sagsbehandler", "30-caseworker-worklist")
        self.steps = 0
        self.click(page.locator('#worklist-tabs a[data-assignee="queue"]'))
        expect(page.locator(f'tr[data-case="{self.case_id}"]')).to_be_visible()
        self.look("30-caseworker-queue")
        self.click(page.locator(f'button[data-take="{self.case_id}"]'))
        expect(page).to_have_url(f"/sager/{self.case_id}/")
        expect(page.locator("#case-caseworker")).to_have_text("Sofie Bech")
        self.look("31-caseworker-case")

    def caseworker_takes_case_from_queue(self) -> None:
        """The new case waits in the queue; the caseworker takes it; it is hers now."""
        page = self.page
        self.caseworker_opens_case_from_worklist()
        page.goto("/jobcenter/")
        row = page.locator(f'tr[data-case="{self.case_id}"]')
        expect(row).to_be_visible()
        expect(row.locator("[data-caseworker]")).to_contain_text("Sofie Bech")

    def caseworker_sees_news(self, kind: NoticeKind, shot: str | None = None) -> None:
        """What happened reached her: the case is "Nyt" until she opens it."""
        page = self.page
        self.log_in("sagsbehandler")
        row = page.locator(f'tr[data-case="{self.case_id}"]')
        expect(row.locator("[data-news]")).to_have_text(da("New"))
        self.look(shot)
        self.click(row.get_by_role("link", name=JANNI_NAME))
        with translation.override("da"):
            label = str(kind.label)
        expect(page.locator("#case-news")).to_contain_text(label)
        self.look()
        page.goto("/jobcenter/")
        expect(page.locator(f'tr[data-case="{self.case_id}"] [data-news]')).to_have_count(0)
        self.goto_case()

    def caseworker_requests_certificate(self) -> None:
        page = self.page
        self.click(page.get_by_role("link", name=da("Request a medical certificate")))
        self.look()
        self.click(page.get_by_role("button", name=da("Send the request to the doctor")))
        expect(page).to_have_url(f"/sager/{self.case_id}/")
        self.look()

    def doctor_returns_certificate(self) -> None:
        page = self.page
        self.log_in("laege", "40-doctor-inbox")
        self.click(page.get_by_role("link", name=re.compile(JANNI_NAME)).first)
        # The doctor receives both parties' answers with the request (R-09, R-15).
        for answer in [*EMPLOYER_ANSWERS.values(), *EMPLOYEE_ANSWERS.values()]:
            expect(page.get_by_text(answer)).to_be_visible()
        self.look("41-doctor-request")
        labels = {
            "diagnosis": da("Diagnosis or cause of absence"),
            "work_capacity": da("Assessment of the ability to work"),
            "considerations": da("Considerations (skånehensyn)"),
            "expected_return": da("Is a full or partial return to work expected, and when?"),
            "remarks": da("Other remarks"),
        }
        for key, label in labels.items():
            page.get_by_label(label, exact=True).fill(CERTIFICATE[key])
        self.click(page.get_by_role("button", name=da("Send the certificate to the jobcentre")))
        expect(page.get_by_text(CERTIFICATE["diagnosis"])).to_be_visible()
        self.look("42-doctor-sent")

    def caseworker_books(self, kind: MeetingKind) -> None:
        page = self.page
        name = {
            MeetingKind.FIRST_CONVERSATION: da("Book the first follow-up conversation"),
            MeetingKind.RETENTION_MEETING: da("Book the retention meeting"),
        }[kind]
        self.click(page.get_by_role("link", name=name))
        self.look()
        # Date, time, place and participants come prefilled from the case.
        self.click(page.get_by_role("button", name=da("Book")))
        expect(page).to_have_url(f"/sager/{self.case_id}/")
        self.look()

    def participant_accepts(self, meeting_link: str, party: str) -> None:
        """Open the meeting from the start page and accept the invitation."""
        page = self.page
        self.click(page.get_by_role("link", name=meeting_link).first)
        self.look()
        page.get_by_label(da("I will come"), exact=True).check()
        self.click(page.get_by_role("button", name=da("Send the answer")))
        expect(page.locator(f'[data-party="{party}"]')).to_have_attribute(
            "data-response", "accepted"
        )
        self.look()

    def caseworker_records_held(self, minutes: str) -> None:
        page = self.page
        # The link names the meeting too ("Record as held: ..."), for screen readers.
        self.click(page.get_by_role("link", name=starting(da("Record as held"))).first)
        self.look()
        page.get_by_label(da("Minutes"), exact=True).fill(minutes)
        self.click(page.get_by_role("button", name=da("Record as held")))
        # The meeting's own page shows the minutes; the case is one link back.
        expect(page).to_have_url(re.compile(rf"/sager/{self.case_id}/moeder/\d+/$"))
        expect(page.get_by_text(minutes)).to_be_visible()
        self.look()
        self.click(page.locator(f'a.back-link[href="/sager/{self.case_id}/"]'))
        expect(page).to_have_url(f"/sager/{self.case_id}/")

    def caseworker_writes_plan(self) -> None:
        page = self.page
        self.click(page.get_by_role("link", name=da("Write the plan")))
        self.look()
        page.get_by_label(da("Summary of the plan"), exact=True).fill(PLAN_SUMMARY)
        page.get_by_label(
            # Optional fields end in "(valgfri)".
            starting(da("Partial sick leave: hours of absence a week"))
        ).fill("17")
        measures = [
            (MeasureKind.TREATMENT, "Fysioterapi to gange om ugen", "Janni"),
            (MeasureKind.RETRAINING, "Omskoling til kantinen", "Nordisk Fabrik A/S"),
        ]
        for index, (kind, description, owner) in enumerate(measures):
            page.locator(f"[name=measures-{index}-kind]").select_option(str(kind.value))
            page.locator(f"[name=measures-{index}-description]").fill(description)
            page.locator(f"[name=measures-{index}-owner]").fill(owner)
        self.click(page.get_by_role("button", name=da("Save the plan")))
        expect(page).to_have_url(f"/sager/{self.case_id}/")
        expect(page.get_by_text(PLAN_SUMMARY)).to_be_visible()
        self.look("33-caseworker-plan")

    def caseworker_closes(self) -> None:
        page = self.page
        self.click(page.get_by_role("link", name=da("Close the case")))
        self.look()
        page.get_by_label(da("Back at work part time"), exact=True).check()
        page.get_by_label(starting(da("Note"))).fill(CLOSING_NOTE)
        self.click(page.get_by_role("button", name=da("Close the case")))
        expect(page).to_have_url(f"/sager/{self.case_id}/")
        self.look("35-caseworker-closed")

    def employer_side_revisits(self) -> None:
        """Fetch every page the employer side saw again, now that all data exists."""
        for username in sorted(EMPLOYER_SIDE):
            login(self.page, username)
            urls = {url for user, url, _html in self.employer_views if user == username}
            for url in sorted(urls):
                response = self.page.request.get(url)
                assert response.ok, f"{username} cannot reopen {url}: {response.status}"
                self.employer_views.append((username, url, response.text()))

    def assert_employer_saw_no_health_data(self) -> None:
        """R-09 and R-18 on every page the employer side saw during the walk."""
        assert {user for user, _url, _html in self.employer_views} == EMPLOYER_SIDE
        leaks = [
            f"{user} saw {secret!r} on {url}"
            for user, url, html in self.employer_views
            for secret in HEALTH_DATA
            if secret in html
        ]
        assert not leaks, "\n".join(leaks)

    def case(self) -> FastTrackCase:
        return FastTrackCase.objects.get(pk=self.case_id)


def employer_request_for_janni(personas: Personas) -> FastTrackCase:
    """HR's request, made through the case engine, for tests that start after it."""
    person = Person.objects.with_cpr(JANNI_CPR.replace("-", "")).get()
    case, _created = request_fast_track(
        actor=personas.hr,
        person=person,
        employer=Employer.objects.get(cvr="29887659"),
        first_absence_day=timezone.localdate() - timedelta(4),
        expects_over_8_weeks=True,
        answers=EMPLOYER_ANSWERS,
        requested_by=Requester.EMPLOYER,
        channel=Channel.WEB,
        nearest_manager=personas.leder,
    )
    return case
