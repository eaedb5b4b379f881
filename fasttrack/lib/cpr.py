"""CPR numbers (RULES.md R-29).

Ten digits, a real date of birth under the CPR century rule, not in the
future. There is deliberately no modulus-11 check: CPR numbers issued since
2007 need not pass it, and refusing a real citizen is worse than accepting a
typo that the name check will catch.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum.dk import cpr as stdnum_cpr

from fasttrack.lib.i18n import gettext_noop
from fasttrack.lib.validation import InvalidIdentifier

_SEPARATORS = re.compile(r"[\s-]")
# Ten digits, optionally split after the sixth (ddmmyy-ssss or ddmmyy ssss),
# not part of a longer number; valid date or not: a typo in a CPR number is
# still mostly a CPR number.
CPR_LIKE = re.compile(r"(?<!\d)(\d{6})[-\s]?\d{4}(?!\d)")


def looks_like_cpr(text: str) -> bool:
    """Whether ``text`` holds anything shaped like a CPR number."""
    return bool(CPR_LIKE.search(text or ""))


def normalise_cpr(value: str) -> str:
    """The ten digits of a CPR number typed as ``ddmmyy-ssss`` or similar."""
    return _SEPARATORS.sub("", value or "")


def cpr_birth_date(value: str) -> date:
    """The date of birth encoded in a normalised CPR number (century rule)."""
    try:
        return stdnum_cpr.get_birth_date(value)
    except ValueError as error:
        raise InvalidIdentifier(
            "cpr_invalid_date",
            gettext_noop("The CPR number does not begin with a real date of birth (DDMMYY)."),
        ) from error


def validate_cpr(value: str, *, today: date) -> str:
    """Return the normalised CPR number, or raise ``InvalidIdentifier``."""
    number = normalise_cpr(value)
    if not number:
        raise InvalidIdentifier("cpr_required", gettext_noop("Enter a CPR number."))
    if not number.isdigit() or len(number) != 10:
        raise InvalidIdentifier(
            "cpr_format", gettext_noop("A CPR number has 10 digits, for example 010190-1234.")
        )
    born = cpr_birth_date(number)
    if born > today:
        raise InvalidIdentifier(
            "cpr_future",
            gettext_noop("The CPR number gives a date of birth in the future (%(birth_date)s)."),
            birth_date=born.isoformat(),
        )
    return number


def format_cpr(number: str) -> str:
    return f"{number[:6]}-{number[6:]}"


def mask_cpr(number: str) -> str:
    """The form shown in lists and logs: date of birth only."""
    return f"{number[:6]}-xxxx"
