"""Django field validators wrapping the pure validators in fasttrack.lib."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from fasttrack.lib.cpr import validate_cpr
from fasttrack.lib.cvr import validate_cvr
from fasttrack.lib.validation import InvalidIdentifier


def as_validation_error(error: InvalidIdentifier) -> ValidationError:
    message = gettext(error.message)
    return ValidationError(message % error.params if error.params else message, code=error.code)


def clean_cpr(value: str) -> str:
    try:
        return validate_cpr(value, today=timezone.localdate())
    except InvalidIdentifier as error:
        raise as_validation_error(error) from error


def clean_cvr(value: str) -> str:
    try:
        return validate_cvr(value)
    except InvalidIdentifier as error:
        raise as_validation_error(error) from error


def validate_cpr_field(value: str) -> None:
    clean_cpr(value)


def validate_cvr_field(value: str) -> None:
    clean_cvr(value)
