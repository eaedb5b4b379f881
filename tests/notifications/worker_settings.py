"""Settings for the worker processes started by the crash tests.

The project's settings, with e-mail going to a slow backend that records what
it receives, and short timeouts so that recovery happens within seconds. A
worker claims one letter at a time unless the test asks for batches
(``OUTBOX_TEST_BATCH_SIZE``): with one, the letter in flight when a worker is
killed is the only one it can leave sent but unrecorded.
"""

import os

from fasttrack.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.notifications.fakes.SlowRecordingEmailBackend"
OUTBOX_STALE_AFTER_SECONDS = int(os.environ.get("OUTBOX_TEST_STALE_SECONDS", "3"))
OUTBOX_RECOVERY_INTERVAL_SECONDS = 1
OUTBOX_WORKER_BATCH_SIZE = int(os.environ.get("OUTBOX_TEST_BATCH_SIZE", "1"))
OUTBOX_WORKER_BATCH_SECONDS = float(os.environ.get("OUTBOX_TEST_BATCH_SECONDS", "1"))
