"""Forms for the meeting page: the participant's answer and the caseworker's changes.

As in ``case_forms``, the forms only parse; whether something is allowed
(a reason given, a meeting not yet started) is the engine's to say, and its
refusal comes back at the field with ``add_rule_error``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from fasttrack.lib.validation import MINUTES_LENGTH, TEXT_LENGTH
from fasttrack.meetings.models import Party, Response
from fasttrack.web.case_forms import _textarea


def _reason_field(label: StrOrPromise) -> forms.CharField:
    # Required by the engine, which says so in its own words.
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LENGTH,
        widget=_textarea(3),
        help_text=_(
            "The employee, the doctor and the jobcentre read the reason; the employer side "
            "is told only what changed, not why."
        ),
    )


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Response.ACCEPTED.value, _("I will come")),
            (Response.DECLINED.value, _("I cannot come")),
            (Response.NEW_TIME_REQUESTED.value, _("I ask for another time")),
        ],
        widget=forms.RadioSelect,
    )
    # Required by the engine for a no or another time, in its own words.
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_LENGTH,
        widget=_textarea(3),
        help_text=_("Needed when you cannot come or ask for another time."),
    )
    suggested_times = forms.CharField(
        label=_("Times that suit you"),
        required=False,
        max_length=500,
        widget=_textarea(2),
        help_text=_("For example: Tuesday or Thursday morning."),
    )


class RebookForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(assume_scheme="https", label=_("Video link"), required=False)
    reason = _reason_field(_("Why the meeting is moved"))


class CancelMeetingForm(forms.Form):
    reason = _reason_field(_("Why the meeting is cancelled"))


class MeetingHeldForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=MINUTES_LENGTH,
        widget=_textarea(8),
        help_text=_("What was said and agreed. The participants read the minutes."),
    )


class TaskForm(forms.Form):
    party = forms.ChoiceField(label=_("Who"), choices=[("", "–"), *Party.choices], required=False)
    description = forms.CharField(label=_("Task"), max_length=500, required=False)
    due_on = forms.DateField(
        label=_("By when"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("party") or data.get("description") or data.get("due_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_blank() and not data.get("party"):
            self.add_error("party", _("Choose who does the task."))
        return data


TaskFormSet = forms.formset_factory(TaskForm, extra=3, max_num=20)
