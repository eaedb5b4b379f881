"""HR uploads a payroll file of Fast track requests and sees each row's outcome.

The rows are requested through the shared batch core, each on its own (one
bad row never stops or undoes another), with the web channel. The CPR numbers
are shown masked to the date of birth only (R-29).
"""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fasttrack.cases import batch
from fasttrack.cases.models import Channel
from fasttrack.people.models import Role
from fasttrack.web.access import require_membership, require_role
from fasttrack.web.batch_forms import RequestFileForm

SAMPLE_FILENAME = "fast-track-anmodninger.csv"


@require_http_methods(["GET", "POST"])
@require_role(Role.EMPLOYER)
def employer_request_upload(request: HttpRequest) -> HttpResponse:
    """The upload form; after a readable file, the outcome of every row."""
    membership = require_membership(request, Role.EMPLOYER)
    employer = membership.employer
    assert employer is not None
    form = RequestFileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context = {
        "form": form,
        "required_columns": batch.REQUIRED_COLUMNS,
        "optional_columns": batch.OPTIONAL_COLUMNS,
        "max_rows": batch.MAX_ROWS,
        "max_megabytes": batch.MAX_FILE_BYTES // (1024 * 1024),
    }
    if request.method == "POST" and form.is_valid():
        results = batch.request_all(
            form.cleaned_data["file"],
            actor=request.user,
            employer=employer,
            channel=Channel.WEB,
            request=request,
        )
        counts = Counter(result.status for result in results)
        context |= {
            "results": results,
            "created": counts[batch.RowStatus.CREATED],
            "existing": counts[batch.RowStatus.EXISTING],
            "failed": counts[batch.RowStatus.ERROR],
        }
        return render(request, "web/employer/request_upload_results.html", context)
    return render(request, "web/employer/request_upload.html", context)


@require_GET
@require_role(Role.EMPLOYER)
def employer_request_sample(request: HttpRequest) -> HttpResponse:
    """A file to fill in, as Excel in Denmark opens it."""
    response = HttpResponse(
        batch.sample_csv(timezone.localdate()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{SAMPLE_FILENAME}"'
    return response
