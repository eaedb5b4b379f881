"""Every kind of letter has a name people read, never its code (``certificate_due_moved``)."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

import fasttrack
from fasttrack.web.deliveries import KIND_LABELS

TEMPLATES = Path(fasttrack.__file__).parent


def _letter_kinds() -> set[str]:
    return {
        path.name.rsplit(".", 2)[0]
        for path in TEMPLATES.glob("*/templates/notifications/*.txt")
        if path.name.endswith((".da.txt", ".en.txt"))
    }


def test_every_letter_kind_has_a_label() -> None:
    kinds = _letter_kinds()

    assert len(kinds) > 30
    assert kinds - set(KIND_LABELS) == set()


def test_the_labels_are_danish_for_a_danish_reader() -> None:
    with translation.override("en"):
        english = {kind: str(label) for kind, label in KIND_LABELS.items()}
    with translation.override("da"):
        danish = {kind: str(label) for kind, label in KIND_LABELS.items()}

    assert [kind for kind in KIND_LABELS if danish[kind] == english[kind]] == []
