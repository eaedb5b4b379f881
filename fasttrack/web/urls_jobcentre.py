"""The jobcentre's pages and the shared case page (issue 5).

Included from ``fasttrack.web.urls`` in the ``web`` namespace. The worklist
and the overview are the caseworker's and the jobcentre manager's start pages.
No address carries a CPR number (R-29): searches are POSTed.
"""

from django.urls import path

from fasttrack.web import (
    case_views,
    delivery_views,
    doctor_choice_views,
    jobcentre_views,
    staff_views,
    statistics_views,
)

urlpatterns = [
    path("jobcenter/", jobcentre_views.worklist, name="worklist"),
    path(
        "jobcenter/anmodninger/ny/",
        jobcentre_views.register_request,
        name="register_request",
    ),
    path("jobcenter/ledelse/", jobcentre_views.jobcentre_overview, name="jobcentre_overview"),
    path("jobcenter/personale/", staff_views.staff_list, name="staff_list"),
    path(
        "jobcenter/personale/<int:membership_id>/aktiv/",
        staff_views.staff_active,
        name="staff_active",
    ),
    path(
        "jobcenter/personale/<int:membership_id>/rolle/",
        staff_views.staff_role,
        name="staff_role",
    ),
    path("jobcenter/borgere/", staff_views.citizen_search, name="citizen_search"),
    path("jobcenter/borgere/<int:person_id>/", staff_views.citizen_edit, name="citizen_edit"),
    path(
        "jobcenter/statistik/",
        statistics_views.jobcentre_statistics,
        name="jobcentre_statistics",
    ),
    path(
        "jobcenter/statistik/statistik.csv",
        statistics_views.jobcentre_statistics_csv,
        name="jobcentre_statistics_csv",
    ),
    path("statistik/", statistics_views.national_statistics, name="national_statistics"),
    path(
        "statistik/statistik.csv",
        statistics_views.national_statistics_csv,
        name="national_statistics_csv",
    ),
    path(
        "arbejdsgiver/statistik/",
        statistics_views.employer_statistics,
        name="employer_statistics",
    ),
    path(
        "arbejdsgiver/statistik/statistik.csv",
        statistics_views.employer_statistics_csv,
        name="employer_statistics_csv",
    ),
    path("sager/<int:case_id>/", case_views.case_detail, name="case_detail"),
    path(
        "sager/<int:case_id>/samtykke/",
        case_views.case_record_consent,
        name="case_record_consent",
    ),
    path(
        "sager/<int:case_id>/afgoerelse/",
        case_views.case_decide_late_consent,
        name="case_decide_late_consent",
    ),
    path(
        "sager/<int:case_id>/identitet/",
        case_views.case_confirm_identity,
        name="case_confirm_identity",
    ),
    path(
        "sager/<int:case_id>/egen-laege/",
        doctor_choice_views.case_own_doctor,
        name="case_own_doctor",
    ),
    path("sager/<int:case_id>/traek-tilbage/", case_views.case_withdraw, name="case_withdraw"),
    path(
        "sager/<int:case_id>/laegeattest/ny/",
        case_views.case_request_certificate,
        name="case_request_certificate",
    ),
    path("sager/<int:case_id>/moeder/ny/", case_views.case_book_meeting, name="case_book_meeting"),
    path("sager/<int:case_id>/plan/ny/", case_views.case_record_plan, name="case_record_plan"),
    path(
        "sager/<int:case_id>/journal/ny/",
        case_views.case_add_journal_note,
        name="case_add_journal_note",
    ),
    path(
        "sager/<int:case_id>/tildel-mig/",
        case_views.case_assign_to_me,
        name="case_assign_to_me",
    ),
    path("sager/<int:case_id>/tildel/", case_views.case_assign, name="case_assign"),
    path("sager/<int:case_id>/afslut/", case_views.case_close, name="case_close"),
    path(
        "sager/<int:case_id>/breve/<int:message_id>/send-igen/",
        delivery_views.case_resend_letter,
        name="case_resend_letter",
    ),
]
