"""The meeting page and the caseworker's changes to a meeting (issue 7)."""

from django.urls import path

from fasttrack.web import meeting_views

urlpatterns = [
    path(
        "sager/<int:case_id>/moeder/<int:meeting_id>/",
        meeting_views.meeting_detail,
        name="meeting_detail",
    ),
    path(
        "sager/<int:case_id>/moeder/<int:meeting_id>/invitation.ics",
        meeting_views.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "sager/<int:case_id>/moeder/<int:meeting_id>/svar/<int:participant_id>/",
        meeting_views.meeting_answer_on_behalf,
        name="meeting_answer_on_behalf",
    ),
    path(
        "sager/<int:case_id>/moeder/<int:meeting_id>/flyt/",
        meeting_views.meeting_rebook,
        name="meeting_rebook",
    ),
    path(
        "sager/<int:case_id>/moeder/<int:meeting_id>/aflys/",
        meeting_views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "sager/<int:case_id>/moeder/<int:meeting_id>/afholdt/",
        meeting_views.meeting_record_held,
        name="case_record_meeting_held",
    ),
]
