"""The suite's own check for CPR numbers and diagnoses in log lines and addresses."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from tests.log_capture import _LeakHandler, _Leaks, forbidden_values

ROOT = Path(__file__).resolve().parent.parent


def test_it_looks_for_the_demo_and_test_persons_and_diagnoses() -> None:
    numbers, diagnoses = forbidden_values()

    assert {"1203814562", "120381-4562", "2208799068"} <= numbers
    assert "Secret diagnosis" in diagnoses
    assert "x" not in diagnoses


def test_it_catches_a_cpr_number_or_a_diagnosis_in_a_log_line() -> None:
    leaks = _Leaks()
    logger = logging.getLogger("tests.log_capture.self_test")
    # Only this test's handler: the suite's own must not see these lines.
    logger.propagate = False
    logger.addHandler(_LeakHandler(leaks))
    try:
        logger.warning("Looked up %s", "120381-4562")
        logger.warning("Certificate: %s", "Secret diagnosis")
        logger.warning("Masked: 120381-xxxx, case 1203814562000, id 91203814562")
    finally:
        logger.handlers.clear()
        logger.propagate = True

    assert leaks.found == [
        "log line (tests.log_capture.self_test, WARNING): Looked up 120381-4562",
        "log line (tests.log_capture.self_test, WARNING): Certificate: Secret diagnosis",
    ]


def test_it_catches_a_cpr_number_in_an_address() -> None:
    leaks = _Leaks()

    leaks.check("address", "/jobcenter/?q=1203814562")
    leaks.check("address", "/sager/1203/")

    assert leaks.found == ["address: /jobcenter/?q=1203814562"]


_LEAKING_TESTS = """
import logging
import urllib.request

import pytest
from django.test import Client


def test_logs_a_cpr_number():
    logging.getLogger("fasttrack.somewhere").info("Found 120381-4562")


@pytest.mark.django_db
def test_asks_for_an_address_with_a_cpr_number():
    Client().get("/jobcenter/", {"q": "1203814562"})


def test_the_browser_asks_for_an_address_with_a_cpr_number(live_server):
    urllib.request.urlopen(f"{live_server.url}/log-ind/?q=120381-4562").read()


@pytest.mark.django_db
@pytest.mark.cpr_in_url
def test_asks_for_it_on_purpose():
    Client().get("/jobcenter/", {"q": "1203814562"})


def test_logs_nothing_personal():
    logging.getLogger("fasttrack.somewhere").info("Found 120381-xxxx")
"""


def test_it_fails_the_test_that_leaked_and_only_that_one(tmp_path: Path) -> None:
    """Issue 12, "Done when": the suite-wide check fails a test that logs a CPR
    number or asks for an address holding one (through the test client or the
    live server the browser tests use), through the same hooks that
    tests/conftest.py installs for the whole suite."""
    (tmp_path / "conftest.py").write_text(
        "from tests.log_capture import (  # noqa: F401\n"
        "    pytest_runtest_makereport, pytest_runtest_setup, pytest_sessionstart,\n"
        ")\n"
    )
    (tmp_path / "test_leaks.py").write_text(_LEAKING_TESTS)

    # This Python and pytest on files this test wrote: no outside input.
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            *("-m", "pytest", str(tmp_path), "-p", "no:randomly", "-p", "no:cacheprovider"),
            *("-n", "0", "-rA", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT)),
        ],
        cwd=ROOT,
        # On SQLite whatever the suite runs on: a second test database of the
        # same name on PostgreSQL would replace the one this run is using.
        env={**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )

    # -rA ends with one line per test: "PASSED path::name" or "FAILED path::name - why".
    outcomes = {
        words[1].split(" ")[0].rsplit("::", 1)[1]: words[0]
        for line in result.stdout.splitlines()
        if line.startswith(("PASSED ", "FAILED ")) and (words := line.split(" ", 1))
    }
    assert outcomes == {
        "test_logs_a_cpr_number": "FAILED",
        "test_asks_for_an_address_with_a_cpr_number": "FAILED",
        "test_the_browser_asks_for_an_address_with_a_cpr_number": "FAILED",
        "test_asks_for_it_on_purpose": "PASSED",
        "test_logs_nothing_personal": "PASSED",
    }, result.stdout + result.stderr
    assert "log line (fasttrack.somewhere, INFO): Found 120381-4562" in result.stdout
    assert "address: /jobcenter/?q=1203814562" in result.stdout
    assert "address: /log-ind/?q=120381-4562" in result.stdout
