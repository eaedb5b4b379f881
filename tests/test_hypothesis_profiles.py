"""CI runs the property-based tests derandomized; make fuzz reports what it found."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from tests import fuzz
from tests.hypothesis_profiles import API_SHARE, api_examples, profile_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("environ", "profile"),
    [
        ({"CI": "true"}, "ci"),
        ({"CI": "1"}, "ci"),
        ({"CI": "TRUE"}, "ci"),
        ({"CI": "false"}, "dev"),
        ({"CI": ""}, "dev"),
        ({}, "dev"),
    ],
)
def test_ci_true_chooses_the_ci_profile(environ, profile):
    assert profile_for(environ) == profile


def test_the_ci_profile_tries_the_same_examples_every_run():
    ci = settings.get_profile("ci")

    assert ci.derandomize is True
    # No example database: a failure kept from an earlier run changes nothing.
    assert ci.database is None
    assert ci.deadline is None
    assert ci.print_blob is True


def test_the_dev_and_fuzz_profiles_search_at_random():
    assert settings.get_profile("dev").derandomize is False
    fuzz_profile = settings.get_profile("fuzz")
    assert fuzz_profile.derandomize is False
    assert fuzz_profile.max_examples > settings.get_profile("ci").max_examples


def test_ci_exports_ci_true():
    script = (ROOT / ".ci" / "run").read_text()
    assert "\nexport CI=true\n" in script
    assert "make fuzz" not in script.replace("`make fuzz`", "")


def test_every_api_operation_gets_at_least_ten_examples():
    assert api_examples() >= 10
    assert settings.get_profile("ci").max_examples // API_SHARE >= 10


REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3" failures="1">
<testcase classname="tests.lib.rules.test_bankdays" name="test_it_counts" time="0.5"/>
<testcase classname="tests.lib.rules.test_bankdays" name="test_it_moves" time="0.7">
<failure message="AssertionError: assert 3 == 4">start = datetime.date(2026, 12, 24)
    def test_it_moves(start, n):
E   AssertionError: assert 3 == 4
E   Falsifying example: test_it_moves(
E       start=datetime.date(2026, 12, 24),
E       n=3,
E   )
You can reproduce this example by temporarily adding @reproduce_failure('6.170.15', b'AXic')
as a decorator on your test case
</failure></testcase>
<testcase classname="tests.api.test_schemathesis" name="test_it_keeps[GET /api/v1/me]" time="1"/>
</testsuite></testsuites>
"""


def test_fuzz_reports_each_finding_with_its_example_and_blob(tmp_path):
    report = tmp_path / "report.xml"
    report.write_text(REPORT)

    ran, found = fuzz.findings(report)

    assert ran == 3
    assert [finding.test for finding in found] == ["tests.lib.rules.test_bankdays::test_it_moves"]
    text = "\n".join(found[0].lines)
    assert "Falsifying example: test_it_moves(" in text
    assert "    start=datetime.date(2026, 12, 24)," in text
    assert "    n=3," in text
    assert "@reproduce_failure('6.170.15', b'AXic')" in text
    summary = fuzz.summary(ran, found, 12.0)
    assert "3 property tests" in summary
    assert "1 found something" in summary
    assert "-- tests.lib.rules.test_bankdays::test_it_moves" in summary


def test_fuzz_says_when_it_found_nothing():
    assert "Nothing found." in fuzz.summary(5, [], 1.0)


def test_fuzz_searches_every_property_unless_given_paths():
    everything = fuzz.pytest_args([])
    assert everything[0] == "tests"
    assert "--hypothesis-profile=fuzz" in everything
    assert everything[everything.index("-m") + 1] == "hypothesis"

    narrowed = fuzz.pytest_args(["tests/lib", "-x"])
    assert narrowed[-2:] == ["tests/lib", "-x"]
    assert "tests" not in narrowed
