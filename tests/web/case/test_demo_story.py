"""Janni's closed story in the demo world, from each party's side, and every PDF
the employer side can take of the demo world (R-18, R-09, R-24)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from fasttrack.api.tokens import issue_token
from fasttrack.cases.access import cases_for
from fasttrack.cases.demo import build_demo_cases
from fasttrack.cases.models import Answers, CaseNotice, FastTrackCase
from fasttrack.documents.access import (
    plan_request_content_visible,
    plan_requests_for,
    statements_for,
)
from fasttrack.medical.models import Certificate
from fasttrack.notifications.models import Message
from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Role
from fasttrack.plans.models import PlanVersion
from fasttrack.web.case_views import meetings_for_role

# The certificate's fields as the pages name them, in both languages.
CERTIFICATE_FIELDS = (
    "Lægeattest",
    "Diagnose",
    "Skånehensyn",
    "Arbejdsevne",
    "Medical certificate",
    "Diagnosis",
    "Ability to work",
)


@pytest.fixture
def world(demo_world: DemoWorld, frozen: Any) -> list[FastTrackCase]:
    return build_demo_cases(demo_world, today=frozen)


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # One line per PDF line, with the line breaks of the layout joined up.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _janni(world: list[FastTrackCase]) -> FastTrackCase:
    return next(c for c in world if c.absence.person.name == "Janni Mikkelsen")


@pytest.mark.parametrize(
    "username", ["hr", "leder", "janni", "laege", "sagsbehandler", "jobcenterchef"]
)
def test_it_shows_jannis_closed_story_to_every_party(
    world: list[FastTrackCase], login: Callable[[User], Client], username: str
) -> None:
    janni = _janni(world)
    assert janni.state == "closed"
    page = login(User.objects.get(username=username)).get(
        reverse("web:case_detail", args=[janni.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Afsluttet" in html
    if username == "laege":
        # The doctor sees the mulighedserklæring sent to the clinic, and the certificate.
        assert "Janni kan varetage opgaverne i kantinen" in html
    else:
        assert "Kurset er bestået; Janni går op i tid i kantinen." in html
        assert "Janni arbejder i kantinen" in html  # the § 7 b plan, brought


def test_it_leaves_no_news_unseen_on_a_closed_story(
    world: list[FastTrackCase], login: Callable[[User], Client]
) -> None:
    """The caseworker opened Janni's case to act on it: the consent and the
    certificate of June are not "New" on the case she closed in August."""
    janni = _janni(world)
    closed = [case for case in world if case.state == "closed"]
    assert janni in closed
    assert not CaseNotice.objects.filter(case__in=closed, seen_at__isnull=True).exists()
    # What was told was seen by her, when she opened the case, before it closed.
    told = CaseNotice.objects.filter(case=janni)
    assert told.exists()
    assert {notice.seen_by_id for notice in told} == {User.objects.get(username="sagsbehandler").pk}
    html = login(User.objects.get(username="sagsbehandler")).get(
        reverse("web:case_detail", args=[janni.pk])
    )
    assert 'id="case-news"' not in html.content.decode()


def test_it_holds_the_first_conversation_with_those_who_said_yes_to_it(
    world: list[FastTrackCase],
) -> None:
    """Janni and the caseworker, the first conversation's parties, both accepted;
    its minutes name no one else."""
    conversation = _janni(world).meetings.get(kind="first_conversation")
    assert {(p.party, p.response) for p in conversation.participants.all()} == {
        ("employee", "accepted"),
        ("caseworker", "accepted"),
    }
    assert "lederen" not in conversation.minutes


def test_it_tells_janni_of_no_meeting_to_come_on_her_closed_case(
    world: list[FastTrackCase], login: Callable[[User], Client]
) -> None:
    html = login(User.objects.get(username="janni")).get("/borger/").content.decode()

    assert "Afsluttet" in html
    assert "Der er ikke planlagt nogen møder." in html
    assert "Jobcentret kontakter dig" not in html


@pytest.mark.parametrize("username", ["anden-hr", "anden-sagsbehandler"])
def test_it_keeps_jannis_story_from_those_outside_it(
    world: list[FastTrackCase], login: Callable[[User], Client], username: str
) -> None:
    client = login(User.objects.get(username=username))
    assert client.get(reverse("web:case_detail", args=[_janni(world).pk])).status_code == 404


def test_it_lists_jannis_story_as_closed_in_the_api(
    world: list[FastTrackCase], client: Client
) -> None:
    _token, raw = issue_token(user=User.objects.get(username="janni"), name="test")
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(item["id"], item["state"]) for item in items] == [(_janni(world).pk, "closed")]


def _employer_side_pdfs(user: User) -> list[tuple[str, list[Any]]]:
    """Every PDF the user may take of every case they see: (url, plan summaries)."""
    role = Role(user.membership.role)
    urls = []
    for case in cases_for(user):
        plans = list(PlanVersion.objects.filter(plan__case=case).order_by("-number"))
        summaries = [plans[0].summary] if plans else []
        urls.append((reverse("web:case_pdf", args=[case.pk, "sagsmappe"]), summaries))
        for version in plans:
            urls.append(
                (
                    reverse("web:case_pdf_object", args=[case.pk, "plan", version.pk]),
                    [version.summary],
                )
            )
        for plan_request in plan_requests_for(role, case):
            if plan_request.state == "prepared" and plan_request_content_visible(
                role, plan_request
            ):
                urls.append(
                    (
                        reverse(
                            "web:case_pdf_object",
                            args=[case.pk, "fastholdelsesplan", plan_request.pk],
                        ),
                        [],
                    )
                )
        for statement in statements_for(role, case, user):
            urls.append(
                (
                    reverse(
                        "web:case_pdf_object", args=[case.pk, "mulighedserklaering", statement.pk]
                    ),
                    [],
                )
            )
        for meeting in meetings_for_role(case, role, user):
            if meeting.minutes and meeting.show_minutes:  # type: ignore[attr-defined]
                urls.append(
                    (reverse("web:case_pdf_object", args=[case.pk, "referat", meeting.pk]), [])
                )
        for message in Message.objects.filter(case_id=case.pk, recipient_user=user):
            urls.append((reverse("web:case_pdf_object", args=[case.pk, "brev", message.pk]), []))
    return urls


@pytest.mark.parametrize("username", ["hr", "leder"])
def test_it_gives_the_employer_side_pdfs_with_the_plan_and_nothing_medical(
    world: list[FastTrackCase], login: Callable[[User], Client], username: str
) -> None:
    user = User.objects.get(username=username)
    client = login(user)
    diagnoses = list(Certificate.objects.values_list("diagnosis", flat=True))
    assert any("Karpaltunnelsyndrom" in d for d in diagnoses)
    own_answers = [
        text
        for answers in Answers.objects.filter(party="employee")
        for text in (
            answers.affected_functions,
            answers.affected_duration,
            answers.adjustments_tried,
        )
    ]
    pdfs = _employer_side_pdfs(user)
    assert len(pdfs) >= 8
    plans_seen = 0
    for url, summaries in pdfs:
        text = _text(client.get(url))
        flat = re.sub(r"\s+", " ", text)
        for summary in summaries:
            assert summary in flat, url
            plans_seen += 1
        for diagnosis in diagnoses:
            assert diagnosis not in flat, url
        for field in CERTIFICATE_FIELDS:
            assert field not in flat, (url, field)
        for answer in own_answers:
            assert answer not in flat, (url, answer)
    assert plans_seen >= 2
