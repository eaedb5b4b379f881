from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Danish unless the user chose English with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which
    would greet a Danish citizen with an English-configured browser in
    English. A Danish public service speaks Danish first, so pages follow
    only the language cookie set by the switcher. API clients are machines
    that ask for a language explicitly, so the API keeps Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
