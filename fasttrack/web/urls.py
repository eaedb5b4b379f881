from django.urls import include, path

from fasttrack.web import views

app_name = "web"

urlpatterns = [
    path("", views.start, name="start"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", views.LogoutView.as_view(), name="logout"),
    path("", include("fasttrack.web.urls_jobcentre")),
    path("", include("fasttrack.web.urls_parties")),
    path("", include("fasttrack.web.urls_inbox")),
    path("", include("fasttrack.web.urls_meetings")),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("privatliv/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
]
