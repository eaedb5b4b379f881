from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fasttrack.api.tokens import issue_token
from fasttrack.people.models import membership_of


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it, and only it, on standard output "
        "(so that scripts can capture it). The token cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="create_token", help="Where the token will be used.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist as error:
            raise CommandError(
                _("There is no user %(username)s.") % {"username": username}
            ) from error
        if not user.is_active:
            raise CommandError(_("The user %(username)s is not active.") % {"username": username})
        if membership_of(user) is None:
            # The API would refuse the token with 401: say so now.
            raise CommandError(
                _("The user %(username)s has no role, so an API token would not work.")
                % {"username": username}
            )
        _token, raw = issue_token(user=user, name=name[:100])
        self.stdout.write(raw)
