from django.contrib import admin
from django.urls import include, path

from fasttrack.web.views import set_language

urlpatterns = [
    # Django's switcher, wrapped so that a logged-in user's choice is kept.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("fasttrack.api.urls")),
    path("saml2/", include("fasttrack.web.urls_saml")),
    path("", include("fasttrack.web.urls")),
]

# A database outage raised outside a view is a 503 too; API errors stay problem+json.
handler500 = "fasttrack.middleware.server_error"
