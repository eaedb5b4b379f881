"""HR uploads a payroll file of requests and sees every row's outcome."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from fasttrack.audit.models import AccessLogEntry
from fasttrack.cases import batch
from fasttrack.cases.identity import NAME_REQUIRED
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.validators import clean_cpr
from tests.conftest import Personas

UPLOAD = "/arbejdsgiver/anmodninger/fil/"
SAMPLE = "/arbejdsgiver/anmodninger/fil/eksempel.csv"
TODAY = date(2026, 11, 24)
HEADER = "employee_cpr;first_absence_day;expects_over_8_weeks;affected_functions"


@pytest.fixture
def hr(login: Callable[[User], Client], personas: Personas, time_machine: object) -> Client:
    time_machine.move_to(  # type: ignore[attr-defined]
        datetime.combine(TODAY, time(10), tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    )
    return login(personas.hr)


def _file(*rows: str) -> SimpleUploadedFile:
    # As Excel in Denmark saves "CSV UTF-8": a BOM, semicolons and DD-MM-YYYY.
    text = "\ufeff" + "\r\n".join((HEADER, *rows)) + "\r\n"
    return SimpleUploadedFile("loen.csv", text.encode(), content_type="text/csv")


def _row(page: str, line: int) -> str:
    match = re.search(rf'<tr data-row="{line}" data-status="(\w+)">(.*?)</tr>', page, re.S)
    assert match, f"row {line} is not shown"
    return f"{match.group(1)} {html.unescape(match.group(2))}"


def test_it_shows_the_form_the_columns_and_a_sample(hr: Client) -> None:
    page = hr.get(UPLOAD).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<label class="form-label" for="id_file">' in page
    assert 'type="file" id="id_file" name="file"' in page
    assert f'href="{SAMPLE}"' in page
    for column in batch.COLUMNS:
        assert f"<code>{column}</code>" in page
    assert UPLOAD in hr.get("/arbejdsgiver/").content.decode()


def test_it_offers_a_sample_file_excel_opens_in_danish(hr: Client) -> None:
    response = hr.get(SAMPLE)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith("\ufeff".encode())
    rows = batch.read_csv(response.content)
    assert [row.errors for row in rows] == [{}, {}]
    assert rows[0].first_absence_day == date(2026, 11, 21)


@pytest.mark.parametrize("username", ["leder", "janni", "laege", "sagsbehandler", "anden_hr"])
def test_only_employer_hr_may_upload(
    username: str, login: Callable[[User], Client], personas: Personas
) -> None:
    client = login(getattr(personas, username))
    if username == "anden_hr":
        # HR at another employer has the page, for its own employees only.
        assert client.get(UPLOAD).status_code == 200
        return
    assert client.get(UPLOAD).status_code == 404
    assert client.get(SAMPLE).status_code == 404
    assert client.post(UPLOAD, {"file": _file()}).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login(client: Client, db: None) -> None:
    response = client.get(UPLOAD)

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_it_requests_every_good_row_and_shows_each_rows_outcome(hr: Client) -> None:
    response = hr.post(
        UPLOAD,
        {
            "file": _file(
                "120381-4562;21-11-2026;ja;Tunge løft",
                "321381-4562;21-11-2026;ja;",  # no such date of birth
                "010190-1234;21-11-2026;ja;",  # nobody at Nordisk Fabrik
                "050776-2213;01-10-2026;ja;",  # too late
                ";;;",
                "120381-4562;21-11-2026;ja;",  # the same absence again
                "020475-1350;31-11-2026;ja;",  # no such day
                "020475-1350;2026-11-20;ja;",
            )
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    janni = FastTrackCase.objects.get(absence__person__name="Janni Mikkelsen")
    hanne = FastTrackCase.objects.get(absence__person__name="Hanne Sørensen")
    assert FastTrackCase.objects.count() == 2
    assert janni.request_channel == hanne.request_channel == "web"
    assert janni.answers.get().affected_functions == "Tunge løft"
    with translation.override("da"):
        with pytest.raises(ValidationError) as invalid:
            clean_cpr("3213814562")
        not_a_date = gettext("Enter a date as YYYY-MM-DD or DD-MM-YYYY.")
        unknown = str(NAME_REQUIRED)
    assert _row(page, 2).startswith("created")
    assert f'href="/sager/{janni.pk}/"' in _row(page, 2)
    assert invalid.value.messages[0] in _row(page, 3)
    assert unknown in _row(page, 4)
    assert _row(page, 5).startswith("error")
    assert "Ahmed Hassan" in _row(page, 5)
    # The last valid day, in words HR reads; the rule id is the API's, not HR's.
    assert "4. november 2026" in _row(page, 5)
    assert "R-03" not in _row(page, 5)
    assert _row(page, 7).startswith("existing")
    assert f'href="/sager/{janni.pk}/"' in _row(page, 7)
    assert not_a_date in _row(page, 8)
    assert f'href="/sager/{hanne.pk}/"' in _row(page, 9)
    assert 'data-row="6"' not in page  # the empty row
    # Only the date of birth of a CPR number is shown.
    assert "120381-xxxx" in _row(page, 2)
    for number in ("1203814562", "120381-4562", "010190-1234", "050776-2213"):
        assert number not in page
    assert AccessLogEntry.objects.filter(action="search", user__username="hr").count() == 6


def test_a_file_that_cannot_be_read_is_shown_at_the_field(hr: Client) -> None:
    data = SimpleUploadedFile("loen.csv", b"cpr;first_absence_day\r\n1203814562;21-11-2026\r\n")

    response = hr.post(UPLOAD, {"file": data})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'href="#id_file"' in page  # the error summary links to the field
    assert 'aria-invalid="true"' in page
    with translation.override("da"):
        missing = gettext("Missing columns: %(missing)s.") % {
            "missing": "employee_cpr, expects_over_8_weeks"
        }
    assert missing in page
    assert not FastTrackCase.objects.exists()


def test_it_asks_for_a_file(hr: Client) -> None:
    page = hr.post(UPLOAD, {}).content.decode()

    with translation.override("da"):
        assert html.escape(gettext("Choose the file to upload.")) in page


def test_the_upload_is_protected_against_csrf(personas: Personas, db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.hr)

    response = client.post(UPLOAD, {"file": _file("120381-4562;21-11-2026;ja;")})

    assert response.status_code == 403
    assert not FastTrackCase.objects.exists()
