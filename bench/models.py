"""The baselines' one table (``bench_ping``), made by ``bench.run`` with plain SQL."""

from __future__ import annotations

from django.db import models


class Ping(models.Model):
    at = models.DateTimeField()
    note = models.CharField(max_length=100)

    class Meta:
        managed = False
        db_table = "bench_ping"
        app_label = "bench"

    def __str__(self) -> str:
        return f"{self.pk} {self.note}"
