"""The suite's own check for CPR numbers and diagnoses in log lines and addresses."""

from __future__ import annotations

import logging

from tests.log_capture import _LeakHandler, _Leaks, forbidden_values


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
