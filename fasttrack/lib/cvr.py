"""CVR numbers (RULES.md R-30).

Eight digits, no leading zero, modulus 11 with weights 2,7,6,5,4,3,2,1.
P-numbers identify production units and are never checked with modulus 11,
so nothing here may be used for them.
"""

from __future__ import annotations

import re

from fasttrack.lib.i18n import gettext_noop
from fasttrack.lib.validation import InvalidIdentifier

_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_SEPARATORS = re.compile(r"[\s-]")


def normalise_cvr(value: str) -> str:
    number = _SEPARATORS.sub("", value or "")
    if number.upper().startswith("DK"):
        number = number[2:]
    return number


def cvr_checksum_ok(number: str) -> bool:
    return sum(w * int(d) for w, d in zip(_WEIGHTS, number, strict=True)) % 11 == 0


def validate_cvr(value: str) -> str:
    """Return the normalised CVR number, or raise ``InvalidIdentifier``."""
    number = normalise_cvr(value)
    if not number:
        raise InvalidIdentifier("cvr_required", gettext_noop("Enter a CVR number."))
    if not number.isdigit() or len(number) != 8:
        raise InvalidIdentifier("cvr_format", gettext_noop("A CVR number has 8 digits."))
    if number[0] == "0":
        raise InvalidIdentifier(
            "cvr_leading_zero", gettext_noop("A CVR number never begins with 0.")
        )
    if not cvr_checksum_ok(number):
        raise InvalidIdentifier(
            "cvr_checksum",
            gettext_noop("%(number)s is not a valid CVR number: the check digit does not match."),
            number=number,
        )
    return number
