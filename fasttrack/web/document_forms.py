"""The forms of the related documents (R-24) and the comments on the plan (R-20)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from fasttrack.documents.models import FeePayer


def _text(
    label: StrOrPromise, *, required: bool = True, rows: int = 4, help_text: StrOrPromise = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        max_length=4000,
        error_messages={"required": _("Fill in this field.")},
    )


class RetentionPlanRequestForm(forms.Form):
    message = _text(
        _("Message to your employer"),
        required=False,
        help_text=_("Your employer reads it. You do not have to say why you are ill."),
    )


class RetentionPlanAnswerForm(forms.Form):
    PREPARE = "prepare"
    REFUSE = "refuse"
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(PREPARE, _("We make the plan")), (REFUSE, _("We refuse, with a reason"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you make the plan or refuse.")},
    )
    work_functions = _text(
        _("Work functions and adjustments"),
        required=False,
        help_text=_("What the employee will do, and what you change at the workplace."),
    )
    working_hours = _text(_("Working hours"), required=False, rows=2)
    other_measures = _text(_("Other measures"), required=False, rows=3)
    refusal_reason = _text(_("Reason for refusing"), required=False, rows=3)


class StartStatementForm(forms.Form):
    fee_payer = forms.ChoiceField(
        label=_("Who pays the doctor"),
        choices=FeePayer.choices,
        widget=forms.RadioSelect,
        help_text=_("The employer pays when it asks for the mulighedserklæring (§ 36 a)."),
        error_messages={"required": _("Choose who pays the doctor.")},
    )


class PartOneForm(forms.Form):
    job_functions = _text(_("The job's functions"))
    can_do = _text(_("What the employee can do"))
    cannot_do = _text(_("What the employee cannot do"))
    agreed_adjustments = _text(_("Adjustments agreed"), required=False)


class PartTwoForm(forms.Form):
    doctor_assessment = _text(
        _("Your assessment of the functions in part 1"),
        rows=6,
        help_text=_("The employer reads this. Write no diagnosis and no other health details."),
    )
    expected_duration = forms.CharField(
        label=_("How long the limits are expected to last"), required=False, max_length=200
    )


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), rows=3)


class PlanCommentForm(forms.Form):
    text = _text(_("Your comment on this version"), rows=3)
