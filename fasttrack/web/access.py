"""Role checks for views. R-28: what a user may not see answers 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from fasttrack.people.models import Membership, Role, membership_of

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def require_membership(request: HttpRequest, *roles: Role) -> Membership:
    """The user's membership when its role is one of ``roles``, else Http404."""
    membership = membership_of(request.user)
    if membership is None or membership.role not in roles:
        # 404, not 403: another party's page must not even be known to exist.
        raise Http404
    return membership


def require_role(*roles: Role) -> Callable[[View[P]], View[P]]:
    """Let only users with one of ``roles`` in; anonymous users go to the login page."""
    if not roles:
        raise ValueError("require_role needs at least one role.")

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_membership(request, *roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
