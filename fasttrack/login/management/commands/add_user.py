"""``fasttrack add_user USERNAME --role ROLE --organisation NUMBER``: an account for any party."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fasttrack.login.accounts import AccountError, create_account, invitation_link, organisation_for
from fasttrack.login.models import AccountInvitation
from fasttrack.people.models import Role


class Command(BaseCommand):
    help = (
        "Create a user with a role in one organisation and print a single-use link (valid 7 "
        "days) to choose the password. --organisation is the CVR number (employer, manager), "
        "the municipality code (caseworker, jobcentre_manager) or the clinic number (doctor); "
        "an employee gives --person with their CPR number instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organisation", default="")
        parser.add_argument("--person", default=None, help="The employee's CPR number.")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        role = Role(options["role"])
        try:
            organisation = organisation_for(role, options["organisation"], options["person"])
            user, token = create_account(
                username=options["username"],
                role=role,
                organisation=organisation,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except (AccountError, ValidationError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            raise CommandError(message) from error
        self.stdout.write(
            _(
                "User %(username)s created. The link to choose a password works once, "
                "for %(days)d days:"
            )
            % {"username": user.get_username(), "days": AccountInvitation.VALID_FOR.days}
        )
        self.stdout.write(invitation_link(token))
