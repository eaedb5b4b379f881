"""``fasttrack seed_demo``: the demo world of DESIGN.md §6 with live demo cases.

It lives in the cases app because it composes the layers below it: the
people and organisations, then cases built through the actions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fasttrack.cases.demo import build_demo_cases
from fasttrack.login.demo import DEMO_OPERATOR, DEMO_TOTP_KEY_BASE32, build_demo_operator
from fasttrack.login.policy import SECOND_FACTOR_ROLES
from fasttrack.notifications.delivery import deliver
from fasttrack.notifications.models import Message
from fasttrack.people.demo import DEMO_PASSWORD, DEMO_USERS, build_demo_world


def _deliver_demo_letters() -> None:
    """Deliver the demo cases' letters now, so the demo users find them in
    their inboxes even when no worker runs beside the server. Their tasks stay
    queued; a worker that picks one up later finds the message already sent."""
    queued = Message.objects.filter(status=Message.Status.QUEUED).order_by("pk")
    for message_id in queued.values_list("pk", flat=True):
        deliver(message_id)


class Command(BaseCommand):
    help = "Load the demo world (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Never use this against real citizens' data.",
        )
        parser.add_argument(
            "--no-cases",
            action="store_true",
            help="Load the users and organisations only, without the demo cases.",
        )

    def handle(self, *args: Any, force: bool, no_cases: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "seed_demo creates users with a known password and refuses to run when "
                    "DEBUG is off. Use --force if this really is a demo installation."
                )
            )
        world = build_demo_world()
        build_demo_operator(DEMO_PASSWORD)
        cases = [] if no_cases else build_demo_cases(world)
        _deliver_demo_letters()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo world ready (%(users)d new users, %(cases)d new cases).")
                % {"users": len(world.created_users), "cases": len(cases)}
            )
        )
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        for demo in DEMO_USERS:
            code_note = " *" if demo.role in SECOND_FACTOR_ROLES else ""
            self.stdout.write(f"  {demo.username:<20} {demo.role.label}{code_note}")
        operator = _("Operator (the administration, /admin/)")
        self.stdout.write(f"  {DEMO_OPERATOR:<20} {operator} *")
        self.stdout.write(
            _(
                "* also a code from an authenticator app with the demo key %(key)s, "
                "or from: fasttrack demo_otp USERNAME"
            )
            % {"key": DEMO_TOTP_KEY_BASE32}
        )
