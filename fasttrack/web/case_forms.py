"""Forms for the caseworker's actions on the case page.

The forms only parse what was typed. Whether it is allowed is the case
engine's business: the views call one action each and hand a refused action
back to the form with ``add_rule_error``, which puts the engine's own message
at the field it is about, so no rule is checked twice in two wordings.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.errors import RuleViolation, localized_message
from fasttrack.cases.models import Channel, Outcome
from fasttrack.cases.queries import caseworkers_of
from fasttrack.lib.validation import NAME_LENGTH, PLAN_SUMMARY_LENGTH, TEXT_LENGTH
from fasttrack.meetings.models import MeetingKind
from fasttrack.people.models import Municipality
from fasttrack.plans.models import MeasureKind

# A citizen who does not use the web answers by phone, e-mail, in person or
# on paper; the caseworker records which.
OFFLINE_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.EMAIL.value, Channel.EMAIL.label),
    (Channel.IN_PERSON.value, Channel.IN_PERSON.label),
    (Channel.LETTER.value, Channel.LETTER.label),
]


def add_rule_error(
    form: forms.BaseForm,
    error: RuleViolation,
    fields: Mapping[type[RuleViolation], str | list[str]],
) -> None:
    """Show the engine's refusal at the field it concerns, in the active language.

    ``fields`` maps an error class to one field (or several) where the page
    names it otherwise; else the rule's own field (``RuleViolation.field``)
    when the form has it. Any other refusal, such as a state that no longer
    allows the action, is shown above the form. ``localized_message`` formats
    dates the local way.
    """
    message = localized_message(error)
    target = next(
        (field for cls, field in fields.items() if isinstance(error, cls)),
        None,
    )
    if target is None and error.field_path() in form.fields:
        target = error.field_path()
    if target is None:
        form.add_error(None, message)
        return
    for field in [target] if isinstance(target, str) else target:
        form.add_error(field, message)


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AnswerFieldsMixin(forms.Form):
    """The three questions (R-06); labels come from the case's question set."""

    affected_functions = forms.CharField(
        required=False, max_length=TEXT_LENGTH, widget=_textarea(3)
    )
    affected_duration = forms.CharField(required=False, max_length=TEXT_LENGTH, widget=_textarea(3))
    adjustments_tried = forms.CharField(required=False, max_length=TEXT_LENGTH, widget=_textarea(3))

    ANSWER_FIELDS = ("affected_functions", "affected_duration", "adjustments_tried")

    def label_answers(self, labels: Mapping[str, str]) -> None:
        for key, label in labels.items():
            self.fields[key].label = label

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in self.ANSWER_FIELDS}


class ConsentOnBehalfForm(AnswerFieldsMixin):
    """The employee's answer to the employer's request, given by phone or on paper."""

    ACCEPT = "accept"
    DECLINE = "decline"
    decision = forms.ChoiceField(
        label=_("The employee's answer"),
        choices=[
            # Translators: Danish "Siger ja til Fast track".
            (ACCEPT, _("Accepts Fast track")),
            # Translators: Danish "Siger nej (almindelig opfølgning)".
            (DECLINE, _("Declines (normal track)")),
        ],
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(
        label=_("How the answer came in"), choices=OFFLINE_CHANNELS, widget=forms.RadioSelect
    )


class LateConsentDecisionForm(forms.Form):
    CONTINUE = "continue"
    FALL_BACK = "fall_back"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            # Translators: Danish "Fortsæt Fast track".
            (CONTINUE, _("Continue Fast track")),
            # Translators: Danish "Overgå til almindelig opfølgning".
            (FALL_BACK, _("Fall back to the normal track")),
        ],
        widget=forms.RadioSelect,
    )
    # Required by the engine, which says so in its own words.
    reason = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        max_length=TEXT_LENGTH,
        widget=_textarea(),
    )

    @property
    def continue_fast_track(self) -> bool:
        return bool(self.cleaned_data["decision"] == self.CONTINUE)


class CertificateRequestForm(forms.Form):
    due_in_days = forms.IntegerField(
        label=_("Days the doctor has to answer"),
        min_value=1,
        max_value=90,
        help_text=_("The rule set's default is filled in."),
    )


class BookMeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=MeetingKind.choices, widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(
        assume_scheme="https",
        label=_("Video link"),
        required=False,
        help_text=_("Only when the meeting is held by video."),
    )
    participants = forms.MultipleChoiceField(
        label=_("Participants"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # The optional parties each kind of meeting may have (meetings.parties).
    companion_name = forms.CharField(
        # Translators: Danish "Bisidder".
        label=_("Companion"),
        max_length=NAME_LENGTH,
        required=False,
        help_text=_("Someone the employee brings to the conversation, for support."),
    )
    union_representative_name = forms.CharField(
        label=_("Union representative"), max_length=NAME_LENGTH, required=False
    )
    doctor = forms.ChoiceField(label=_("The employee's doctor"), required=False)
    doctor_consented = forms.BooleanField(
        label=_("The employee has consented to the doctor taking part"), required=False
    )

    _OPTIONAL_FIELDS = {
        MeetingKind.FIRST_CONVERSATION: ("companion_name",),
        MeetingKind.RETENTION_MEETING: ("union_representative_name", "doctor", "doctor_consented"),
    }

    def __init__(
        self,
        *args: Any,
        participant_choices: list[tuple[str, str]],
        kind: MeetingKind,
        doctor_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        participants = self.fields["participants"]
        assert isinstance(participants, forms.MultipleChoiceField)
        participants.choices = participant_choices
        keep = set(self._OPTIONAL_FIELDS[kind])
        if not doctor_choices:
            keep -= {"doctor", "doctor_consented"}
        for name in {f for fields in self._OPTIONAL_FIELDS.values() for f in fields} - keep:
            del self.fields[name]
        if "doctor" in self.fields:
            doctor = self.fields["doctor"]
            assert isinstance(doctor, forms.ChoiceField)
            doctor.choices = [("", _("No doctor")), *doctor_choices]


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=MeasureKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    owner = forms.CharField(label=_("Who is responsible"), max_length=200, required=False)
    due_on = forms.DateField(
        label=_("By when"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or data.get("owner") or data.get("due_on"))


MeasureFormSet = forms.formset_factory(MeasureForm, extra=2, max_num=20)


class PlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the plan"), max_length=PLAN_SUMMARY_LENGTH, widget=_textarea(5)
    )
    partial_leave_hours_per_week = forms.DecimalField(
        label=_("Partial sick leave: hours of absence a week"),
        required=False,
        min_value=Decimal(0),
        max_digits=4,
        decimal_places=1,
        help_text=_("Leave empty when the employee is fully absent. At least 4 hours."),
    )
    evaluate_on = forms.DateField(
        label=_("Evaluate the plan on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ConfirmIdentityForm(forms.Form):
    """R-36: who the employee is, as the caseworker confirmed it."""

    name = forms.CharField(label=_("The employee's full name"), max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Home municipality"),
        queryset=Municipality.objects.order_by("name"),
        help_text=_("Another municipality moves the case to that municipality's jobcentre."),
    )


def _user_label(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class NearestManagerForm(forms.Form):
    """One of the employer's managers, or a new one to invite by e-mail."""

    manager: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("One of your managers"), queryset=None, required=False
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("The e-mail address is also the new manager's username."),
    )

    def __init__(self, *args: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["manager"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = managers
        field.empty_label = _("Invite a new manager instead (below)")
        field.label_from_instance = _user_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("manager") is None and not self.errors:
            for name in ("first_name", "last_name", "email"):
                if not (data.get(name) or "").strip():
                    self.add_error(
                        name, _("Fill this in to invite a new manager, or choose one above.")
                    )
        return data


class JournalNoteForm(forms.Form):
    # Empty text is refused by the engine in its own words.
    text = forms.CharField(
        label=_("Journal note"), required=False, max_length=TEXT_LENGTH, widget=_textarea(6)
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_LENGTH, widget=_textarea(3)
    )
    note_shared_with_employer = forms.BooleanField(
        label=_("Show the note to the employer too"),
        required=False,
        help_text=_(
            "Without this, only the jobcentre and the employee read the note. Share it only "
            "when it holds nothing about the employee's health."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the request is withdrawn"),
        required=False,
        max_length=TEXT_LENGTH,
        widget=_textarea(3),
    )
    note_shared_with_employer = forms.BooleanField(
        label=_("Show the reason to the employer too"),
        required=False,
        help_text=_(
            "Without this, only the jobcentre and the employee read the reason. Share it "
            "only when it holds nothing about the employee's health."
        ),
    )


class CaseworkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(forms.Form):
    """The jobcentre manager's choice of caseworker for a case."""

    caseworker = CaseworkerChoiceField(
        label=_("Assign the case to"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a caseworker of your jobcentre.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["caseworker"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = caseworkers_of(user)


class EmployerConversationForm(forms.Form):
    """HR records its own sick-absence conversation with the employee (R-23)."""

    held_on = forms.DateField(
        label=_("The day you held the conversation"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=_textarea(4),
        help_text=_(
            "Seen only by you and the employee, never by the jobcentre. Write no health data."
        ),
    )
