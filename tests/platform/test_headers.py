"""Response headers on every URL the application has, as every persona.

Every URL pattern of the resolver (pages, API, admin, the language switch) is
requested as each of the eight personas and as a visitor who is not logged in,
in the demo world with its cases, meetings, plans and letters. Every answer,
whatever its status, must carry ``Cache-Control: no-store`` (unless listed in
``PUBLIC``), a Content-Security-Policy without anything inline, and the other
security headers. A new URL pattern is requested as soon as it exists; one
with a path parameter not in ``SAMPLES`` fails until a value is given there.

Issue 12, finding 8.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from fasttrack.api.tokens import issue_token
from fasttrack.documents.models import OpportunityStatement
from fasttrack.login.policy import needs_second_factor
from fasttrack.medical.models import CertificateRequest
from fasttrack.meetings.models import Meeting
from fasttrack.notifications.models import InboxItem, Message
from fasttrack.people.models import Membership
from fasttrack.plans.models import PlanVersion
from tests.conftest import give_second_factor

# Responses that may be kept in a cache: none yet. A view that sets
# Cache-Control: public must be listed here, with the reason.
PUBLIC: set[str] = set()

PERSONAS = [
    "hr",
    "leder",
    "janni",
    "laege",
    "sagsbehandler",
    "jobcenterchef",
    "anden-hr",
    "anden-sagsbehandler",
    "anonymous",
]

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def routes() -> list[str]:
    """Every URL pattern as its route, e.g. ``sager/<int:case_id>/`` (duplicates,
    such as GET and POST on one API path, once)."""
    return sorted(set(_routes(get_resolver().url_patterns)))


def parameters(route: str) -> set[str]:
    return {m["name"] for m in _PARAMETER.finditer(route)} | {
        m["name"] for m in _GROUP.finditer(route)
    }


def concrete(route: str, samples: dict[str, str]) -> str:
    """The route with each parameter replaced by its sample value."""
    path = _PARAMETER.sub(lambda m: samples[m["name"]], route)
    path = _GROUP.sub(lambda m: samples[m["name"]], path)
    return "/" + path.replace("^", "").replace("$", "")


def _samples() -> dict[str, str]:
    """A value for every path parameter, from the demo world: the case with the
    most on it, so that most pages answer with real personal data."""
    meeting = (
        Meeting.objects.annotate(people=Count("participants")).order_by("-people", "pk").first()
    )
    assert meeting is not None
    case = meeting.case
    version = PlanVersion.objects.filter(plan__case=case).first() or PlanVersion.objects.first()
    certificate_request = CertificateRequest.objects.order_by("pk").first()
    message = Message.objects.order_by("pk").first()
    item = InboxItem.objects.order_by("pk").first()
    participant = meeting.participants.order_by("pk").first()
    statement = OpportunityStatement.objects.order_by("pk").first()
    assert message and version and certificate_request and item and participant and statement
    return {
        "case_id": str(case.pk),
        "meeting_id": str(meeting.pk),
        "participant_id": str(participant.pk),
        "message_id": str(message.pk),
        "version_id": str(version.pk),
        "request_id": str(certificate_request.pk),
        "item_id": str(item.pk),
        # The admin: an object, a user (whose password page), an object's
        # content type (its "view on site" link), an application, and an
        # address that is not one.
        "object_id": "1",
        "id": str(User.objects.get(username="sagsbehandler").pk),
        "content_type_id": str(ContentType.objects.get_for_model(Meeting).pk),
        "app_label": "people",
        "url": "nothing-here/",
        # The API: a token's public prefix.
        "prefix": "abcdefgh",
        # An account invitation's token (none such: the page answers 404).
        "token": "no-such-invitation",
        # The jobcentre manager's staff and citizen pages.
        "membership_id": str(Membership.objects.get(user__username="sagsbehandler").pk),
        "person_id": str(case.absence.person_id),
        # The related documents and their PDFs (Janni's demo story has them).
        "statement_id": str(statement.pk),
        "document": "sagsmappe",
        "step": "medbring",
    }


@pytest.fixture(scope="module")
def _demo_of_the_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    # The demo world with its cases and their delivered letters, built
    # once for the module; each test runs in a savepoint that is rolled back.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def samples(db: None, _demo_of_the_module: None) -> dict[str, str]:
    return _samples()


def test_it_has_a_sample_for_every_path_parameter(samples: dict[str, str]) -> None:
    missing = {name for route in routes() for name in parameters(route)} - set(samples)
    assert not missing, f"Give SAMPLES a value for the path parameters {sorted(missing)}"


def assert_private_and_secured(response: Any, url: str) -> None:
    where = f"{url} answered {response.status_code}"
    if url not in PUBLIC:
        # never_cache adds more directives to no-store; public must never be among them.
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert "no-store" in directives and "public" not in directives, (
            f"{where} with Cache-Control {response.get('Cache-Control')!r}"
        )
    policy = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, f"{where} without a Content-Security-Policy"
    assert "frame-ancestors 'none'" in policy, where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") == "same-origin", where
    assert response.get("X-Frame-Options") == "DENY", where
    assert "camera=()" in response.get("Permissions-Policy", ""), where
    assert response.get("Cross-Origin-Resource-Policy") == "same-origin", where


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_answer_is_private_and_secured(persona: str, samples: dict[str, str]) -> None:
    client = Client()
    headers: dict[str, str] = {}
    if persona != "anonymous":
        user = User.objects.get(username=persona)
        client.force_login(user)
        if needs_second_factor(user):
            give_second_factor(client, user)
        headers["Authorization"] = f"Bearer {issue_token(user=user, name='headers')[1]}"
    answered: set[int] = set()

    for route in routes():
        url = concrete(route, samples)
        response = client.get(url, headers=headers if url.startswith("/api/") else {})
        answered.add(response.status_code)
        assert_private_and_secured(response, url)

    # The walk reached real content, not only refusals.
    assert 200 in answered


def test_it_keeps_a_response_that_says_it_is_public(rf: Any) -> None:
    from django.http import HttpResponse

    from fasttrack.middleware import SecurityHeadersMiddleware

    def public_view(request: Any) -> HttpResponse:
        response = HttpResponse("shared by all")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = SecurityHeadersMiddleware(public_view)(rf.get("/"))

    assert response["Cache-Control"] == "public, max-age=3600"


def test_it_lets_static_files_keep_their_long_cache(client: Client, settings: Any) -> None:
    # As in production: WhiteNoise ahead of SecurityHeadersMiddleware answers
    # static files itself (here from the finders instead of collectstatic).
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_MAX_AGE = 3600

    response = client.get("/static/web/fasttrack.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=3600, public"


def test_it_serves_static_files_ahead_of_the_no_store_default_in_production() -> None:
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "CPR_ENCRYPTION_KEYS": "m6Kb3K3tD1yT0kq2W8k8yq7l3Qm0N6bXv4p5s6t7u8w=",
        "CPR_HASH_KEY": "y" * 64,
        "SITE_URL": "https://fasttrack.example.dk",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from fasttrack import settings; print(settings.MIDDLEWARE)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    middleware = ast.literal_eval(result.stdout)

    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < middleware.index(
        "fasttrack.middleware.SecurityHeadersMiddleware"
    )
