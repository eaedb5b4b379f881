"""Checks shared by every face: the identifier error type, NUL characters and times."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


class InvalidIdentifier(ValueError):
    """A CPR or CVR number that breaks its rule.

    ``message`` is an English template marked with ``gettext_noop`` and
    ``params`` holds its values, so that the Django layer can show it in the
    user's language.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        self.code = code
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


# --- free text and times from outside (API bodies, forms) -----------------------------

NUL = "\x00"

# The UTC offsets in use anywhere run from -12:00 to +14:00; anything beyond is
# a typing error, and a time that far from UTC may not even be storable.
EARLIEST_UTC_OFFSET = timedelta(hours=-12)
LATEST_UTC_OFFSET = timedelta(hours=14)
# No appointment in a Fast track case lies this far ahead; it keeps every time
# far from the end of the calendar (year 9999), where converting it overflows.
LATEST_YEAR = 2099


def nul_paths(value: Any, path: tuple[str, ...] = ()) -> list[str]:
    """The dotted paths of the texts in a parsed JSON value that hold a NUL
    character, which no database text column takes: ``["answers.affected_functions"]``."""
    if isinstance(value, str):
        return [".".join(path) or "body"] if NUL in value else []
    if isinstance(value, dict):
        found = [".".join((*path, str(key))) for key in value if NUL in str(key)]
        for key, item in value.items():
            found += nul_paths(item, (*path, str(key)))
        return found
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in nul_paths(item, (*path, str(index)))]
    return []


def time_out_of_range(value: datetime) -> bool:
    """Whether an aware time has an offset no place uses, or lies beyond ``LATEST_YEAR``."""
    offset = value.utcoffset()
    if offset is None:
        return False
    return not EARLIEST_UTC_OFFSET <= offset <= LATEST_UTC_OFFSET or value.year > LATEST_YEAR


# The longest texts every face takes, the API's schemas and the pages' forms
# alike, so that a text the one accepts the other does not refuse.
NAME_LENGTH = 100  # someone named by hand: a companion, a union representative
TEXT_LENGTH = 5000  # answers, certificate fields, reasons and notes
PLAN_SUMMARY_LENGTH = 10000
MINUTES_LENGTH = 20000
