"""Field types shared by the API's request schemas, checked as the pages check them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

from fasttrack.lib.validation import time_out_of_range

# The error type the problem+json layer words in the caller's language.
TIME_OUT_OF_RANGE = "time_out_of_range"


def _in_range(value: datetime) -> datetime:
    if time_out_of_range(value):
        raise PydanticCustomError(TIME_OUT_OF_RANGE, "The time is out of range.")
    return value


# An ISO 8601 time with an offset that some place uses, in a year we can store.
AwareTime = Annotated[AwareDatetime, AfterValidator(_in_range)]
