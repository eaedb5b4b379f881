"""The NemLog-in (MitID) login pages, on djangosaml2's views.

Every view answers 404 unless ``USE_SAML`` is on. The assertion consumer
service is djangosaml2's, with two changes: who the assertion names is decided
in ``fasttrack.login.saml`` (lock-out included), and a refusal is a Danish page
saying why, logged without the assertion (djangosaml2 would log it whole,
CPR number included).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import View
from djangosaml2 import views as saml_views

from fasttrack.login.saml import REFUSAL_ATTRIBUTE, Refusal


class NemLogInRefused(PermissionDenied):
    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal
        super().__init__(refusal.value)


class SamlSwitchMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not settings.USE_SAML:
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class LoginView(SamlSwitchMixin, saml_views.LoginView):
    pass


# NemLog-in's answer is a cross-site POST without Fasttrack's CSRF token; its
# signature and its answer to our own request are what protect it. The
# decorator is repeated here because a subclass's dispatch drops djangosaml2's.
@method_decorator(csrf_exempt, name="dispatch")
class AssertionConsumerServiceView(SamlSwitchMixin, saml_views.AssertionConsumerServiceView):
    def authenticate_user(
        self,
        request: HttpRequest,
        session_info: dict[str, Any],
        attribute_mapping: Any,
        create_unknown_user: Any,
        assertion_info: Any,
    ) -> Any:
        user = auth.authenticate(
            request=request,
            session_info=session_info,
            attribute_mapping=attribute_mapping,
            create_unknown_user=create_unknown_user,
            assertion_info=assertion_info,
        )
        if user is None:
            raise NemLogInRefused(getattr(request, REFUSAL_ATTRIBUTE, Refusal.INCOMPLETE))
        auth.login(request, user)
        # The NameID, for a later single logout through NemLog-in.
        saml_views._set_subject_id(request.saml_session, session_info["name_id"])  # type: ignore[attr-defined]
        return user

    def handle_acs_failure(
        self, request: HttpRequest, exception: Any = None, status: int = 403, **kwargs: Any
    ) -> HttpResponse:
        refusal = exception.refusal if isinstance(exception, NemLogInRefused) else None
        context = {"refusal": refusal, "refusals": Refusal}
        return render(request, "web/login/nemlogin_refused.html", context, status=status)


class LogoutInitView(saml_views.LogoutInitView):
    """Single logout at NemLog-in, after ``views.LogoutView`` has ended the local session.

    djangosaml2 would first ask for a logged-in user; the NameID it needs is
    in its own SAML session, which outlives Fasttrack's.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not settings.USE_SAML:
            raise Http404
        return View.dispatch(self, request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class LogoutView(SamlSwitchMixin, saml_views.LogoutView):
    pass


class MetadataView(SamlSwitchMixin, saml_views.MetadataView):
    pass
