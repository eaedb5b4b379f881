"""Settings for the worker processes started by the crash test.

The project's settings, with e-mail going to a slow backend that records what
it receives, and short timeouts so that recovery happens within seconds.
"""

from fasttrack.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.notifications.fakes.SlowRecordingEmailBackend"
OUTBOX_STALE_AFTER_SECONDS = 3
OUTBOX_RECOVERY_INTERVAL_SECONDS = 1
