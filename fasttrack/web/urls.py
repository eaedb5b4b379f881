from django.urls import include, path

from fasttrack.web import account_views, two_factor_views, views

app_name = "web"

urlpatterns = [
    path("", views.start, name="start"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ind/kode/", two_factor_views.second_factor, name="second_factor"),
    path("log-ind/kode/ny/", two_factor_views.second_factor_setup, name="second_factor_setup"),
    path("log-ud/", views.LogoutView.as_view(), name="logout"),
    path("konto/aktiver/<token>/", account_views.activate_account, name="activate_account"),
    path("", include("fasttrack.web.urls_jobcentre")),
    path("", include("fasttrack.web.urls_parties")),
    path("", include("fasttrack.web.urls_inbox")),
    path("", include("fasttrack.web.urls_meetings")),
    path("", include("fasttrack.web.urls_documents")),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("privatliv/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
]
