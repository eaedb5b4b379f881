"""Input that once answered 500 is a 4xx with a message at its field.

A NUL character in any JSON text (no database text column takes one), a
meeting time with an offset no place uses or in year 9999, a body over the
limit, and texts over the same length limits the pages use.

Issue 12, finding 6 (the API).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from fasttrack.api.cases import AnswersIn, CaseRequestIn
from fasttrack.api.models import ApiToken
from fasttrack.cases import actions, batch
from fasttrack.cases.models import FastTrackCase
from fasttrack.lib.validation import NAME_LENGTH, TEXT_LENGTH
from fasttrack.meetings.models import Meeting
from fasttrack.plans.models import PlanVersion

NUL = "Leder\u0000kontor"
CPR = "1203814562"


def _answers(**changes: str) -> dict[str, str]:
    return {
        "affected_functions": "Løft",
        "affected_duration": "To uger",
        "adjustments_tried": "Kortere vagter",
        **changes,
    }


def _request(**changes: Any) -> dict[str, Any]:
    first_absence_day = (timezone.localdate() - timedelta(days=3)).isoformat()
    return {
        "employee_cpr": CPR,
        "first_absence_day": first_absence_day,
        "expects_over_8_weeks": True,
        "answers": _answers(),
        "employer_cvr": "29887659",
        **changes,
    }


def _tomorrow_at_ten(offset: str = "+01:00") -> str:
    return f"{(timezone.localdate() + timedelta(days=1)).isoformat()}T10:00:00{offset}"


def _assert_field_error(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert list(body["errors"]) == [field], body
    assert body["errors"][field][0]


# --- NUL characters -------------------------------------------------------------------


def test_a_nul_in_the_answers_of_a_request_is_422_at_the_field(personas, api_as):
    response = api_as(personas.hr).post(
        "/api/v1/cases", _request(answers=_answers(affected_duration=NUL))
    )

    _assert_field_error(response, "answers.affected_duration")
    assert not FastTrackCase.objects.exists()


def test_a_nul_in_the_consent_answers_is_422_at_the_field(personas, api_as, make_case):
    case = make_case()

    response = api_as(personas.janni).post(
        f"/api/v1/cases/{case.pk}/consent",
        {"accept": True, "answers": _answers(adjustments_tried=NUL)},
    )

    _assert_field_error(response, "answers.adjustments_tried")
    case.refresh_from_db()
    assert case.state == "awaiting_consent"


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"summary": NUL}, "summary"),
        (
            {
                "summary": "Lettere opgaver",
                "measures": [{"kind": "aids", "description": NUL, "owner": "Arbejdsgiver"}],
            },
            "measures.0.description",
        ),
        (
            {
                "summary": "Lettere opgaver",
                "measures": [{"kind": "aids", "description": "Hæve-sænkebord", "owner": NUL}],
            },
            "measures.0.owner",
        ),
    ],
)
def test_a_nul_in_the_plan_is_422_at_the_field(personas, api_as, active_case, plan, field):
    response = api_as(personas.sagsbehandler).put(f"/api/v1/cases/{active_case.pk}/plan", plan)

    _assert_field_error(response, field)
    assert not PlanVersion.objects.exists()


def test_a_nul_in_a_participants_name_is_422_at_the_field(personas, api_as, active_case):
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{active_case.pk}/meetings",
        {
            "kind": "first_conversation",
            "starts_at": _tomorrow_at_ten(),
            "location": "Jobcenter København",
            "participants": [{"party": "employee"}, {"party": "companion", "name": NUL}],
        },
    )

    _assert_field_error(response, "participants.1.name")
    assert not Meeting.objects.exists()


def test_a_nul_in_the_certificate_is_422_at_the_field(personas, api_as, active_case):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)

    response = api_as(personas.laege).put(
        f"/api/v1/cases/{active_case.pk}/certificate",
        {
            "diagnosis": NUL,
            "work_capacity": "Nedsat",
            "considerations": "",
            "expected_return": "",
            "remarks": "",
        },
    )

    _assert_field_error(response, "diagnosis")


def test_a_nul_in_a_token_name_is_422_at_the_field(personas, api_as):
    api = api_as(personas.hr)
    before = ApiToken.objects.count()

    response = api.post("/api/v1/me/tokens", {"name": NUL})

    _assert_field_error(response, "name")
    assert ApiToken.objects.count() == before


def test_the_nul_message_follows_the_callers_language(personas, api_as):
    api = api_as(personas.hr)
    body = _request(answers=_answers(affected_functions=NUL))

    danish = api.post("/api/v1/cases", body, headers={"Accept-Language": "da"}).json()
    english = api.post("/api/v1/cases", body, headers={"Accept-Language": "en"}).json()

    assert danish["errors"] != english["errors"]
    assert "NUL" in english["errors"]["answers.affected_functions"][0]


# --- meeting times --------------------------------------------------------------------


@pytest.mark.parametrize(
    "starts_at",
    [
        _tomorrow_at_ten("+19:00"),
        _tomorrow_at_ten("-13:00"),
        "9999-12-31T23:00:00-05:00",
        "9999-06-01T10:00:00+01:00",
        "2100-01-01T10:00:00+01:00",
    ],
)
def test_a_meeting_time_out_of_range_is_422_at_starts_at(personas, api_as, active_case, starts_at):
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{active_case.pk}/meetings",
        {"kind": "first_conversation", "starts_at": starts_at, "location": "Jobcenter"},
    )

    _assert_field_error(response, "starts_at")
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("offset", ["+14:00", "-12:00", "Z"])
def test_the_outermost_offsets_in_use_are_taken(personas, api_as, active_case, offset):
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{active_case.pk}/meetings",
        {
            "kind": "first_conversation",
            "starts_at": _tomorrow_at_ten(offset),
            "location": "Jobcenter",
        },
    )

    assert response.status_code == 201, response.json()


# --- the body limit -------------------------------------------------------------------


def _worst_case_item() -> dict[str, Any]:
    """A batch item with every text at its longest, in characters JSON escapes."""
    longest = "\u2603"
    item: dict[str, Any] = {}
    for name, field in CaseRequestIn.model_fields.items():
        if name == "answers":
            item[name] = {
                key: longest * _max_length(answer) for key, answer in AnswersIn.model_fields.items()
            }
        elif field.annotation in (str, str | None):
            item[name] = "9" * _max_length(field)
        else:
            item[name] = "2026-01-01" if "day" in name else True
    return item


def _max_length(field: Any) -> int:
    lengths = [m.max_length for m in field.metadata if hasattr(m, "max_length")]
    assert lengths, f"{field} has no max_length: the body limit cannot be shown to fit"
    return int(lengths[0])


def test_the_largest_valid_batch_fits_the_body_limit():
    body = json.dumps({"requests": [_worst_case_item()] * batch.MAX_JSON_REQUESTS})

    assert len(body.encode()) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_batch_over_the_body_limit_is_413_problem_json(personas, api_as):
    filler = "x" * TEXT_LENGTH
    item = _request(answers=_answers(affected_functions=filler))
    count = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // len(json.dumps(item)) + 2

    response = api_as(personas.hr).post("/api/v1/cases/batch", {"requests": [item] * count})

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")
    assert "MB" in response.json()["detail"]
    assert not FastTrackCase.objects.exists()


def test_a_body_over_the_limit_without_a_declared_length_is_413_too(personas, api_as, rf):
    from fasttrack.api.middleware import ApiBodyMiddleware

    big = b'{"requests": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    request = rf.post("/api/v1/cases/batch", big, content_type="application/json")
    del request.META["CONTENT_LENGTH"]

    response = ApiBodyMiddleware(lambda r: pytest.fail("reached the endpoint"))(request)

    assert response.status_code == 413


# --- the same length limits as the pages ----------------------------------------------


def test_a_participants_name_has_the_pages_length_limit(personas, api_as, active_case):
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{active_case.pk}/meetings",
        {
            "kind": "first_conversation",
            "starts_at": _tomorrow_at_ten(),
            "location": "Jobcenter København",
            "participants": [
                {"party": "employee"},
                {"party": "companion", "name": "Å" * (NAME_LENGTH + 1)},
            ],
        },
    )

    _assert_field_error(response, "participants.1.name")


# --- every JSON text of every operation -----------------------------------------------


def _texts(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The dotted path of every text in a JSON value, as the API's ``errors`` name it."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, str(index)))


def _with_nul(value: Any, path: tuple[str, ...]) -> Any:
    if not path:
        return f"{value}\u0000"
    head, *rest = path
    if isinstance(value, list):
        copy = list(value)
        copy[int(head)] = _with_nul(value[int(head)], tuple(rest))
        return copy
    return {**value, head: _with_nul(value[head], tuple(rest))}


def _json_texts_of_every_write() -> list[tuple[str, str]]:
    from tests.api.test_personas import BODIES

    return [
        (operation, ".".join(path))
        for operation, body in BODIES.items()
        if isinstance(sample := body(), dict)
        for path in _texts(sample)
    ]


@pytest.mark.parametrize(("operation", "field"), _json_texts_of_every_write())
def test_a_nul_in_any_text_of_any_write_is_422_at_that_field(personas, api_as, operation, field):
    """Issue 12, finding 6: a NUL in any JSON text field answers 422 at that field.

    Each write's example body (tests/api/test_personas.py) with a NUL added to
    one of its texts at a time: refused before the operation runs, so the
    case and meeting ids in the address need not exist.
    """
    from tests.api.test_personas import BODIES

    method, template = operation.split(" ", 1)
    path = "/api/v1" + re.sub(r"\{\w+\}", "1", template)
    body = _with_nul(BODIES[operation](), tuple(field.split(".")))
    api = api_as(personas.hr)
    before = (FastTrackCase.objects.count(), ApiToken.objects.count(), Meeting.objects.count())

    response = api.post(path, body) if method == "POST" else api.put(path, body)

    _assert_field_error(response, field)
    after = (FastTrackCase.objects.count(), ApiToken.objects.count(), Meeting.objects.count())
    assert after == before


def test_a_batch_between_the_old_and_the_new_body_limit_is_422_at_requests(personas, api_as):
    """Issue 12, finding 6: a batch body over 2.5 MB used to answer 500.

    The body limit is now 10 MB, so a 3 MB batch is read; it holds more
    requests than a batch takes, which is a 422 at ``requests``, not a 500.
    """
    filler = "x" * TEXT_LENGTH
    item = _request(answers=_answers(affected_functions=filler))
    count = 3 * 1024 * 1024 // len(json.dumps(item)) + 1
    body = {"requests": [item] * count}
    assert 2.5 * 1024 * 1024 < len(json.dumps(body)) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = api_as(personas.hr).post("/api/v1/cases/batch", body)

    _assert_field_error(response, "requests")
    assert not FastTrackCase.objects.exists()
