"""The statistics' timing hook for ``make bench``: it measures and writes nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fasttrack.audit.models import AccessLogEntry
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.models import Membership


def test_it_times_each_dashboard_and_writes_nothing(
    demo_cases: dict[str, FastTrackCase],
) -> None:
    memberships, log = Membership.objects.count(), AccessLogEntry.objects.count()
    out = StringIO()

    call_command("bench_statistics", "--period", "2026-11", "--repeat", "3", stdout=out)

    results = json.loads(out.getvalue())
    assert results["municipality"] == "101"
    assert (
        results["cases_in_municipality"]
        == FastTrackCase.objects.filter(municipality__code="101").count()
    )
    for name in ("jobcentre", "national", "employer"):
        assert results[name]["p95_ms"] >= results[name]["p50_ms"] > 0
        assert results[name]["queries"] > 0
    assert results["jobcentre"]["queries"] == 5
    assert (Membership.objects.count(), AccessLogEntry.objects.count()) == (memberships, log)


def test_it_refuses_an_unknown_municipality(demo_cases: dict[str, FastTrackCase]) -> None:
    with pytest.raises(CommandError, match="999"):
        call_command("bench_statistics", "--municipality", "999")
