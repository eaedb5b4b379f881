"""Fasttrack's production settings with nothing but the baseline view: the same
database, the same persistent connections, no middleware."""

from __future__ import annotations

from fasttrack.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
MIDDLEWARE = []
ROOT_URLCONF = "bench.baseline"
