"""Who gets what: every address and every API operation, as every kind of user (R-28).

One row per URL pattern of the site (found by walking the URL resolver) and
per API operation (found in the OpenAPI document), one column per persona,
each cell the status that persona must get. The web is asked with GET (what
a link or a guessed address does); the API with the operation's own method
and a valid body, so that a refusal is the access rule's and not the body's.

A pattern or operation without a row fails ``test_every_address_has_a_row``
with its name: add a row when you add one. Rows are plain text, so adding one
is one line. Routes are written as the resolver has them, without the
converters (``sager/<case_id>/``), a PDF's ``<document>`` once per kind of
document (``sager/<case_id>/pdf/brev/<object_id>/``); API operations without
``/api/v1``.

Columns:

    emp  the employee (Janni)
    hr   HR at her employer
    mgr  her nearest manager
    cw   a caseworker of her municipality (København)
    cwx  a caseworker of another municipality (Frederiksberg)
    chf  the jobcentre manager (København)
    doc  her own doctor, whose clinic was asked for a certificate
    dc0  a doctor of another clinic, asked about nothing
    op   an operator (superuser with a second factor)
    ano  a visitor who is not logged in (anonymous)

The world (built once per module, each row in a savepoint): Janni's
``waiting`` case awaits her consent; her running ``case`` has a certificate,
an open certificate request, a retention meeting with Janni, Lars and Sofie
that began an hour ago, a plan, an unanswered request for a fastholdelsesplan
(§ 7 b) and a mulighedserklæring whose part 2 is with her doctor's clinic
(tests/api/test_personas.py). The minutes' PDF row has a first conversation
held in its own savepoint (``ROW_SETUP``); a letter's PDF is one to Janni.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from django.utils import timezone

from fasttrack.api.tokens import issue_token
from fasttrack.cases import actions as case_actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.login.policy import needs_second_factor
from fasttrack.medical.models import CertificateRequest
from fasttrack.meetings.models import MeetingKind, MeetingParticipant
from fasttrack.notifications.models import InboxItem, Message
from fasttrack.people.models import Clinic, Membership, Role
from fasttrack.plans.models import PlanVersion
from tests.api.conftest import ApiClient
from tests.api.test_personas import BODIES, _build_world
from tests.conftest import give_second_factor
from tests.notifications.conftest import run_due_tasks
from tests.web.rule_ids import RULE_ID, readable_text

COLUMNS = ["emp", "hr", "mgr", "cw", "cwx", "chf", "doc", "dc0", "op", "ano"]

# The web, asked with GET. ``<app>/<model>`` rows stand for every model in
# the administration (asked as people/person; every model's list is asked in
# ``test_every_model_of_the_administration_is_the_operators_alone``).
WEB = """
route                                                      emp  hr mgr  cw cwx chf doc dc0  op ano
/                                                          302 302 302 302 302 302 302 302 200 302
i18n/setlang/                                              405 405 405 405 405 405 405 405 405 405
saml2/login/                                               404 404 404 404 404 404 404 404 404 404
saml2/acs/                                                 404 404 404 404 404 404 404 404 404 404
saml2/logout/                                              404 404 404 404 404 404 404 404 404 404
saml2/ls/                                                  404 404 404 404 404 404 404 404 404 404
saml2/ls/post/                                             404 404 404 404 404 404 404 404 404 404
saml2/metadata/                                            404 404 404 404 404 404 404 404 404 404
log-ind/                                                   302 302 302 302 302 302 302 302 302 200
log-ind/kode/                                              302 302 302 302 302 302 302 302 302 302
log-ind/kode/ny/                                           302 302 302 200 200 200 200 200 200 302
log-ud/                                                    405 405 405 405 405 405 405 405 405 405
jobcenter/                                                 404 404 404 200 200 200 404 404 404 302
jobcenter/anmodninger/ny/                                  404 404 404 200 200 404 404 404 404 302
jobcenter/ledelse/                                         404 404 404 404 404 200 404 404 404 302
jobcenter/personale/                                       404 404 404 404 404 200 404 404 404 302
jobcenter/personale/<membership_id>/aktiv/                 404 404 404 404 404 405 404 404 404 302
jobcenter/personale/<membership_id>/rolle/                 404 404 404 404 404 405 404 404 404 302
jobcenter/borgere/                                         404 404 404 404 404 200 404 404 404 302
jobcenter/borgere/<person_id>/                             404 404 404 404 404 200 404 404 404 302
sager/<case_id>/identitet/                                 404 404 404 302 404 404 404 404 404 302
sager/<case_id>/egen-laege/                                200 404 404 200 404 404 404 404 404 302
sager/<case_id>/naermeste-leder/                           404 200 404 404 404 404 404 404 404 302
konto/aktiver/<token>/                                     404 404 404 404 404 404 404 404 404 404
jobcenter/statistik/                                       404 404 404 404 404 200 404 404 404 302
jobcenter/statistik/statistik.csv                          404 404 404 404 404 200 404 404 404 302
statistik/                                                 404 404 404 404 404 404 404 404 404 302
statistik/statistik.csv                                    404 404 404 404 404 404 404 404 404 302
arbejdsgiver/statistik/                                    404 200 404 404 404 404 404 404 404 302
arbejdsgiver/statistik/statistik.csv                       404 200 404 404 404 404 404 404 404 302
sager/<case_id>/                                           200 200 200 200 404 200 200 404 404 302
sager/<case_id>/samtykke/                                  404 404 404 200 404 404 404 404 404 302
sager/<case_id>/afgoerelse/                                404 404 404 200 404 404 404 404 404 302
sager/<case_id>/traek-tilbage/                             404 404 404 200 404 404 404 404 404 302
sager/<case_id>/laegeattest/ny/                            404 404 404 302 404 404 404 404 404 302
sager/<case_id>/moeder/ny/                                 404 404 404 200 404 404 404 404 404 302
sager/<case_id>/plan/ny/                                   404 404 404 200 404 404 404 404 404 302
sager/<case_id>/journal/ny/                                404 404 404 200 404 404 404 404 404 302
sager/<case_id>/tildel-mig/                                404 404 404 405 405 404 404 404 404 302
sager/<case_id>/tildel/                                    404 404 404 404 404 405 404 404 404 302
sager/<case_id>/afslut/                                    404 404 404 302 404 404 404 404 404 302
sager/<case_id>/breve/<message_id>/send-igen/              404 404 404 405 405 404 404 404 404 302
arbejdsgiver/                                              404 200 404 404 404 404 404 404 404 302
arbejdsgiver/anmodninger/ny/                               404 200 404 404 404 404 404 404 404 302
arbejdsgiver/anmodninger/fil/                              404 200 404 404 404 404 404 404 404 302
arbejdsgiver/anmodninger/fil/eksempel.csv                  404 200 404 404 404 404 404 404 404 302
anmodninger/sidste-frist/                                  200 200 404 404 404 404 404 404 404 302
sager/<case_id>/sygefravaerssamtale/                       404 200 200 404 404 404 404 404 404 302
leder/                                                     404 404 200 404 404 404 404 404 404 302
borger/                                                    200 404 404 404 404 404 404 404 404 302
borger/anmodning/ny/                                       200 404 404 404 404 404 404 404 404 302
borger/sager/<case_id>/samtykke/                           200 404 404 404 404 404 404 404 404 302
borger/adgangslog/                                         200 404 404 404 404 404 404 404 404 302
borger/mine-data/                                          200 404 404 404 404 404 404 404 404 302
borger/mine-data/fasttrack-data.json                       200 404 404 404 404 404 404 404 404 302
sager/<case_id>/plan/<version_id>/bekraeft/                405 405 405 404 404 404 404 404 404 302
laege/                                                     404 404 404 404 404 404 200 200 404 302
laege/anmodninger/<request_id>/                            404 404 404 404 404 404 200 404 404 302
indbakke/                                                  200 200 200 200 200 200 200 200 404 302
indbakke/<item_id>/                                        200 404 404 404 404 404 404 404 404 302
sager/<case_id>/moeder/<meeting_id>/                       200 200 200 200 404 200 404 404 404 302
sager/<case_id>/moeder/<meeting_id>/invitation.ics         200 404 200 200 404 200 404 404 404 302
sager/<case_id>/moeder/<meeting_id>/svar/<participant_id>/ 404 404 404 404 404 404 404 404 404 302
sager/<case_id>/moeder/<meeting_id>/flyt/                  404 404 404 200 404 404 404 404 404 302
sager/<case_id>/moeder/<meeting_id>/aflys/                 404 404 404 200 404 404 404 404 404 302
sager/<case_id>/moeder/<meeting_id>/afholdt/               404 404 404 200 404 404 404 404 404 302
sager/<case_id>/fastholdelsesplan/ny/                      302 404 404 404 404 404 404 404 404 302
sager/<case_id>/fastholdelsesplan/<request_id>/svar/       404 200 200 404 404 404 404 404 404 302
sager/<case_id>/fastholdelsesplan/<request_id>/<step>/     405 404 404 404 404 404 404 404 404 302
sager/<case_id>/mulighedserklaering/ny/                    302 302 302 404 404 404 404 404 404 302
sager/<case_id>/mulighedserklaering/<statement_id>/del-1/  302 302 302 404 404 404 404 404 404 302
sager/<case_id>/mulighedserklaering/<statement_id>/bekraeft/ 405 405 405 404 404 404 404 404 404 302
sager/<case_id>/mulighedserklaering/<statement_id>/annuller/ 200 200 200 404 404 404 404 404 404 302
sager/<case_id>/mulighedserklaering/<statement_id>/del-2/  404 404 404 404 404 404 200 404 404 302
sager/<case_id>/plan/<version_id>/kommentar/               200 200 200 200 404 200 404 404 404 302
sager/<case_id>/pdf/sagsmappe/                             200 200 200 200 404 200 404 404 404 302
sager/<case_id>/pdf/plan/                                  200 200 200 200 404 200 404 404 404 302
sager/<case_id>/pdf/fastholdelsesplan/                     404 404 404 404 404 404 404 404 404 302
sager/<case_id>/pdf/mulighedserklaering/                   404 404 404 404 404 404 404 404 404 302
sager/<case_id>/pdf/brev/                                  404 404 404 404 404 404 404 404 404 302
sager/<case_id>/pdf/referat/                               404 404 404 404 404 404 404 404 404 302
sager/<case_id>/pdf/sagsmappe/<object_id>/                 404 404 404 404 404 404 404 404 404 302
sager/<case_id>/pdf/plan/<object_id>/                      200 200 200 200 404 200 404 404 404 302
sager/<case_id>/pdf/fastholdelsesplan/<object_id>/         200 200 200 404 404 404 404 404 404 302
sager/<case_id>/pdf/mulighedserklaering/<object_id>/       200 200 200 200 404 200 200 404 404 302
sager/<case_id>/pdf/brev/<object_id>/                      200 404 404 404 404 404 404 404 404 302
sager/<case_id>/pdf/referat/<object_id>/                   200 404 404 200 404 200 404 404 404 302
tilgaengelighed/                                           200 200 200 200 200 200 200 200 200 200
privatliv/                                                 200 200 200 200 200 200 200 200 200 200
api/v1/openapi.json                                        200 200 200 200 200 200 200 200 200 200
api/v1/docs                                                200 200 200 200 200 200 200 200 200 200
healthz                                                    200 200 200 200 200 200 200 200 200 200
api/v1/<anything-else>                                     404 404 404 404 404 404 404 404 404 404
admin/                                                     404 404 404 404 404 404 404 404 200 302
admin/login/                                               404 404 404 404 404 404 404 404 302 302
admin/logout/                                              404 404 404 404 404 404 404 404 405 302
admin/password_change/                                     404 404 404 404 404 404 404 404 200 302
admin/autocomplete/                                        404 404 404 404 404 404 404 404 403 302
admin/jsi18n/                                              404 404 404 404 404 404 404 404 200 302
admin/r/<content_type_id>/<object_id>/                     404 404 404 404 404 404 404 404 404 302
admin/auth/user/<id>/password/                             404 404 404 404 404 404 404 404 200 302
admin/people/person/cpr/                                   404 404 404 404 404 404 404 404 200 302
admin/<app_label>/                                         404 404 404 404 404 404 404 404 200 302
admin/<app>/<model>/                                       404 404 404 404 404 404 404 404 200 302
admin/<app>/<model>/add/                                   404 404 404 404 404 404 404 404 200 302
admin/<app>/<model>/<object_id>/                           404 404 404 404 404 404 404 404 302 302
admin/<app>/<model>/<object_id>/change/                    404 404 404 404 404 404 404 404 200 302
admin/<app>/<model>/<object_id>/history/                   404 404 404 404 404 404 404 404 200 302
admin/<app>/<model>/<object_id>/delete/                    404 404 404 404 404 404 404 404 200 302
admin/<anything-else>                                      404 404 404 404 404 404 404 404 404 302
"""

# The API, with each operation's method. {case} is the running case, {waiting}
# the one awaiting consent; the path's placeholders are the OpenAPI names.
API = """
operation                                                  emp  hr mgr  cw cwx chf doc dc0  op ano
GET    /me                                                 200 200 200 200 200 200 200 200 401 401
GET    /me/tokens                                          200 200 200 200 200 200 200 200 401 401
POST   /me/tokens                                          201 201 201 201 201 201 201 201 401 401
DELETE /me/tokens/{prefix}                                 204 204 204 204 204 204 204 204 401 401
GET    /me/access-log                                      200 404 404 404 404 404 404 404 401 401
GET    /me/export                                          200 404 404 404 404 404 404 404 401 401
GET    /cases                                              200 200 200 200 200 200 200 200 401 401
POST   /cases                                              201 201 403 201 422 403 403 403 401 401
POST   /cases/batch                                        403 200 403 403 403 403 403 403 401 401
POST   /cases/batch/csv                                    403 200 403 403 403 403 403 403 401 401
GET    /cases/{case}                                       200 200 200 200 404 200 200 404 401 401
POST   /cases/{waiting}/consent                            200 403 403 403 404 403 404 404 401 401
POST   /cases/{waiting}/decision                           403 403 403 409 404 403 404 404 401 401
POST   /cases/{case}/certificate-request                   403 403 403 409 404 403 403 404 401 401
PUT    /cases/{case}/certificate                           403 403 403 403 404 403 200 404 401 401
GET    /cases/{case}/certificate                           200 404 404 200 404 404 200 404 401 401
POST   /cases/{case}/meetings                              403 403 403 201 404 403 403 404 401 401
POST   /cases/{case}/meetings/{meeting}/held               403 403 403 200 404 403 403 404 401 401
GET    /cases/{case}/meetings/{meeting}/invite.ics         200 404 200 200 404 200 404 404 401 401
GET    /cases/{case}/plan                                  200 200 200 200 404 200 404 404 401 401
PUT    /cases/{case}/plan                                  403 403 403 200 404 403 403 404 401 401
GET    /cases/{case}/events                                200 200 200 200 404 200 200 404 401 401
GET    /cases/{case}/documents                             200 200 200 200 404 200 200 404 401 401
POST   /cases/{case}/retention-plan-requests               409 403 403 403 404 403 403 404 401 401
POST   /cases/{case}/retention-plan-requests/{req}/answer  403 200 200 403 404 403 404 404 401 401
POST   /cases/{case}/opportunity-statements                409 409 409 403 404 403 403 404 401 401
PUT    /cases/{case}/opportunity-statements/{stmt}/part-1  409 409 409 403 404 403 403 404 401 401
POST   /cases/{case}/opportunity-statements/{stmt}/confirm 409 409 409 403 404 403 403 404 401 401
PUT    /cases/{case}/opportunity-statements/{stmt}/part-2  403 403 403 403 404 403 200 404 401 401
GET    /events                                             200 200 200 200 200 200 200 200 401 401
"""

# The web routes whose <int:case_id> is the waiting case, not the running one.
WAITING_CASE_ROUTES = {
    "sager/<case_id>/samtykke/",
    "sager/<case_id>/afgoerelse/",
    "sager/<case_id>/traek-tilbage/",
    "borger/sager/<case_id>/samtykke/",
}
# Where a route's placeholder is another object of the world than the
# placeholder's default (``<object_id>`` is the person in the administration).
ROUTE_VALUES = {
    "sager/<case_id>/fastholdelsesplan/<request_id>/svar/": {"request_id": "plan_request_id"},
    "sager/<case_id>/fastholdelsesplan/<request_id>/<step>/": {"request_id": "plan_request_id"},
    "sager/<case_id>/pdf/sagsmappe/<object_id>/": {"object_id": "version_id"},
    "sager/<case_id>/pdf/plan/<object_id>/": {"object_id": "version_id"},
    "sager/<case_id>/pdf/fastholdelsesplan/<object_id>/": {"object_id": "plan_request_id"},
    "sager/<case_id>/pdf/mulighedserklaering/<object_id>/": {"object_id": "statement_id"},
    "sager/<case_id>/pdf/brev/<object_id>/": {"object_id": "letter_id"},
}
# The OpenAPI names of the table's placeholders.
OPENAPI_NAMES = {
    "{case}": "{case_id}",
    "{waiting}": "{case_id}",
    "{meeting}": "{meeting_id}",
    "{req}": "{request_id}",
    "{stmt}": "{statement_id}",
}

_ADMIN_MODEL_ROUTE = re.compile(r"^admin/\w+/\w+/(?=(add/|<path:object_id>/|$))")


@dataclass(frozen=True)
class Row:
    key: str
    statuses: dict[str, int]


def _rows(table: str, key_columns: int) -> dict[str, Row]:
    header, *lines = table.strip().splitlines()
    columns = header.split()[1:]
    assert columns == COLUMNS, header
    rows = {}
    for line in lines:
        parts = line.split()
        key = " ".join(parts[:key_columns])
        statuses = parts[key_columns:]
        assert len(statuses) == len(COLUMNS), f"{line!r}: one status per column"
        assert key not in rows, f"{key!r} has two rows"
        rows[key] = Row(key, {c: int(s) for c, s in zip(COLUMNS, statuses, strict=True)})
    return rows


WEB_ROWS = _rows(WEB, 1)
API_ROWS = _rows(API, 2)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def web_key(route: str, operations: set[str]) -> str | None:
    """The table's key for a route of the resolver; None for an API operation
    (which the API rows cover)."""
    if route == "":
        return "/"
    if route.startswith("api/v1/"):
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        if any(operation.split(" ", 1)[1] == path for operation in operations):
            return None
        return "api/v1/<anything-else>" if route == "api/v1/" else route
    if route.startswith("admin/^(?P<app_label>"):
        return "admin/<app_label>/"
    if route == "admin/(?P<url>.*)$":
        return "admin/<anything-else>"
    if route != "admin/people/person/cpr/" and not route.startswith("admin/auth/user/<id>"):
        route = _ADMIN_MODEL_ROUTE.sub("admin/<app>/<model>/", route)
    return re.sub(r"<(?:\w+):(\w+)>", r"<\1>", route)


def _pdf_documents() -> list[str]:
    from fasttrack.web.pdf_views import _BUILDERS

    return sorted(_BUILDERS)


def _expanded(key: str) -> list[str]:
    """A PDF route is one row per kind of document: each holds other things."""
    if "/pdf/<document>/" in key:
        return [key.replace("<document>", document) for document in _pdf_documents()]
    return [key]


def site_routes() -> set[str]:
    operations = api_operations()
    routes = _walk(get_resolver().url_patterns)
    return {
        expanded
        for route in routes
        if (key := web_key(route, operations)) is not None
        for expanded in _expanded(key)
    }


def api_operations() -> set[str]:
    from fasttrack.api.api import api

    return {
        f"{method.upper()} {path}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    }


def _operation(key: str) -> str:
    """``GET /cases/{case}`` as the OpenAPI document has it: ``GET /api/v1/cases/{case_id}``."""
    method, path = key.split()
    for ours, name in OPENAPI_NAMES.items():
        path = path.replace(ours, name)
    return f"{method} /api/v1{path}"


def test_every_address_has_a_row() -> None:
    missing_web = sorted(site_routes() - set(WEB_ROWS))
    missing_api = sorted(api_operations() - {_operation(key) for key in API_ROWS})
    assert not missing_web, (
        "These URL patterns have no row in WEB of tests/web/test_access_matrix.py; add one "
        "with the status each persona must get: " + ", ".join(repr(r) for r in missing_web)
    )
    assert not missing_api, (
        "These API operations have no row in API of tests/web/test_access_matrix.py; add "
        "one (and a body in BODIES of tests/api/test_personas.py for a write): "
        + ", ".join(missing_api)
    )


def _a_new_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("new")


# The site with a page and two administration views more, as someone adds
# them without a row.
urlpatterns = [
    path("ny-side/<int:case_id>/", _a_new_page),
    path("admin/people/person/eksport/", _a_new_page),
    path("admin/people/person/<path:object_id>/eksport/", _a_new_page),
    path("", include("fasttrack.urls")),
]


@pytest.mark.parametrize(
    "route",
    [
        "ny-side/<case_id>/",
        # Issue 12, "Done when": the administration's addresses are covered too.
        "admin/people/person/eksport/",
        "admin/<app>/<model>/<object_id>/eksport/",
    ],
)
def test_it_names_a_new_address_that_has_no_row(settings: Any, route: str) -> None:
    settings.ROOT_URLCONF = __name__

    with pytest.raises(AssertionError, match=re.escape(repr(route))):
        test_every_address_has_a_row()


def test_it_names_a_new_api_operation_that_has_no_row(monkeypatch: pytest.MonkeyPatch) -> None:
    from fasttrack.api.api import api

    document = api.get_openapi_schema()
    paths = {**document["paths"], "/api/v1/me/new": {"get": {}}}
    monkeypatch.setattr(api, "get_openapi_schema", lambda **kwargs: {**document, "paths": paths})

    with pytest.raises(AssertionError, match="GET /api/v1/me/new"):
        test_every_address_has_a_row()


def test_every_row_is_an_address_that_exists() -> None:
    assert set(WEB_ROWS) - site_routes() == set(), "rows for URL patterns that are gone"
    assert {_operation(key) for key in API_ROWS} - api_operations() == set(), (
        "rows for API operations that are gone"
    )


# --- the world ---------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    values: dict[str, str]
    waiting: int


def _second_doctor() -> User:
    """A doctor of another clinic, never asked about Janni."""
    user = User.objects.create_user("laege-frederiksberg", password="x")
    clinic = Clinic.objects.get(name="Lægehuset Frederiksberg")
    Membership.objects.create(user=user, role=Role.DOCTOR, clinic=clinic)
    return user


def _build() -> World:
    base = _build_world()
    personas = base.personas
    running, waiting, meeting = base.ids["case"], base.ids["waiting"], base.ids["meeting"]
    run_due_tasks()  # the letters reach the inboxes
    janni = personas.janni
    person = janni.membership.person
    assert person is not None
    users: dict[str, User | None] = {
        "emp": janni,
        "hr": personas.hr,
        "mgr": personas.leder,
        "cw": personas.sagsbehandler,
        "cwx": personas.anden_sagsbehandler,
        "chf": personas.jobcenterchef,
        "doc": personas.laege,
        "dc0": _second_doctor(),
        "op": User.objects.create_superuser("operator", "drift@example.dk", "x"),
        "ano": None,
    }
    letter = Message.objects.filter(case_id=running, recipient_user=janni).order_by("pk").first()
    assert letter is not None
    values = {
        "case_id": str(running),
        "plan_request_id": str(base.ids["req"]),
        "statement_id": str(base.ids["stmt"]),
        "step": "medbring",
        "letter_id": str(letter.pk),
        "meeting_id": str(meeting),
        "participant_id": str(MeetingParticipant.objects.get(meeting_id=meeting, user=janni).pk),
        "message_id": str(Message.objects.filter(case_id=running).order_by("pk").first().pk),  # type: ignore[union-attr]
        "version_id": str(PlanVersion.objects.filter(plan__case_id=running).get().pk),
        "request_id": str(CertificateRequest.objects.filter(case_id=running).first().pk),  # type: ignore[union-attr]
        "item_id": str(InboxItem.objects.filter(user=janni).first().pk),  # type: ignore[union-attr]
        "object_id": str(person.pk),
        "id": str(janni.pk),
        "content_type_id": str(ContentType.objects.get_for_model(person).pk),
        # The jobcentre manager's pages: a caseworker of København, Janni.
        "membership_id": str(Membership.objects.get(user=personas.sagsbehandler).pk),
        "person_id": str(person.pk),
        # An invitation that does not exist.
        "token": "no-such-invitation",
    }
    return World(users, values, waiting)


@pytest.fixture(scope="module")
def _world_of_the_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # Built once: each test runs in a savepoint of this transaction, rolled back after it.
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture
def world(db: None, _world_of_the_module: World) -> World:
    return _world_of_the_module


def _client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        if needs_second_factor(user):
            give_second_factor(client, user)
    return client


def _held_first_conversation(world: World) -> dict[str, str]:
    """A first conversation held with Janni and Sofie, with minutes the employer
    side may not read (R-09). Made for its row alone: a held first conversation
    leaves nothing more to book on the case."""
    running = FastTrackCase.objects.get(pk=world.values["case_id"])
    janni, caseworker = world.users["emp"], world.users["cw"]
    held = case_actions.book_meeting(
        case=running,
        actor=caseworker,
        kind=MeetingKind.FIRST_CONVERSATION,
        starts_at=timezone.now() - timedelta(hours=2),
        now=timezone.now() - timedelta(days=2),
        location="Jobcenter København",
        participants=[
            {"user": janni, "name": "Janni Mikkelsen", "role": "employee"},
            {"user": caseworker, "name": "Sofie Bech", "role": "caseworker"},
        ],
    )
    case_actions.record_meeting_held(
        case=running,
        actor=caseworker,
        meeting=held,
        held_on=timezone.localdate(),
        minutes="Talked about the job.",
    )
    return {"object_id": str(held.pk)}


# Rows whose object is made in the row's own savepoint, as it would change others.
ROW_SETUP = {"sager/<case_id>/pdf/referat/<object_id>/": _held_first_conversation}


def web_address(key: str, world: World) -> str:
    values = dict(world.values)
    if key in ROW_SETUP:
        values.update(ROW_SETUP[key](world))
    if key in WAITING_CASE_ROUTES:
        values["case_id"] = str(world.waiting)
    for placeholder, name in ROUTE_VALUES.get(key, {}).items():
        values[placeholder] = world.values[name]
    special = {
        "/": "",
        "api/v1/<anything-else>": "api/v1/findes-ikke",
        "admin/<app_label>/": "admin/people/",
        "admin/<anything-else>": "admin/findes-ikke/",
    }
    address = special.get(key, key.replace("admin/<app>/<model>/", "admin/people/person/"))
    address = re.sub(r"<(\w+)>", lambda m: values[m.group(1)], address)
    return "/" + address


def _mismatches(expected: Row, actual: dict[str, int]) -> list[str]:
    return [
        f"{column}: expected {expected.statuses[column]}, got {actual[column]}"
        for column in COLUMNS
        if actual[column] != expected.statuses[column]
    ]


@pytest.mark.parametrize("key", sorted(WEB_ROWS))
def test_each_persona_gets_the_status_of_the_row_on_the_site(key: str, world: World) -> None:
    address = web_address(key, world)
    actual = {}
    for column in COLUMNS:
        response = _client_as(world.users[column]).get(address)
        actual[column] = response.status_code
        if column == "ano" and response.status_code == 302:
            # A visitor is sent to the one login page (the administration's
            # addresses by way of its own, which sends on to it).
            assert response["Location"].startswith(("/log-ind/", "/admin/")), (
                address,
                response["Location"],
            )
    assert not _mismatches(WEB_ROWS[key], actual), (address, _mismatches(WEB_ROWS[key], actual))


# Who reads no rule id: the employee, the employer side and the doctors; the
# jobcentre and the operator keep them (its legal-basis line, the administration),
# and so does the API's own description, whose problems carry a ``rule_id``.
PARTIES = ["emp", "hr", "mgr", "doc", "dc0"]


@pytest.mark.parametrize(
    "key",
    sorted(
        key
        for key, row in WEB_ROWS.items()
        if not key.startswith("api/v1/") and any(row.statuses[c] == 200 for c in PARTIES)
    ),
)
def test_no_page_or_pdf_a_party_may_open_names_a_rule_id(key: str, world: World) -> None:
    """Every address a party may open, each party that may open it: a new page
    gets a row above and so is read here too."""
    address = web_address(key, world)
    read = []
    for column in PARTIES:
        if WEB_ROWS[key].statuses[column] != 200:
            continue
        response = _client_as(world.users[column]).get(address)
        assert response.status_code == 200, (address, column, response.status_code)
        found = RULE_ID.findall(readable_text(response))
        assert not found, (address, column, found)
        read.append(column)
    assert read


def _api_call(world: World, column: str, key: str) -> int:
    method, template = key.split()
    user = world.users[column]
    headers: dict[str, str] = {}
    prefix = "none"
    if user is not None:
        headers = ApiClient(issue_token(user=user, name="matrix")[1]).headers()
        spare, _ = issue_token(user=user, name="spare")
        prefix = spare.prefix
    path = "/api/v1" + template.format(
        case=world.values["case_id"],
        waiting=world.waiting,
        meeting=world.values["meeting_id"],
        req=world.values["plan_request_id"],
        stmt=world.values["statement_id"],
        prefix=prefix,
    )
    request = f"{method} {template}"
    body = BODIES[request]() if request in BODIES else None
    client = Client()
    if isinstance(body, bytes):
        response = client.post(path, body, content_type="text/csv", headers=headers)
    elif body is not None:
        response = client.generic(
            method, path, data=_json(body), content_type="application/json", headers=headers
        )
    else:
        response = client.generic(method, path, headers=headers)
    return int(response.status_code)


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


@pytest.mark.parametrize("key", sorted(API_ROWS))
def test_each_persona_gets_the_status_of_the_row_in_the_api(key: str, world: World) -> None:
    actual = {}
    for column in COLUMNS:
        # Each persona's call in its own savepoint: one persona's write (a
        # booked meeting, a recorded certificate) must not decide the next one's.
        sid = transaction.savepoint()
        actual[column] = _api_call(world, column, key)
        transaction.savepoint_rollback(sid)
    assert not _mismatches(API_ROWS[key], actual), (key, _mismatches(API_ROWS[key], actual))


def test_every_model_of_the_administration_is_the_operators_alone(world: World) -> None:
    from django.contrib import admin

    operator, party = _client_as(world.users["op"]), _client_as(world.users["chf"])
    visitor = _client_as(None)
    for model in admin.site._registry:
        address = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert operator.get(address).status_code == 200, address
        assert party.get(address).status_code == 404, address
        assert visitor.get(address).status_code == 302, address
