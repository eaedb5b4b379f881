"""CPR numbers, RULES.md R-29."""

from datetime import date

import pytest

from fasttrack.lib.cpr import cpr_birth_date, format_cpr, mask_cpr, validate_cpr
from fasttrack.lib.validation import InvalidIdentifier

TODAY = date(2026, 11, 23)
WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def fails_modulus_11(number: str) -> bool:
    return sum(w * int(d) for w, d in zip(WEIGHTS, number, strict=True)) % 11 != 0


def test_it_accepts_a_real_cpr_number_that_fails_modulus_11_R29():
    assert fails_modulus_11("1203814562")
    assert validate_cpr("120381-4562", today=TODAY) == "1203814562"


@pytest.mark.parametrize("typed", ["1203814562", "120381-4562", " 120381 4562 "])
def test_it_normalises_separators_and_spaces(typed):
    assert validate_cpr(typed, today=TODAY) == "1203814562"


def test_it_rejects_a_birth_date_in_the_future_with_the_date():
    # Seventh digit 4 and year 30: born 2030 under the century rule.
    with pytest.raises(InvalidIdentifier) as caught:
        validate_cpr("0101304234", today=TODAY)
    assert caught.value.code == "cpr_future"
    assert caught.value.params == {"birth_date": "2030-01-01"}
    assert "2030-01-01" in str(caught.value)


def test_it_accepts_someone_born_today():
    assert validate_cpr("2311264001", today=TODAY) == "2311264001"


@pytest.mark.parametrize("number", ["3102901234", "0013901234", "3204901234", "0000000000"])
def test_it_rejects_a_number_that_does_not_begin_with_a_date(number):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_cpr(number, today=TODAY)
    assert caught.value.code == "cpr_invalid_date"
    assert "date of birth" in str(caught.value)


@pytest.mark.parametrize("number", ["120381456", "12038145620", "12038I4562", "abc"])
def test_it_rejects_anything_but_ten_digits(number):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_cpr(number, today=TODAY)
    assert caught.value.code == "cpr_format"


def test_it_asks_for_a_number_when_empty():
    with pytest.raises(InvalidIdentifier) as caught:
        validate_cpr("", today=TODAY)
    assert caught.value.code == "cpr_required"


@pytest.mark.parametrize(
    ("number", "born"),
    [
        ("0101581234", date(1958, 1, 1)),  # 7th digit 1: always 1900s
        ("0101584234", date(1958, 1, 1)),  # 4 with year 58: 1900s
        ("0101364234", date(2036, 1, 1)),  # 4 with year 36: 2000s
        ("0101585234", date(1858, 1, 1)),  # 5 with year 58: 1800s
        ("0101055234", date(2005, 1, 1)),  # 5 with year 05: 2000s
        ("0101999234", date(1999, 1, 1)),  # 9 with year 99: 1900s
    ],
)
def test_it_applies_the_cpr_century_rule(number, born):
    assert cpr_birth_date(number) == born


def test_it_formats_and_masks():
    assert format_cpr("1203814562") == "120381-4562"
    assert mask_cpr("1203814562") == "120381-xxxx"
