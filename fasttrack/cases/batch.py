"""Many Fast track requests at once, from a payroll file or the API.

Employers rarely type requests by hand: their payroll and HR systems send
them. Each request of a batch is checked and made on its own, through the same
action as a single request (``actions.request_fast_track``), each in its own
transaction: a bad row never undoes or holds up a good one, and every row gets
its own result: ``created``, ``existing`` (it joined the case for the same
absence, R-05) or ``error``, with messages per field in the single request's
words. A CPR number is never given back in full, only masked.

The file format (docs/api.md, "Batch requests"): UTF-8, with or without the
BOM Excel writes; ``;`` or ``,`` between values, whichever the header row uses;
a header row naming the fields of ``POST /cases``; dates as YYYY-MM-DD or the
Danish DD-MM-YYYY. A file that cannot be read as a whole (too large, too many
rows, unknown or missing columns) is refused before any row is processed.

The lookup of an employee by CPR number and the field a rule refusal belongs
to are shared with the single request (``fasttrack.api.cases`` and the web
request form), so a batch row and a single request answer in the same words.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fasttrack.audit.access import AccessAction, log_access
from fasttrack.audit.models import Purpose
from fasttrack.cases import actions
from fasttrack.cases.errors import (
    NotPermitted,
    RuleViolation,
    localized_message,
)
from fasttrack.cases.models import Channel, FastTrackCase, Requester
from fasttrack.lib.cpr import mask_cpr, normalise_cpr
from fasttrack.lib.rules import QUESTION_KEYS
from fasttrack.lib.validation import TEXT_LENGTH
from fasttrack.people.models import Employer, Person
from fasttrack.people.validators import clean_cpr, clean_cvr

logger = logging.getLogger("fasttrack.cases")

# Enough for a month's new sick leave at a large employer, small enough that
# one upload is answered within a normal request timeout.
MAX_ROWS = 500
MAX_FILE_BYTES = 2 * 1024 * 1024
# A JSON batch carries up to three answers of MAX_ANSWER_LENGTH per request, so
# it takes fewer requests than a file: the largest valid batch must fit the
# body limit (settings.DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_JSON_REQUESTS = 100
# As POST /cases.
MAX_ANSWER_LENGTH = TEXT_LENGTH

REQUIRED_COLUMNS = ("employee_cpr", "first_absence_day", "expects_over_8_weeks")
# the name and home municipality of someone not yet the employer's employee;
# a new absence while the person's case is open.
OPTIONAL_COLUMNS = (
    *QUESTION_KEYS,
    "employer_cvr",
    "employee_name",
    "employee_municipality_code",
    "new_absence",
)
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
# ISO first; then as Danish payroll files and Excel write dates.
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")
_YES = frozenset({"ja", "true", "1", "yes"})
_NO = frozenset({"nej", "false", "0", "no"})
# Errors that concern the whole request rather than one of its fields.
REQUEST_KEY = "request"


# --- shared with the single request ---------------------------------------------

# One message whether the person is unknown or works elsewhere: an employer
# must not learn who exists in the CPR register.
UNKNOWN_EMPLOYEE = _("We cannot find an employee with this CPR number here. Check the number.")
NOT_YOUR_CVR = _("This is not your employer's CVR number.")
REQUIRED = _("This field is required.")


def log_cpr_search(
    user: Any, person: Person | None, number: str, request: HttpRequest | None
) -> None:
    """Looking someone up by CPR number is a search of personal data (R-25)."""
    log_access(
        user=user,
        action=AccessAction.SEARCH,
        purpose=Purpose.REQUEST,
        person=person,
        criterion=mask_cpr(number),
        request=request,
    )


def find_employee(
    *, actor: Any, employer: Employer, number: str, request: HttpRequest | None
) -> Person | None:
    """The employer's employee with this (clean) CPR number, or None; the search is logged."""
    person = Person.objects.employee_of(employer, cpr=number)
    log_cpr_search(actor, person, number, request)
    return person


# --- one row ------------------------------------------------------------------------

Errors = dict[str, list[str]]


class RowStatus(models.TextChoices):
    CREATED = "created", _("Created")
    # Translators: a request that joined the case already there for the same absence.
    EXISTING = "existing", _("Joined an existing case")
    ERROR = "error", _("Not requested")


@dataclass
class BatchRow:
    """One request of a batch as read: its values, and what was wrong with reading them.

    ``index`` counts the requests from 0; ``line`` is the row in the file (the
    header is row 1), None for a request that did not come from a file.
    """

    index: int
    employee_cpr: str
    first_absence_day: date | None
    expects_over_8_weeks: bool | None
    answers: dict[str, str] = field(default_factory=dict)
    employer_cvr: str = ""
    line: int | None = None
    errors: Errors = field(default_factory=dict)
    employee_name: str = ""
    employee_municipality_code: str = ""
    new_absence: bool = False


@dataclass
class RowResult:
    index: int
    line: int | None
    status: RowStatus
    masked_cpr: str | None
    person: Person | None = None
    case: FastTrackCase | None = None
    errors: Errors | None = None
    rule_id: str | None = None


def masked_cpr(typed: str) -> str | None:
    """The masked number when ``typed`` looks like a CPR number; never more than the birth date."""
    number = normalise_cpr(typed)
    return mask_cpr(number) if len(number) == 10 and number.isdigit() else None


def _error(row: BatchRow, errors: Errors, **extra: Any) -> RowResult:
    return RowResult(
        index=row.index,
        line=row.line,
        status=RowStatus.ERROR,
        masked_cpr=masked_cpr(row.employee_cpr),
        errors=errors,
        **extra,
    )


def _check_identifiers(row: BatchRow, employer: Employer) -> tuple[str | None, Errors]:
    """The clean CPR number (None if invalid) and the errors so far, the row's own first."""
    errors = {name: list(messages) for name, messages in row.errors.items()}
    number = None
    if not row.employee_cpr.strip():
        errors["employee_cpr"] = [str(REQUIRED)]
    else:
        try:
            number = clean_cpr(row.employee_cpr)
        except ValidationError as error:
            errors["employee_cpr"] = error.messages
    if row.employer_cvr.strip():
        try:
            if clean_cvr(row.employer_cvr.strip()) != employer.cvr:
                errors["employer_cvr"] = [str(NOT_YOUR_CVR)]
        except ValidationError as error:
            errors["employer_cvr"] = error.messages
    return number, errors


def request_one(
    row: BatchRow,
    *,
    actor: Any,
    employer: Employer,
    channel: Channel,
    request: HttpRequest | None = None,
) -> RowResult:
    """Make one row's request as the employer's HR, in its own transaction."""
    if REQUEST_KEY in row.errors:
        # The row as a whole cannot be read; its fields mean nothing.
        return _error(row, row.errors)
    from fasttrack.cases.identity import EmployeeDetailsInvalid, employee_for_request

    number, errors = _check_identifiers(row, employer)
    employee = None
    if number is not None:
        # Looked up even when another field is wrong, so that the row shows
        # every error at once, as the single request form does. The answer is
        # the same whatever the register knows.
        try:
            employee = employee_for_request(
                actor=actor,
                employer=employer,
                cpr=number,
                name=row.employee_name,
                municipality_code=row.employee_municipality_code,
                request=request,
            )
        except EmployeeDetailsInvalid as error:
            errors.update(error.errors)
    # Only the employer's own employee is shown by name; someone it named is
    # shown by the name it gave, on the case.
    person = employee.person if employee is not None and not employee.is_new_employee else None
    if errors or employee is None or row.first_absence_day is None:
        return _error(row, errors, person=person)
    answers = row.answers if any(row.answers.values()) else None
    try:
        case, created = actions.request_fast_track(
            actor=actor,
            person=employee.person,
            employer=employer,
            first_absence_day=row.first_absence_day,
            expects_over_8_weeks=bool(row.expects_over_8_weeks),
            # The answers are optional: none given is no answers, not blanks.
            answers=answers,
            requested_by=Requester.EMPLOYER,
            channel=channel,
            employee=employee,
            new_absence=row.new_absence,
        )
    except NotPermitted:
        return _error(row, {"employee_cpr": [str(UNKNOWN_EMPLOYEE)]}, person=person)
    except RuleViolation as error:
        # The refusal names its field (RuleViolation.field), else the whole request.
        message = localized_message(error)
        errors = {name: [message] for name in error.field_paths() or [REQUEST_KEY]}
        return _error(row, errors, person=person, rule_id=error.rule_id)
    except DatabaseError:
        # A lock timeout or a lost connection fails this row only; the action's
        # transaction has rolled it back, and the rows before it stay made.
        logger.exception("Batch request %s could not be saved", row.index)
        message = gettext("This request could not be saved. Send it again.")
        return _error(row, {REQUEST_KEY: [message]}, person=person)
    return RowResult(
        index=row.index,
        line=row.line,
        status=RowStatus.CREATED if created else RowStatus.EXISTING,
        masked_cpr=mask_cpr(number) if number else None,
        person=person,
        case=case,
    )


def request_all(
    rows: Sequence[BatchRow],
    *,
    actor: Any,
    employer: Employer,
    channel: Channel,
    request: HttpRequest | None = None,
) -> list[RowResult]:
    """Every row's request, each on its own, in the order given."""
    return [
        request_one(row, actor=actor, employer=employer, channel=channel, request=request)
        for row in rows
    ]


# --- the file -------------------------------------------------------------------------


class FileError(Exception):
    """The file as a whole cannot be read; no row has been processed."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the byte order mark Excel writes in "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileError(
            [
                gettext(
                    "The file is not saved as UTF-8. In Excel, choose “Save as” and the "
                    "type “CSV UTF-8”."
                )
            ]
        ) from error


def _delimiter(text: str) -> str:
    # The header names contain neither character, so the header row alone
    # tells which one separates the values: Excel in Denmark writes ";".
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _column_names(header: Sequence[str]) -> list[str]:
    names = [cell.strip().lower() for cell in header]
    problems = []
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        problems.append(
            gettext("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(gettext("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(
            gettext("These columns appear more than once: %(columns)s.")
            % {"columns": ", ".join(repeated)}
        )
    if problems:
        raise FileError(problems)
    return names


def _records(text: str) -> Iterator[list[str]]:
    # strict: a stray quotation mark is an error, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise FileError(
            [
                gettext("Row %(line)d cannot be read as CSV: check its quotation marks.")
                % {"line": reader.line_num}
            ]
        ) from error


def read_csv(data: bytes) -> list[BatchRow]:
    """The file's rows, each parsed on its own; raises ``FileError`` for the file as a whole."""
    if len(data) > MAX_FILE_BYTES:
        raise FileError([too_large_message()])
    records = _records(_decode(data))
    header = next(records, None)
    if header is None or not any(cell.strip() for cell in header):
        raise FileError([gettext("The file is empty. The first row must name the columns.")])
    names = _column_names(header)
    rows: list[BatchRow] = []
    for line, cells in enumerate(records, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets add empty rows at the end
        if len(rows) == MAX_ROWS:
            raise FileError([too_many_rows_message()])
        rows.append(_row(len(rows), line, names, cells))
    if not rows:
        raise FileError([gettext("The file has no requests below the header row.")])
    return rows


def too_large_message() -> str:
    return gettext("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": MAX_FILE_BYTES // (1024 * 1024)
    }


def too_many_rows_message() -> str:
    return ngettext(
        "Send at most %(count)d request at a time. Split the file.",
        "Send at most %(count)d requests at a time. Split the file.",
        MAX_ROWS,
    ) % {"count": MAX_ROWS}


def too_many_requests_message() -> str:
    return ngettext(
        "Send at most %(count)d request at a time. Split the batch.",
        "Send at most %(count)d requests at a time. Split the batch.",
        MAX_JSON_REQUESTS,
    ) % {"count": MAX_JSON_REQUESTS}


def _row(index: int, line: int, names: Sequence[str], cells: Sequence[str]) -> BatchRow:
    errors: Errors = {}
    if any(cell.strip() for cell in cells[len(names) :]):
        errors[REQUEST_KEY] = [gettext("The row has more values than the header has columns.")]
    values = {name: cell.strip() for name, cell in zip(names, cells, strict=False) if name}
    day = _parse(values, "first_absence_day", _date, errors)
    expects = _parse(values, "expects_over_8_weeks", _yes_or_no, errors)
    answers = {key: values.get(key, "") for key in QUESTION_KEYS}
    for key, text in answers.items():
        if len(text) > MAX_ANSWER_LENGTH:
            errors[key] = [gettext("This value is too long.")]
    new_absence = (
        _parse(values, "new_absence", _yes_or_no, errors) if values.get("new_absence") else False
    )
    return BatchRow(
        index=index,
        line=line,
        employee_cpr=values.get("employee_cpr", ""),
        first_absence_day=day,
        expects_over_8_weeks=expects,
        answers=answers,
        employer_cvr=values.get("employer_cvr", ""),
        errors=errors,
        employee_name=values.get("employee_name", "")[:200],
        employee_municipality_code=values.get("employee_municipality_code", "")[:3],
        new_absence=bool(new_absence),
    )


def _parse(values: Mapping[str, str], name: str, parse: Any, errors: Errors) -> Any:
    text = values.get(name, "")
    if not text:
        errors[name] = [str(REQUIRED)]
        return None
    try:
        return parse(text)
    except ValueError as error:
        errors[name] = [str(error)]
        return None


def _date(text: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(gettext("Enter a date as YYYY-MM-DD or DD-MM-YYYY."))


def _yes_or_no(text: str) -> bool:
    answer = text.lower()
    if answer in _YES or answer in _NO:
        return answer in _YES
    raise ValueError(gettext("Enter ja or nej (or true or false)."))


def sample_csv(today: date) -> bytes:
    """A file to start from, as Excel in Denmark writes it: a BOM, ``;`` and DD-MM-YYYY."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "010190-1234",
            (today - timedelta(days=3)).strftime("%d-%m-%Y"),
            "ja",
            gettext("Lifting and standing for long periods."),
            gettext("Since early this month."),
            gettext("Shorter shifts for two weeks."),
            "",
        ]
    )
    writer.writerow(
        ["150372-3456", (today - timedelta(days=10)).strftime("%d-%m-%Y"), "ja", "", "", "", ""]
    )
    return ("\ufeff" + out.getvalue()).encode()
