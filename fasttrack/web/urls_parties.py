"""The pages of the employer (HR and nearest manager), the employee and the doctor.

Included by ``fasttrack.web.urls`` in the ``web`` namespace, ahead of the
plain start pages, so these views answer the role start URLs.
"""

from django.urls import path

from fasttrack.web import batch_views, citizen_views, doctor_views, employer_views, plan_views

urlpatterns = [
    path("arbejdsgiver/", employer_views.employer_start, name="employer_start"),
    path("arbejdsgiver/anmodninger/ny/", employer_views.employer_request, name="employer_request"),
    path(
        "arbejdsgiver/anmodninger/fil/",
        batch_views.employer_request_upload,
        name="employer_request_upload",
    ),
    path(
        "arbejdsgiver/anmodninger/fil/eksempel.csv",
        batch_views.employer_request_sample,
        name="employer_request_sample",
    ),
    # Shared by the employer's and the employee's request forms (htmx, R-03).
    path("anmodninger/sidste-frist/", employer_views.request_window_partial, name="request_window"),
    path(
        "sager/<int:case_id>/sygefravaerssamtale/",
        employer_views.case_record_employer_conversation,
        name="case_record_employer_conversation",
    ),
    path(
        "sager/<int:case_id>/naermeste-leder/",
        employer_views.case_nearest_manager,
        name="case_nearest_manager",
    ),
    path("leder/", employer_views.manager_start, name="manager_start"),
    path("borger/", citizen_views.employee_start, name="employee_start"),
    path("borger/anmodning/ny/", citizen_views.citizen_request, name="citizen_request"),
    path(
        "borger/sager/<int:case_id>/samtykke/",
        citizen_views.citizen_consent,
        name="citizen_consent",
    ),
    path("borger/adgangslog/", citizen_views.citizen_access_log, name="citizen_access_log"),
    path("borger/mine-data/", citizen_views.citizen_my_data, name="citizen_my_data"),
    path(
        "borger/mine-data/fasttrack-data.json",
        citizen_views.citizen_my_data_download,
        name="citizen_my_data_download",
    ),
    path(
        "sager/<int:case_id>/plan/<int:version_id>/bekraeft/",
        plan_views.case_confirm_plan,
        name="case_confirm_plan",
    ),
    path("laege/", doctor_views.doctor_start, name="doctor_start"),
    path(
        "laege/anmodninger/<int:request_id>/",
        doctor_views.doctor_request,
        name="doctor_request",
    ),
]
