from django.urls import include, path

from fasttrack.web import views

app_name = "web"

urlpatterns = [
    path("", views.start, name="start"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", views.LogoutView.as_view(), name="logout"),
    path("", include("fasttrack.web.urls_jobcentre")),
    path("", include("fasttrack.web.urls_parties")),
    path("arbejdsgiver/", views.employer_start, name="employer_start"),
    path("leder/", views.manager_start, name="manager_start"),
    path("borger/", views.employee_start, name="employee_start"),
    path("laege/", views.doctor_start, name="doctor_start"),
    path("jobcenter/", views.caseworker_start, name="caseworker_start"),
    path("jobcenter/ledelse/", views.jobcentre_manager_start, name="jobcentre_manager_start"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("privatliv/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
]
