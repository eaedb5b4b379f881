"""``fasttrack reset_two_factor USERNAME``: for a user who lost their authenticator.

Removes the user's authenticator app and recovery codes; at the next login,
after the password, the user sets up a new app. Check who is asking first:
whoever knows the password can then set up the second factor.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fasttrack.login.two_factor import reset_second_factor


class Command(BaseCommand):
    help = "Remove a user's second factor, so that the next login sets up a new one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user is called %(username)s.") % {"username": username})
        reset_second_factor(user)
        self.stdout.write(
            _("The second factor of %(username)s is reset: the next login sets up a new one.")
            % {"username": username}
        )
