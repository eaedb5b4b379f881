"""The employer's upload of a payroll file with many requests.

The form only reads the file; every row is then checked and requested by the
shared batch core, the same one the API uses (``fasttrack.cases.batch``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fasttrack.cases import batch


class RequestFileForm(forms.Form):
    file = forms.FileField(
        label=_("The payroll file (CSV)"),
        help_text=_("A CSV file saved as UTF-8, for example “CSV UTF-8” from Excel."),
        error_messages={
            "required": _("Choose the file to upload."),
            "empty": _("The file is empty. The first row must name the columns."),
        },
    )

    def clean_file(self) -> list[batch.BatchRow]:
        upload = self.cleaned_data["file"]
        # Checked before reading, so a huge upload is not read into memory.
        if upload.size > batch.MAX_FILE_BYTES:
            raise ValidationError(batch.too_large_message(), code="too_large")
        try:
            return batch.read_csv(upload.read())
        except batch.FileError as error:
            raise ValidationError(error.messages, code="unreadable") from error
