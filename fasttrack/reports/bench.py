"""Timing of the statistics, for ``make bench`` (issue 17: p95 under 500 ms on 1 M cases).

``measure_statistics`` builds each dashboard ``repeat`` times in this process,
on whatever database is configured, and returns the timings and the number of
queries; it reads only. ``fasttrack bench_statistics`` prints the same as JSON.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from fasttrack.cases.access import cases_for
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.models import Membership, Municipality, Role
from fasttrack.reports.dashboards import (
    employer_dashboard,
    jobcentre_dashboard,
    national_dashboard,
)
from fasttrack.reports.periods import Period


def busiest_municipality() -> Municipality:
    row = (
        FastTrackCase.objects.order_by()
        .values("municipality")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if row is None:
        raise LookupError("There are no cases to measure.")
    return Municipality.objects.get(pk=row["municipality"])


def manager_of(municipality: Municipality) -> Any:
    """A jobcentre manager of ``municipality``, never saved: the measurement writes nothing."""
    user = get_user_model()(username=f"bench-manager-{municipality.code}")
    user.membership = Membership(user=user, role=Role.JOBCENTRE_MANAGER, municipality=municipality)
    return user


def _time(build: Callable[[], Any], repeat: int) -> dict[str, Any]:
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            build()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    timings.sort()
    p95 = timings[min(len(timings) - 1, max(0, round(0.95 * len(timings)) - 1))]
    return {
        "runs": repeat,
        "queries": queries,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(timings[-1], 1),
    }


def measure_statistics(
    period: Period,
    *,
    municipality: Municipality | None = None,
    repeat: int = 20,
    today: date | None = None,
) -> dict[str, Any]:
    """Time the jobcentre's dashboard (the busiest municipality by default), the
    administrator's and one employer's."""
    today = today or period.end
    municipality = municipality or busiest_municipality()
    manager = manager_of(municipality)
    scope = cases_for(manager)
    employer_id = (
        scope.order_by()
        .filter(absence__employer__isnull=False)
        .values_list("absence__employer", flat=True)
        .first()
    )
    results = {
        "period": [period.start.isoformat(), period.end.isoformat()],
        "municipality": municipality.code,
        "cases_in_municipality": scope.count(),
        "jobcentre": _time(lambda: jobcentre_dashboard(manager, scope, period, today), repeat),
        "national": _time(lambda: national_dashboard(period), repeat),
    }
    if employer_id is not None:
        employer_scope = FastTrackCase.objects.filter(absence__employer_id=employer_id)
        results["employer"] = _time(
            lambda: employer_dashboard(employer_scope, period, today), repeat
        )
    return results
