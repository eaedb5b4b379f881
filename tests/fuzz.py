"""``make fuzz``: the property-based tests with the random, wide ``fuzz`` profile.

Runs every test marked ``hypothesis`` (hypothesis marks its own tests, and the
schemathesis checks of the API are hypothesis tests too) under the ``fuzz``
profile of ``tests/hypothesis_profiles.py``, then prints what it found: each
failing property with its falsifying example, the ``@reproduce_failure`` blob
(or schemathesis' ``curl`` line) that replays it, and a summary. Not part of
``.ci/run``: CI runs the same tests derandomized.

    .venv/bin/python -m tests.fuzz [PYTEST ARGS...]     # FUZZ_EXAMPLES=5000 for more

Exit status: pytest's (0 when nothing was found).
"""

from __future__ import annotations

import re
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import pytest

REPORT = Path("var") / "fuzz-report.xml"
# Where a failure says what was found and how to replay it.
_EXAMPLE = ("Falsifying example", "Falsifying explicit example")
_REPLAY = ("You can reproduce", "@reproduce_failure", "Reproduce with", "curl ")


@dataclass(frozen=True)
class Finding:
    test: str
    lines: list[str]


def pytest_args(extra: list[str]) -> list[str]:
    # Paths among the arguments narrow the search; else every test under tests/.
    paths = [] if any(not arg.startswith("-") for arg in extra) else ["tests"]
    return [
        *paths,
        "-m",
        "hypothesis",
        "--hypothesis-profile=fuzz",
        # One process: the finds are printed in order, and the machine is shared.
        "-n",
        "0",
        "--ignore=tests/browser",
        "--tb=short",
        # Each property's name as it runs: a long search shows where it is.
        "-v",
        "-rf",
        f"--junitxml={REPORT}",
        *extra,
    ]


def _telling(message: str, text: str) -> list[str]:
    """The error, the falsifying example (all its lines) and how to replay it."""
    # pytest marks the exception's lines with "E   ".
    lines = [re.sub(r"^E(?:   |$)", "", line).rstrip() for line in text.splitlines()]
    telling = [line for line in message.splitlines() if line.strip()][:25]
    in_example = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(_EXAMPLE):
            in_example = True
        if in_example or stripped.startswith(_REPLAY):
            telling.append(line)
        if in_example and stripped in (")", ""):
            in_example = False
    return telling


def findings(report: Path) -> tuple[int, list[Finding]]:
    """How many property tests ran, and the failures with their telling lines."""
    root = ElementTree.parse(report).getroot()  # noqa: S314  (written by pytest just now)
    ran = 0
    found = []
    for case in root.iter("testcase"):
        ran += 1
        for failure in [*case.iter("failure"), *case.iter("error")]:
            lines = _telling(failure.get("message") or "", failure.text or "")
            found.append(Finding(f"{case.get('classname')}::{case.get('name')}", lines))
    return ran, found


def summary(ran: int, found: list[Finding], seconds: float) -> str:
    # Imported after the run: pytest must import hypothesis itself, to rewrite it.
    from tests.hypothesis_profiles import API_SHARE, FUZZ_EXAMPLES, MIN_API_EXAMPLES

    api = max(MIN_API_EXAMPLES, FUZZ_EXAMPLES // API_SHARE)
    out = [
        "",
        "== make fuzz: what it found",
        f"{ran} property tests in {seconds:.0f} s: {FUZZ_EXAMPLES} examples each, "
        f"{api} per API operation (FUZZ_EXAMPLES={FUZZ_EXAMPLES}).",
    ]
    if not found:
        out.append("Nothing found.")
        return "\n".join(out)
    out.append(f"{len(found)} found something:")
    for finding in found:
        out.append("")
        out.append(f"-- {finding.test}")
        out.extend(f"   {line}" for line in finding.lines[:60])
    out += [
        "",
        "Each finding becomes a regression test before it is fixed (README, 'When make fuzz",
        "finds something'): the falsifying example as @example(...) on the property, or a",
        "plain test of the request or the values; the @reproduce_failure blob replays it",
        "exactly while you work. The dev profile replays it too, from .hypothesis/.",
    ]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.unlink(missing_ok=True)
    started = time.monotonic()
    status = int(pytest.main(pytest_args(argv)))
    if not REPORT.exists():
        return status or 1
    ran, found = findings(REPORT)
    print(summary(ran, found, time.monotonic() - started))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
