"""The demo cases are built through the actions, once."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command

from fasttrack.cases.access import cases_for
from fasttrack.cases.demo import build_demo_cases
from fasttrack.cases.models import FastTrackCase


def test_it_builds_the_demo_cases_once(demo_world, personas, travel):
    travel(date(2026, 4, 15))
    created = build_demo_cases(demo_world)

    states = sorted(FastTrackCase.objects.values_list("state", flat=True))
    assert len(created) == len(states) == 9
    assert states.count("active") == 4
    assert set(states) == {"awaiting_consent", "active", "declined", "withdrawn", "closed"}
    # Janni's story is closed: no demo case leaves her an open one.
    janni = FastTrackCase.objects.get(absence__person__name="Janni Mikkelsen")
    assert janni.state == "closed"
    assert FastTrackCase.objects.filter(deadlines__status="missed").exists()
    assert cases_for(personas.hr).count() >= 2

    assert build_demo_cases(demo_world) == []
    assert FastTrackCase.objects.count() == 9
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK")
