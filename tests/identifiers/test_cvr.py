"""CVR numbers, RULES.md R-30."""

import pytest

from fasttrack.lib.cvr import validate_cvr
from fasttrack.lib.validation import InvalidIdentifier


@pytest.mark.parametrize("typed", ["29887659", "2988 7659", "DK29887659", "dk 29 88 76 59"])
def test_it_accepts_a_valid_cvr_number_R30(typed):
    assert validate_cvr(typed) == "29887659"


def test_it_accepts_the_other_demo_employer():
    assert validate_cvr("40112235") == "40112235"


def test_it_rejects_a_wrong_check_digit_and_names_the_number_R30():
    with pytest.raises(InvalidIdentifier) as caught:
        validate_cvr("29887658")
    assert caught.value.code == "cvr_checksum"
    assert "29887658" in str(caught.value)


def test_it_rejects_a_leading_zero_even_when_the_checksum_holds_R30():
    # 0 + a valid weighted sum: the checksum alone would accept it.
    number = next(
        f"0{n:07d}"
        for n in range(1, 10_000)
        if sum(w * int(d) for w, d in zip((2, 7, 6, 5, 4, 3, 2, 1), f"0{n:07d}", strict=True)) % 11
        == 0
    )
    with pytest.raises(InvalidIdentifier) as caught:
        validate_cvr(number)
    assert caught.value.code == "cvr_leading_zero"


@pytest.mark.parametrize("number", ["2988765", "298876591", "2988765X", ""])
def test_it_rejects_anything_but_eight_digits(number):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_cvr(number)
    assert caught.value.code in {"cvr_format", "cvr_required"}
