"""How the property-based tests (hypothesis, and schemathesis on top of it) search.

Three profiles; the tests set no example counts of their own, so the profile decides
(a property whose every example is costly takes a share of it, ``examples_at``):

- ``ci``, chosen by ``CI=true`` (``.ci/run`` sets it): derandomized, so every run
  tries exactly the same examples and CI gives the same answer twice; no example
  database, so nothing from an earlier run on the machine changes what is tried.
- ``dev``, the default elsewhere: random examples, and failures are remembered in
  ``.hypothesis/`` and tried first in the next run, until fixed.
- ``fuzz``, for ``make fuzz``: random and much wider (``FUZZ_EXAMPLES`` examples per
  property, default 2,000). What it finds becomes an explicit regression test (README).

``pytest --hypothesis-profile=NAME`` picks a profile by hand.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hypothesis import HealthCheck, settings

# Enough for the rules' properties (a few seconds in all) and, at a twentieth,
# ten requests per API operation in each of the two schemathesis tests.
CI_EXAMPLES = 200
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 2000)
# An API example is a whole request through Django and the database: each
# operation gets this share of a property's examples, and never fewer than ten.
API_SHARE = 20
MIN_API_EXAMPLES = 10

# On hypothesis' own defaults, not on whatever profile it loaded at import (it
# loads its own "ci" profile when it sees CI set).
_COMMON = settings(
    settings.get_profile("default"),
    # Dates and database round trips vary in speed on a shared machine; a
    # deadline would fail on load, not on a bug.
    deadline=None,
    # A failure prints the @reproduce_failure blob that replays it exactly.
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

settings.register_profile("ci", _COMMON, max_examples=CI_EXAMPLES, derandomize=True, database=None)
settings.register_profile("dev", _COMMON, max_examples=CI_EXAMPLES)
settings.register_profile("fuzz", _COMMON, max_examples=FUZZ_EXAMPLES)


def profile_for(environ: Mapping[str, str]) -> str:
    """``ci`` when the environment says CI (``CI=true``, ``1`` or ``yes``), else ``dev``."""
    return "ci" if environ.get("CI", "").strip().lower() in {"true", "1", "yes"} else "dev"


def examples_at(share: int, minimum: int = MIN_API_EXAMPLES) -> int:
    """A ``share``-th of the loaded profile's examples, never fewer than ``minimum``: for
    a property each of whose examples is a whole request or a count over a database."""
    return max(minimum, settings().max_examples // share)


def api_examples() -> int:
    """Examples per API operation under the profile now loaded."""
    return examples_at(API_SHARE)


settings.load_profile(profile_for(os.environ))
