"""POST /cases/batch and /cases/batch/csv: many requests at once, each on its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from fasttrack.audit.models import AccessLogEntry, CaseEvent
from fasttrack.cases import actions, batch, letters
from fasttrack.cases.errors import RequestTooLate, localized_message
from fasttrack.cases.identity import MUNICIPALITY_REQUIRED, NAME_REQUIRED
from fasttrack.cases.models import Absence, FastTrackCase
from fasttrack.lib.rules import last_valid_request_day, rule_set_for
from fasttrack.people.validators import clean_cpr
from tests.api.conftest import ApiClient

BATCH = "/api/v1/cases/batch"
CSV = "/api/v1/cases/batch/csv"
JANNI = "1203814562"
AHMED = "0507762213"
HANNE = "0204751350"
ANSWERS = {
    "affected_functions": "Lifting",
    "affected_duration": "Two weeks",
    "adjustments_tried": "Shorter shifts",
}


def _day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def _item(cpr: Any = JANNI, days_ago: int = 3, **changes: Any) -> dict[str, Any]:
    return {
        "employee_cpr": cpr,
        "first_absence_day": _day(days_ago),
        "expects_over_8_weeks": True,
        "answers": ANSWERS,
        **changes,
    }


def _danish(message: Any) -> str:
    with translation.override("da"):
        return str(message)


def test_it_requests_each_row_on_its_own_and_answers_every_row(personas, api_as):
    items = [
        _item(JANNI),
        _item("3213814562"),  # no such date of birth
        _item("0101901234"),  # a valid number, but nobody at Nordisk Fabrik
        _item(AHMED, days_ago=200),  # too late
        _item(JANNI, answers=None),  # the same absence again
        _item(HANNE, first_absence_day="16-11-2026"),  # not a JSON date
        _item(AHMED, days_ago=2, answers=None),
    ]

    response = api_as(personas.hr).post(BATCH, {"requests": items})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(len(items)))
    assert [r["status"] for r in results] == [
        "created",
        "error",
        "error",
        "error",
        "existing",
        "error",
        "created",
    ]
    janni_case = FastTrackCase.objects.get(absence__person__name="Janni Mikkelsen")
    assert results[0]["case"]["id"] == results[4]["case"]["id"] == janni_case.pk
    assert results[0]["case"]["employee"] == {"name": "Janni Mikkelsen"}
    assert results[0]["case"]["state"] == "awaiting_consent"
    assert janni_case.request_channel == "api"
    assert FastTrackCase.objects.count() == 2
    assert Absence.objects.count() == 2

    with translation.override("da"):
        with pytest.raises(ValidationError) as invalid:
            clean_cpr("3213814562")
        not_a_date = gettext("Enter a date as YYYY-MM-DD.")
    assert results[1]["errors"] == {"employee_cpr": invalid.value.messages}
    # Someone not yet the employer's employee needs a name and a home municipality.
    assert results[2]["errors"] == {
        "employee_name": [_danish(NAME_REQUIRED)],
        "employee_municipality_code": [_danish(MUNICIPALITY_REQUIRED)],
    }
    assert results[3]["rule_id"] == "R-03"
    assert list(results[3]["errors"]) == ["first_absence_day"]
    assert results[5]["errors"] == {"first_absence_day": [not_a_date]}
    for failed in (results[1], results[2], results[5]):
        assert failed["case"] is None
        assert failed["rule_id"] is None
    # The CPR number is never given back in full, only the date of birth.
    body = response.content.decode()
    for number in (JANNI, AHMED, "0101901234", "3213814562"):
        assert number not in body
        assert f"{number[:6]}-{number[6:]}" not in body
    assert results[0]["employee_cpr"] == "120381-xxxx"
    assert results[2]["employee_cpr"] == "010190-xxxx"


def test_a_refused_rule_says_so_in_the_single_requests_words(personas, api_as):
    response = api_as(personas.hr).post(
        BATCH, {"requests": [_item(AHMED, days_ago=200)]}, headers={"Accept-Language": "en"}
    )

    (result,) = response.json()["results"]
    today = timezone.localdate()
    with translation.override("en"):
        rule_set = rule_set_for(today)
        first_day = today - timedelta(days=200)
        expected = localized_message(
            RequestTooLate(
                last_valid_day=last_valid_request_day(rule_set, first_day),
                window_days=rule_set.request_window_days,
                first_absence_day=first_day,
            )
        )
    assert result["errors"] == {"first_absence_day": [expected]}
    assert result["rule_id"] == "R-03"


def test_it_logs_each_cpr_lookup_as_a_single_request_does(personas, api_as):
    api_as(personas.hr).post(
        BATCH, {"requests": [_item(JANNI), _item("0101901234"), _item("12345")]}
    )

    searches = AccessLogEntry.objects.filter(action="search", purpose="request").order_by("pk")
    # A number that is not a CPR number is not looked up.
    assert [(s.criterion, s.person_id is not None) for s in searches] == [
        ("120381-xxxx", True),
        ("010190-xxxx", False),
    ]
    assert all(s.user == personas.hr for s in searches)


def test_it_refuses_an_empty_or_too_large_or_malformed_batch(personas, api_as):
    api = api_as(personas.hr)

    empty = api.post(BATCH, {"requests": []})
    too_many = api.post(BATCH, {"requests": [_item()] * (batch.MAX_JSON_REQUESTS + 1)})
    not_objects = api.post(BATCH, {"requests": [_item(), "not an object"]})

    assert empty.status_code == too_many.status_code == not_objects.status_code == 422
    assert list(empty.json()["errors"]) == ["requests"]
    assert list(not_objects.json()["errors"]) == ["requests.1"]
    assert str(batch.MAX_JSON_REQUESTS) in too_many.json()["errors"]["requests"][0]
    assert not FastTrackCase.objects.exists()
    assert not AccessLogEntry.objects.filter(action="search").exists()


@pytest.mark.parametrize("username", ["leder", "janni", "laege", "sagsbehandler", "jobcenterchef"])
def test_only_the_employers_hr_may_send_a_batch(username, personas, api_as):
    api = api_as(personas.all()[username])

    assert api.post(BATCH, {"requests": [_item()]}).status_code == 403
    assert api.client.post(
        CSV, b"x", content_type="text/csv", headers=api.headers()
    ).status_code == (403)
    assert not FastTrackCase.objects.exists()


def test_it_answers_401_without_a_token(db):
    assert ApiClient(None).post(BATCH, {"requests": [_item()]}).status_code == 401


def test_a_retried_batch_replays_its_results_without_acting_twice(personas, api_as):
    api = api_as(personas.hr)
    headers = {"Idempotency-Key": "payroll-2026-11-run-1"}
    body = {"requests": [_item(JANNI), _item(AHMED, days_ago=200), _item(HANNE)]}

    first = api.post(BATCH, body, headers=headers)
    events = CaseEvent.objects.count()
    again = api.post(BATCH, body, headers=headers)

    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotency-Replayed"] == "true"
    assert FastTrackCase.objects.count() == 2
    # Not even joined again: the history is as after the first run.
    assert CaseEvent.objects.count() == events
    assert api.post(BATCH, {"requests": [_item(JANNI)]}, headers=headers).status_code == 422


@pytest.mark.django_db(transaction=True)
def test_a_row_failing_inside_the_action_leaves_the_others_made(personas, api_as, monkeypatch):
    def consent_request(case: Any, **kwargs: Any) -> Any:
        if case.absence.person.name == "Ahmed Hassan":
            raise OperationalError("database is locked")
        return original_consent_request(case, **kwargs)

    original_consent_request = letters.consent_request
    monkeypatch.setattr(letters, "consent_request", consent_request)

    response = api_as(personas.hr).post(
        BATCH, {"requests": [_item(JANNI), _item(AHMED), _item(HANNE)]}
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error", "created"]
    assert list(results[1]["errors"]) == [batch.REQUEST_KEY]
    names = set(FastTrackCase.objects.values_list("absence__person__name", flat=True))
    assert names == {"Janni Mikkelsen", "Hanne Sørensen"}
    # Ahmed's request was rolled back whole, the absence with it.
    assert not Absence.objects.filter(person__name="Ahmed Hassan").exists()


def test_the_queries_grow_by_a_fixed_number_per_row(personas, api_as):
    api = api_as(personas.hr)
    api.post(BATCH, {"requests": [_item(JANNI, days_ago=9)]})  # warm the caches

    def withdraw_all() -> None:
        # One open case per person and employer: each round starts without.
        for case in FastTrackCase.objects.filter(state="awaiting_consent"):
            actions.withdraw(case=case, actor=personas.hr, reason="Test round over.")

    counts = []
    for size, days_ago in ((1, 3), (2, 4), (3, 5)):
        withdraw_all()
        rows = [_item(cpr, days_ago=days_ago) for cpr in (JANNI, AHMED, HANNE)[:size]]
        with CaptureQueriesContext(connection) as queries:
            response = api.post(BATCH, {"requests": rows})
        assert [r["status"] for r in response.json()["results"]] == ["created"] * size
        counts.append(len(queries))

    per_row = counts[1] - counts[0]
    assert counts[2] - counts[1] == per_row
    assert per_row <= 45


# --- the CSV file as the body ----------------------------------------------------------


def _csv(text: str, *, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + text).encode()


def test_it_takes_a_semicolon_file_with_a_bom_and_danish_dates(personas, api_as):
    day = timezone.localdate() - timedelta(days=3)
    data = _csv(
        "employee_cpr;first_absence_day;expects_over_8_weeks;affected_functions\r\n"
        f"120381-4562;{day:%d-%m-%Y};ja;Tunge løft\r\n"
        ";;;\r\n"
        f"050776-2213;{day:%d-%m-%Y};nej;\r\n"
        f"020475-1350;{day.isoformat()};1;\r\n"
    )

    api = api_as(personas.hr)
    response = api.client.post(CSV, data, content_type="text/csv", headers=api.headers())

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["line"], r["status"]) for r in results] == [
        (2, "created"),
        (4, "error"),
        (5, "created"),
    ]
    assert results[1]["rule_id"] == "R-04"
    assert list(results[1]["errors"]) == ["expects_over_8_weeks"]
    case = FastTrackCase.objects.get(pk=results[0]["case"]["id"])
    assert case.absence.first_absence_day == day
    assert case.answers.get().affected_functions == "Tunge løft"


def test_a_file_with_unknown_or_missing_columns_is_refused_before_any_row(personas, api_as):
    day = timezone.localdate() - timedelta(days=3)
    data = _csv(f"employee_cpr,first_day,cvr\r\n120381-4562,{day:%d-%m-%Y},ja\r\n")

    api = api_as(personas.hr)
    response = api.client.post(CSV, data, content_type="text/csv", headers=api.headers())

    assert response.status_code == 422
    (messages,) = response.json()["errors"].values()
    assert "first_day, cvr" in messages[0]
    assert "first_absence_day, expects_over_8_weeks" in messages[1]
    assert not FastTrackCase.objects.exists()
    assert not AccessLogEntry.objects.filter(action="search").exists()


def test_the_csv_path_refuses_other_content_types_and_large_files(personas, api_as):
    api = api_as(personas.hr)

    wrong_type = api.post(CSV, {"requests": [_item()]})
    too_large = api.client.post(
        CSV,
        b"employee_cpr;first_absence_day;expects_over_8_weeks\r\n" + b"x" * batch.MAX_FILE_BYTES,
        content_type="text/csv",
        headers=api.headers(),
    )

    assert wrong_type.status_code == 415
    assert too_large.status_code == 413
    assert too_large["Content-Type"] == "application/problem+json"


def test_the_csv_path_replays_a_retried_file(personas, api_as):
    day = timezone.localdate() - timedelta(days=3)
    data = _csv(f"employee_cpr;first_absence_day;expects_over_8_weeks\r\n120381-4562;{day};ja\r\n")
    api = api_as(personas.hr)
    headers = api.headers({"Idempotency-Key": "payroll-file-7"})

    first = api.client.post(CSV, data, content_type="text/csv", headers=headers)
    again = api.client.post(CSV, data, content_type="text/csv", headers=headers)

    assert first.json() == again.json()
    assert again["Idempotency-Replayed"] == "true"
    assert FastTrackCase.objects.count() == 1


def test_a_batch_requests_for_someone_not_yet_an_employee_with_name_and_municipality(
    personas, api_as
) -> None:
    item = _item(JANNI) | {"employee_name": "Janni Mikkelsen", "employee_municipality_code": "101"}
    response = api_as(personas.all()["anden-hr"]).post(BATCH, {"requests": [item]})
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["status"] == "created"
    assert result["case"]["employee"] == {"name": "Janni Mikkelsen"}
