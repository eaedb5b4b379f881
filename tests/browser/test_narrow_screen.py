"""No page of the walk is wider than the screen, at 390 px as at 1280 px, even with a
4,000-character word in every free-text field.

A whole course is built through the actions with one long word in every text a
person types (the answers, the certificate, the minutes and tasks, the plan and
the comments on it, the § 7 b request and plan, both parts of a
mulighedserklæring, reasons, notes, places and names at their own limits), then
every page of it is opened at 390 px as each party: the pages of Janni's walk
and of the documents' walk, each form among them opened where the case allows
it. On every form page each text field is filled with the word as well, and the
answer to sending it is checked too. Sending the caseworker's forms changes the
case, so they come in an order that keeps the next one offered: the retention
meeting is cancelled before the closing form; Ahmed's case, whose first
conversation began an hour ago, has the record-as-held and booking forms.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize

from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.documents import actions as documents
from fasttrack.documents.models import OpportunityStatement
from fasttrack.medical.models import CertificateRequest
from fasttrack.meetings.models import Meeting
from fasttrack.notifications.delivery import deliver
from fasttrack.notifications.models import InboxItem, Message
from fasttrack.people.models import Employer, Person
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOT_DIR, login
from tests.browser.walk import JANNI_CPR
from tests.conftest import Personas


def word(length: int) -> str:
    """One word without a space to break at: ``length`` characters of it."""
    return ("Sygefraværsopfølgning" * (length // 21 + 1))[:length]


LONG = word(4000)
# Fields with a shorter limit of their own get a word of exactly that length.
PLACE = word(300)
NAME = word(200)

OVERFLOW = """() => {
  const width = window.innerWidth;
  // What sticks out: a box wider than the screen, or content wider than its box.
  const wide = [...document.querySelectorAll('main *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1
      || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible')
    .filter((el) => el.closest('.table--responsive-scroll') === null)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def _answers() -> dict[str, str]:
    return {"affected_functions": LONG, "affected_duration": LONG, "adjustments_tried": LONG}


def _at(days: int, hour: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), datetime.min.time())
    ) + timedelta(hours=hour)


def _course(personas: Personas) -> dict[str, Any]:
    """Janni's course with the long word everywhere, and a second absence awaiting her."""
    today = timezone.localdate()
    janni = Person.objects.with_cpr(JANNI_CPR.replace("-", "")).get()
    employer = Employer.objects.get(cvr="29887659")
    worker = personas.sagsbehandler

    def request(
        first_absence_day: Any, requested: Any, *, new_absence: bool = False
    ) -> FastTrackCase:
        case, _ = actions.request_fast_track(
            actor=personas.hr,
            person=janni,
            employer=employer,
            first_absence_day=first_absence_day,
            expects_over_8_weeks=True,
            answers=_answers(),
            requested_by="employer",
            channel="web",
            nearest_manager=personas.leder,
            today=requested,
            new_absence=new_absence,
        )
        return case

    case = request(today - timedelta(days=14), today - timedelta(days=10))
    actions.assign_caseworker(case=case, actor=worker)
    actions.accept(
        case=case, actor=personas.janni, answers=_answers(), on=today - timedelta(days=9)
    )
    actions.request_certificate(case=case, actor=worker, on=today - timedelta(days=9))
    first = actions.book_meeting(
        case=case,
        actor=worker,
        kind="first_conversation",
        starts_at=_at(-2, 10),
        location=PLACE,
        participants=[{"name": NAME, "party": "companion"}],
        now=_at(-8, 12),
    )
    actions.record_certificate(
        case=case,
        actor=personas.laege,
        diagnosis=LONG,
        work_capacity=LONG,
        considerations=LONG,
        expected_return=LONG,
        remarks=LONG,
    )
    actions.record_meeting_held(
        case=case,
        actor=worker,
        meeting=first,
        held_on=today - timedelta(days=2),
        minutes=LONG,
        tasks=[{"party": "employee", "description": LONG, "due_on": today}],
    )
    version = actions.record_plan(
        case=case,
        actor=worker,
        summary=LONG,
        measures=[{"kind": "treatment", "description": LONG, "owner": LONG, "due_on": today}],
        evaluate_on=today + timedelta(days=30),
    )
    retention = actions.book_meeting(
        case=case,
        actor=worker,
        kind="retention_meeting",
        starts_at=_at(3, 13),
        location=PLACE,
        participants=[
            {"name": NAME, "party": "union_representative"},
            {"user": personas.laege, "party": "doctor", "employee_consented": True},
        ],
    )
    actions.answer_invitation(
        case=case,
        actor=personas.janni,
        meeting=retention,
        response="new_time_requested",
        reason=LONG,
        suggested_times=LONG,
    )
    actions.add_journal_note(case=case, actor=worker, text=LONG)
    actions.record_employer_conversation(case=case, actor=personas.hr, held_on=today, note=LONG)
    for party in (personas.janni, personas.hr):
        documents.comment_plan(case=case, actor=party, version=version, text=LONG)
    # A § 7 b plan made and brought, and a second request the employer has yet to answer.
    made = documents.request_retention_plan(case=case, actor=personas.janni, message=LONG)
    documents.prepare_retention_plan(
        case=case,
        actor=personas.hr,
        plan_request=made,
        work_functions=LONG,
        working_hours=LONG,
        other_measures=LONG,
    )
    documents.bring_retention_plan(case=case, actor=personas.janni, plan_request=made)
    plan_request = documents.request_retention_plan(case=case, actor=personas.janni, message=LONG)
    # A mulighedserklæring completed, and then a second one with the doctor.
    statements: list[OpportunityStatement] = []
    for starter in (personas.hr, personas.janni):
        if statements:
            documents.complete_statement(
                case=case,
                actor=personas.laege,
                statement=statements[-1],
                doctor_assessment=LONG,
                expected_duration=NAME,
            )
        statement = documents.start_opportunity_statement(case=case, actor=starter)
        documents.save_part_one(
            case=case,
            actor=starter,
            statement=statement,
            job_functions=LONG,
            can_do=LONG,
            cannot_do=LONG,
            agreed_adjustments=LONG,
        )
        for party in (personas.hr, personas.janni):
            documents.confirm_part_one(case=case, actor=party, statement=statement)
        statements.append(statement)
    # A second absence while the first case is open: HR confirms it is a new one.
    waiting = request(today - timedelta(days=3), today, new_absence=True)
    for message in Message.objects.filter(channel="inbox"):
        deliver(message.pk)
    return {
        "case": case,
        "waiting": waiting,
        "meetings": [first, retention],
        "plan_request": plan_request,
        "statement": statements[1],
        "other": _ahmeds_case(personas),
    }


def _ahmeds_case(personas: Personas) -> dict[str, int]:
    """Ahmed's case, accepted by phone: its first conversation began an hour ago,
    and no retention meeting is booked."""
    today = timezone.localdate()
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=Person.objects.with_cpr("0507762213").get(),
        employer=Employer.objects.get(cvr="29887659"),
        first_absence_day=today - timedelta(days=10),
        expects_over_8_weeks=True,
        answers=_answers(),
        requested_by="employer",
        channel="web",
        today=today - timedelta(days=8),
    )
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    actions.accept(
        case=case,
        actor=personas.sagsbehandler,
        answers=_answers(),
        on=today - timedelta(days=7),
        channel="phone",
    )
    meeting = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=timezone.now() - timedelta(hours=1),
        location=PLACE,
        now=_at(-7, 12),
    )
    return {"case": case.pk, "meeting": meeting.pk}


def _pages(username: str, course: dict[str, Any]) -> list[str]:
    case, waiting = course["case"].pk, course["waiting"].pk
    first, retention = (m.pk for m in course["meetings"])
    request = CertificateRequest.objects.get(case_id=case).pk
    plan_request, statement = course["plan_request"].pk, course["statement"].pk
    other, held = course["other"]["case"], course["other"]["meeting"]
    shared = [f"/sager/{case}/", f"/sager/{case}/moeder/{retention}/", "/indbakke/"]
    return {
        "hr": [
            "/arbejdsgiver/",
            "/arbejdsgiver/anmodninger/ny/",
            "/arbejdsgiver/anmodninger/fil/",
            f"/sager/{waiting}/sygefravaerssamtale/",
            f"/sager/{case}/fastholdelsesplan/{plan_request}/svar/",
            *shared,
        ],
        "leder": ["/leder/", *shared],
        "janni": [
            "/borger/",
            f"/borger/sager/{waiting}/samtykke/",
            "/borger/anmodning/ny/",
            "/borger/adgangslog/",
            f"/sager/{case}/moeder/{first}/",
            *shared,
            # Janni started the mulighedserklæring with the doctor, so she may cancel it.
            f"/sager/{case}/mulighedserklaering/{statement}/annuller/",
        ],
        "laege": [
            "/laege/",
            f"/laege/anmodninger/{request}/",
            f"/sager/{case}/mulighedserklaering/{statement}/del-2/",
            *shared[1:],
        ],
        "sagsbehandler": [
            "/jobcenter/",
            "/jobcenter/?assignee=queue",
            "/jobcenter/?assignee=all",
            "/jobcenter/anmodninger/ny/",
            f"/sager/{case}/moeder/{first}/",
            f"/sager/{case}/laegeattest/ny/",
            f"/sager/{case}/plan/ny/",
            f"/sager/{case}/journal/ny/",
            f"/sager/{case}/moeder/{retention}/flyt/",
            # Sent, this cancels the retention meeting: no meeting keeps the case open.
            f"/sager/{case}/moeder/{retention}/aflys/",
            f"/sager/{case}/afslut/",
            f"/sager/{other}/moeder/{held}/afholdt/",
            f"/sager/{other}/moeder/ny/?kind=retention_meeting",
            f"/sager/{waiting}/samtykke/",
            f"/sager/{waiting}/traek-tilbage/",
            *shared,
        ],
        "jobcenterchef": ["/jobcenter/ledelse/", "/jobcenter/?filter=overdue", *shared],
    }[username]


def _assert_fits(page: Page, where: str) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"], f"{where}: {measured}"


def _fill_every_text_field(page: Page) -> int:
    fields = page.locator(
        "main textarea:visible, main input[type=text]:visible, main input:not([type]):visible"
    )
    for index in range(fields.count()):
        field = fields.nth(index)
        limit = field.get_attribute("maxlength")
        field.fill(LONG[: int(limit)] if limit else LONG)
    return fields.count()


@pytest.mark.parametrize("screen", [MOBILE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize(
    "username", ["hr", "leder", "janni", "laege", "sagsbehandler", "jobcenterchef"]
)
def test_it_fits_every_page_of_the_walk_on_the_screen_with_long_words(
    page: Page, personas: Personas, username: str, screen: ViewportSize
) -> None:
    course = _course(personas)
    page.set_viewport_size(screen)
    login(page, username)
    user = personas.all()[username]
    items = [f"/indbakke/{item.pk}/" for item in InboxItem.objects.filter(user=user)]
    checked = 0

    for path in _pages(username, course) + items:
        response = page.goto(path)
        assert response is not None and response.ok, f"{username} {path}: {response}"
        # The page itself, not the case it sends back to when the case does not allow it.
        assert urlsplit(page.url).path == urlsplit(path).path, f"{username} {path}: {page.url}"
        _assert_fits(page, f"{username} {path}")
        checked += 1
        form = page.locator("main form[method=post]:has(textarea, input[type=text])").last
        if form.count() and _fill_every_text_field(page):
            _assert_fits(page, f"{username} {path} (filled)")
            form.locator("button[type=submit]").last.click()
            page.wait_for_load_state()
            _assert_fits(page, f"{username} {path} (sent)")
            checked += 2
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.goto(f"/sager/{course['case'].pk}/")
    shot = f"80-long-words-{username}-{screen['width']}.png"
    page.screenshot(path=SCREENSHOT_DIR / shot, full_page=True)
    assert checked >= 5
    assert Meeting.objects.count() >= 2
