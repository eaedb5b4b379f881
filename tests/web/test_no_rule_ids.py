"""Rule ids ("R-16") are the jobcentre's and the API's: never in what citizens, HR,
nearest managers or doctors read.

A whole course is built through the actions; then every page of it is fetched
as each of those parties, in Danish and English, and every letter written to
them and every refusal message is read. The jobcentre's legal-basis line on the
case page and the API's ``rule_id`` keep the ids.

What no course reaches is read too: the text of every template (each page,
PDF and letter kind, in each language, whatever branch a course takes) and
every message of the catalogues. Every address each party may open, PDFs
included, is read in ``tests/web/test_access_matrix.py``.
"""

from __future__ import annotations

import inspect
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from fasttrack.cases import actions
from fasttrack.cases import errors as case_errors
from fasttrack.cases.models import FastTrackCase
from fasttrack.lib.rules import errors as rule_errors
from fasttrack.medical.models import CertificateRequest
from fasttrack.meetings.models import Meeting
from fasttrack.notifications.models import InboxItem, Message
from fasttrack.people.models import JOBCENTRE_ROLES
from tests.cases.conftest import EMPLOYEE_ANSWERS, EMPLOYER_ANSWERS, at
from tests.web.rule_ids import RULE_ID

ROOT = Path(__file__).resolve().parents[2]
# A template's comments are for its readers in the code, never rendered.
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
# The figures of the jobcentre manager's and the administrator's statistics name
# the rule they measure; the employer's statistics give those tables captions of
# their own. No other text of the catalogues may name a rule.
RULE_ID_SOURCES = {"fasttrack/reports/dashboards.py"}
D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 6)


@pytest.fixture
def course(employer_request, personas, travel, demo_world) -> dict[str, Any]:
    """Janni's course to the retention meeting, and Ahmed's case waiting for his answer."""
    case = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    worker = personas.sagsbehandler
    actions.assign_caseworker(case=case, actor=worker)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=case, actor=worker)
    conversation = actions.book_meeting(
        case=case,
        actor=worker,
        kind="first_conversation",
        starts_at=at(date(2026, 3, 10)),
        location="Jobcentret",
    )
    actions.record_certificate(
        case=case,
        actor=personas.laege,
        diagnosis="Albue",
        work_capacity="20 timer",
        considerations="",
        expected_return="",
        remarks="",
    )
    travel(date(2026, 3, 10))
    actions.record_meeting_held(
        case=case, actor=worker, meeting=conversation, held_on=date(2026, 3, 10), minutes="Ok."
    )
    version = actions.record_plan(
        case=case,
        actor=worker,
        summary="Deltid.",
        measures=[{"kind": "treatment", "description": "Fys", "owner": "Janni"}],
    )
    retention = actions.book_meeting(
        case=case,
        actor=worker,
        kind="retention_meeting",
        starts_at=at(date(2026, 3, 17), 13),
        location="Nordisk Fabrik",
        participants=[{"user": personas.laege, "party": "doctor", "employee_consented": True}],
    )
    actions.record_employer_conversation(
        case=case, actor=personas.hr, held_on=date(2026, 3, 9), note="Godt møde."
    )
    # Ahmed's, still waiting for his answer.
    waiting, _ = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons["0507762213"],
        employer=demo_world.employers["29887659"],
        first_absence_day=date(2026, 3, 5),
        expects_over_8_weeks=True,
        answers=EMPLOYER_ANSWERS,
        requested_by="employer",
        channel="web",
    )
    return {
        "case": case,
        "waiting": waiting,
        "meetings": [conversation, retention],
        "plan": version,
        "request": CertificateRequest.objects.get(case=case),
    }


def _pages(username: str, course: dict[str, Any]) -> list[str]:
    case: FastTrackCase = course["case"]
    meetings: list[Meeting] = course["meetings"]
    # The employee sees both meetings; the others the retention meeting only.
    seen = meetings if username == "janni" else meetings[1:]
    common = [reverse("web:inbox"), reverse("web:case_detail", args=[case.pk])]
    common += [reverse("web:meeting_detail", args=[case.pk, m.pk]) for m in seen]
    by_user = {
        "hr": [
            "/arbejdsgiver/",
            reverse("web:employer_request"),
            reverse("web:employer_request_upload"),
            reverse("web:case_record_employer_conversation", args=[course["waiting"].pk]),
            reverse("web:case_detail", args=[course["waiting"].pk]),
            f"{reverse('web:request_window')}?first_absence_day=2026-01-05",
            f"{reverse('web:employer_statistics')}?period=2026-03",
            f"{reverse('web:employer_statistics_csv')}?period=2026-03",
        ],
        "leder": ["/leder/"],
        "janni": [
            "/borger/",
            reverse("web:citizen_request"),
            reverse("web:citizen_access_log"),
            f"{reverse('web:request_window')}?first_absence_day=2026-03-01",
        ],
        "laege": ["/laege/", reverse("web:doctor_request", args=[course["request"].pk])],
    }
    return common + by_user[username]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("username", ["hr", "leder", "janni", "laege"])
def test_it_shows_no_rule_id_on_any_page_of_the_course(course, personas, login, username, language):
    client = login(personas.all()[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    items = InboxItem.objects.filter(user=personas.all()[username])
    pages = _pages(username, course) + [reverse("web:inbox_item", args=[i.pk]) for i in items]

    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (username, path, response.status_code)
        found = RULE_ID.findall(response.content.decode())
        assert not found, (username, path, found)


def test_it_shows_the_jobcentre_the_rule_behind_each_deadline(course, personas, login):
    client = login(personas.sagsbehandler)

    page = client.get(reverse("web:case_detail", args=[course["case"].pk])).content.decode()

    assert "(R-19)" in page and "(R-16)" in page


def test_it_writes_no_rule_id_in_any_letter_to_the_parties(course):
    letters = Message.objects.exclude(recipient_user__membership__role__in=JOBCENTRE_ROLES)

    assert letters.count() > 10
    for letter in letters:
        assert not RULE_ID.search(letter.subject + letter.body_text), letter.dedupe_key


def _violations() -> list[type[rule_errors.RuleViolation]]:
    classes = [
        cls
        for module in (case_errors, rule_errors)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, rule_errors.RuleViolation) and cls is not rule_errors.RuleViolation
    ]
    return sorted(set(classes), key=lambda cls: cls.__name__)


@pytest.mark.parametrize("language", ["da", "en"])
def test_it_names_no_rule_id_in_any_refusal_a_party_may_read(language):
    assert len(_violations()) > 40
    with translation.override(language):
        for cls in _violations():
            text = translation.gettext(cls.message)
            assert not RULE_ID.search(text), (cls.__name__, text)


def _templates() -> list[Path]:
    return sorted(
        path
        for folder in ROOT.glob("fasttrack/*/templates")
        for path in folder.rglob("*")
        if path.is_file()
    )


def test_it_writes_no_rule_id_in_the_text_of_any_template():
    """Every page, PDF and letter kind in every language, each of its branches:
    a template added later is read as well."""
    templates = _templates()
    letters = [path for path in templates if path.suffix == ".txt"]
    assert len(letters) >= 2 * len({path.name.split(".")[0] for path in letters}) > 60

    for path in templates:
        text = TEMPLATE_COMMENT.sub("", path.read_text())
        found = RULE_ID.findall(text)
        assert not found, (str(path.relative_to(ROOT)), found)


def _catalogue_entries(language: str) -> list[tuple[list[str], str]]:
    """(source references, msgid and msgstr) of each message of a catalogue."""
    text = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    entries = []
    for block in text.split("\n\n"):
        sources = [
            reference.rsplit(":", 1)[0]
            for line in block.splitlines()
            if line.startswith("#:")
            for reference in line[2:].split()
        ]
        strings = "".join(
            re.findall(r'^(?:msgid|msgstr|msgid_plural|msgstr\[\d\])? ?"(.*)"$', block, re.M)
        )
        entries.append((sources, strings))
    return entries


@pytest.mark.parametrize("language", ["da", "en"])
def test_it_names_rules_only_in_the_catalogues_messages_of_the_statistics(language):
    entries = _catalogue_entries(language)
    assert len(entries) > 500

    naming = [(sources, strings) for sources, strings in entries if RULE_ID.search(strings)]
    assert naming, "the statistics' tables name the rule they measure"
    for sources, strings in naming:
        assert sources and set(sources) <= RULE_ID_SOURCES, (sources, strings)
