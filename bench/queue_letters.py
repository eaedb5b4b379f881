"""Queue more letters for the worker step: ``python -m bench.queue_letters N``.

The submits and the sweep of a short run queue too few letters for the
worker's rate to be measured past its start-up, so ``BENCH_LETTERS=N`` queues
N more first: copies of the letters the run queued (the submits' consent
requests by Digital Post, the sweep's reminders by Digital Post and to the
inbox, in their proportions), each under a new dedupe key, through
``enqueue_messages`` as an action would, a task each.
"""

from __future__ import annotations

import itertools
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fasttrack.settings")
    import django

    django.setup()
    from django.db import transaction

    from fasttrack.notifications.models import Message
    from fasttrack.notifications.outbox import OutgoingMessage, enqueue_messages

    wanted = int(sys.argv[1])
    run = int(time.time())
    # The run's own letters (the generated world's are keyed "bench:"), spread
    # over all of them so that the copies keep their mix of channels.
    originals = Message.objects.exclude(dedupe_key__startswith="bench:").exclude(
        dedupe_key__contains=":copy:"
    )
    step = max(originals.count() // 500, 1)
    models = list(
        originals.select_related(
            "recipient_user", "recipient_person", "sender_municipality"
        ).order_by("pk")[::step][:500]
    )
    if not models:
        raise SystemExit("No letters to copy: run the load step first.")
    copies = (
        OutgoingMessage(
            dedupe_key=f"{model.dedupe_key}:copy:{run}:{number}",
            kind=model.kind,
            channel=model.channel,
            subject=model.subject,
            body_text=model.body_text,
            recipient_user=model.recipient_user,
            recipient_person=model.recipient_person,
            recipient_address=model.recipient_address,
            language=model.language,
            body_html=model.body_html,
            attachments=tuple(model.attachments),
            case_id=model.case_id,
            contains_health_data=model.contains_health_data,
            to_employer=model.to_employer,
            sender_municipality=model.sender_municipality,
        )
        for number, model in zip(range(wanted), itertools.cycle(models), strict=False)
    )
    queued = 0
    while chunk := list(itertools.islice(copies, 500)):
        with transaction.atomic():
            queued += len(enqueue_messages(chunk))
    print(f"Queued {queued} letters.")


if __name__ == "__main__":
    main()
