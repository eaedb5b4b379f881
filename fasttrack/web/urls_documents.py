"""The related documents (R-24), comments on the plan (R-20) and the PDFs."""

from django.urls import path

from fasttrack.web import document_views, pdf_views

urlpatterns = [
    path(
        "sager/<int:case_id>/fastholdelsesplan/ny/",
        document_views.request_retention_plan,
        name="request_retention_plan",
    ),
    path(
        "sager/<int:case_id>/fastholdelsesplan/<int:request_id>/svar/",
        document_views.answer_retention_plan,
        name="answer_retention_plan",
    ),
    path(
        "sager/<int:case_id>/fastholdelsesplan/<int:request_id>/<slug:step>/",
        document_views.retention_plan_step,
        name="retention_plan_step",
    ),
    path(
        "sager/<int:case_id>/mulighedserklaering/ny/",
        document_views.start_statement,
        name="start_statement",
    ),
    path(
        "sager/<int:case_id>/mulighedserklaering/<int:statement_id>/del-1/",
        document_views.statement_part_one,
        name="statement_part_one",
    ),
    path(
        "sager/<int:case_id>/mulighedserklaering/<int:statement_id>/bekraeft/",
        document_views.statement_confirm,
        name="statement_confirm",
    ),
    path(
        "sager/<int:case_id>/mulighedserklaering/<int:statement_id>/annuller/",
        document_views.statement_cancel,
        name="statement_cancel",
    ),
    path(
        "sager/<int:case_id>/mulighedserklaering/<int:statement_id>/del-2/",
        document_views.statement_part_two,
        name="statement_part_two",
    ),
    path(
        "sager/<int:case_id>/plan/<int:version_id>/kommentar/",
        document_views.comment_plan,
        name="comment_plan",
    ),
    path("sager/<int:case_id>/pdf/<slug:document>/", pdf_views.case_pdf, name="case_pdf"),
    path(
        "sager/<int:case_id>/pdf/<slug:document>/<int:object_id>/",
        pdf_views.case_pdf,
        name="case_pdf_object",
    ),
]
