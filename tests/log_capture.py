"""Over the whole suite: no CPR number and no diagnosis in any log line or address.

Every log record any test (or fixture) causes, at the levels the project
logs, and every address the test client or the browser tests' live server is
asked for, is searched for the CPR
numbers of the demo and test persons (``1203814562`` and ``120381-4562``) and
for the diagnoses the tests write (R-18, R-29). A hit fails the test that
caused it, naming the offending line.

Cheap: one compiled alternation searched once per record and per request,
nothing stored unless it matches. The values are collected once per session
from the demo world and from the tests' own sources (every quoted string that
is a CPR number, every ``diagnosis`` value).

A test that puts a CPR number into an address on purpose, to show that the
address is refused, says so with ``@pytest.mark.cpr_in_url``; its addresses
are then not checked (its log lines still are).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from fasttrack.lib.cpr import cpr_birth_date
from fasttrack.lib.validation import InvalidIdentifier
from fasttrack.people.demo import CITIZENS

TESTS = Path(__file__).resolve().parent
_QUOTED_CPR = re.compile(r"""["'](\d{6})-?(\d{4})["']""")
_DIAGNOSIS = re.compile(r"""diagnos\w*["']?\s*[:=]\s*["']([^"'\n]{6,})["']""", re.IGNORECASE)


def _is_cpr(number: str) -> bool:
    try:
        return cpr_birth_date(number) <= date.today()
    except InvalidIdentifier:
        return False


def forbidden_values() -> tuple[set[str], set[str]]:
    """The CPR numbers (both spellings) and the diagnoses to look for."""
    numbers = {cpr for cpr, *_ in CITIZENS}
    diagnoses: set[str] = set()
    for source in TESTS.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        numbers.update(a + b for a, b in _QUOTED_CPR.findall(text) if _is_cpr(a + b))
        diagnoses.update(match.strip() for match in _DIAGNOSIS.findall(text))
    # A CPR-like test value that is no real date of birth (a deliberately
    # invalid number) is no one's; diagnoses under six letters ("x") are left
    # out, as they would match ordinary words.
    spellings = {n for number in numbers for n in (number, f"{number[:6]}-{number[6:]}")}
    return spellings, diagnoses


class _Leaks:
    """What the current test phase leaked, if anything."""

    def __init__(self) -> None:
        numbers, diagnoses = forbidden_values()
        alternatives = sorted(numbers | diagnoses, key=len, reverse=True)
        # Digits must not be part of a longer number (an id, a timestamp).
        self.pattern = re.compile(
            "|".join(
                rf"(?<!\d){re.escape(v)}(?!\d)" if v[0].isdigit() else re.escape(v)
                for v in alternatives
            )
        )
        self.found: list[str] = []
        self.check_urls = True

    def check(self, kind: str, text: str) -> None:
        if self.pattern.search(text):
            self.found.append(f"{kind}: {text[:500]}")


class _LeakHandler(logging.Handler):
    def __init__(self, leaks: _Leaks) -> None:
        super().__init__(logging.NOTSET)
        self.leaks = leaks

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = record.getMessage()
        except Exception:  # a broken log call is not ours to judge here
            line = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            line += f" | {record.exc_info[1]!r}"
        self.leaks.check(f"log line ({record.name}, {record.levelname})", line)


_leaks: _Leaks | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    global _leaks
    _leaks = _Leaks()
    # After Django configured logging (pytest-django does that earlier), so
    # that LOGGING does not replace the handler.
    logging.getLogger().addHandler(_LeakHandler(_leaks))
    original = Client.request

    def request(self: Client, **environ: Any) -> Any:
        _check_address(environ)
        return original(self, **environ)

    Client.request = request  # type: ignore[method-assign]
    # The browser tests' live server answers through Django's WSGI handler,
    # not the test client: what the browser asks for is checked there.
    original_call = WSGIHandler.__call__

    def call(self: WSGIHandler, environ: dict[str, Any], start_response: Any) -> Any:
        _check_address(environ)
        return original_call(self, environ, start_response)

    WSGIHandler.__call__ = call  # type: ignore[method-assign]


def _check_address(environ: dict[str, Any]) -> None:
    if _leaks is not None and _leaks.check_urls:
        address = environ.get("PATH_INFO", "")
        if query := environ.get("QUERY_STRING", ""):
            address += f"?{query}"
        _leaks.check("address", address)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    if _leaks is None or not _leaks.found:
        return
    report = outcome.get_result()
    found, _leaks.found = _leaks.found, []
    if report.passed or report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            "A CPR number or a diagnosis reached a log line or an address (R-18, R-29):\n"
            + "\n".join(f"  {line}" for line in found[:20])
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    if _leaks is not None:
        _leaks.check_urls = item.get_closest_marker("cpr_in_url") is None
    yield
