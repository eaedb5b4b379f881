"""Forms of the jobcentre's own pages: worklist filters and search, and a request
registered on a citizen's behalf."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.batch import log_cpr_search
from fasttrack.cases.models import DEADLINE_KEY_CHOICES, Channel
from fasttrack.cases.queries import NO_DEADLINE, Assignee, WorkFilter, WorkView, caseworkers_of
from fasttrack.cases.states import State
from fasttrack.lib.cpr import normalise_cpr
from fasttrack.people.models import Employer, Employment, Person, membership_of
from fasttrack.people.register import citizen_register, person_from_entry
from fasttrack.people.validators import clean_cpr, clean_cvr
from fasttrack.reports.figures import is_figure
from fasttrack.web.case_forms import OFFLINE_CHANNELS, AnswerFieldsMixin

ALL = ""


class WorklistFilterForm(forms.Form):
    """The worklist's view, carried in its address: ``?assignee=queue&filter=overdue``.

    Filters carry no personal data, so they travel by GET and can be linked
    to from the jobcentre manager's figures (``cases.queries.WorkView``).
    """

    assignee = forms.ChoiceField(label=_("Cases"), required=False)
    filter = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(ALL, _("All cases")), *WorkFilter.choices],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[(ALL, _("All states")), *State.choices]
    )
    deadline = forms.ChoiceField(
        label=_("Next deadline"),
        required=False,
        choices=[
            (ALL, _("All deadlines")),
            *DEADLINE_KEY_CHOICES,
            (NO_DEADLINE, _("No deadline")),
        ],
    )

    # The cases behind a statistic (``reports.figures``): set by the statistics'
    # links, carried along by the filters, never typed.
    figure = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: Any, default_assignee: str, has_own_cases: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default_assignee = default_assignee
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        mine = [(Assignee.MINE, _("My cases"))] if has_own_cases else []
        assignee.choices = [
            *mine,
            # Translators: the municipality's cases nobody has taken, Danish "Køen".
            (Assignee.QUEUE, _("The queue")),
            (Assignee.ALL, _("All cases")),
            *((str(u.pk), u.get_full_name() or u.get_username()) for u in caseworkers_of(user)),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        figure, start, end = data.get("figure"), data.get("start"), data.get("end")
        if figure and not (start and end and start <= end and is_figure(figure)):
            # A figure without a valid period shows nothing it could mislabel.
            data["figure"] = ""
        return data

    def view(self) -> WorkView:
        """The view asked for; an unknown value falls back to the default one."""
        data = self.cleaned_data if self.is_valid() else {}
        figure = data.get("figure") or ""
        return WorkView(
            assignee=data.get("assignee") or self.default_assignee,
            filter=data.get("filter", ""),
            state=data.get("state", ""),
            deadline=data.get("deadline", ""),
            figure=figure,
            start=data["start"].isoformat() if figure else "",
            end=data["end"].isoformat() if figure else "",
        )


class WorklistSearchForm(forms.Form):
    """A name or a CPR number. Sent by POST, never GET: a CPR number in an
    address would land in browser history, proxies and server logs (R-29)."""

    q = forms.CharField(
        label=_("Search by name or CPR number"),
        max_length=100,
        required=False,
        help_text=_("A CPR number must be the full 10 digits."),
    )

    def cpr(self) -> str | None:
        """The normalised CPR number when the search is one, else None."""
        digits = normalise_cpr(self.cleaned_data.get("q", "").strip())
        return digits if digits.isdigit() and len(digits) == 10 else None


class RegisterRequestForm(AnswerFieldsMixin):
    """A request the caseworker registers for a citizen who called, wrote or came by (R-02).

    The citizen is looked up in the register for the caseworker's own
    municipality only, and the answer is the same whether the number belongs
    to someone elsewhere or to no one (R-28). The search is logged (R-25).
    """

    cpr = forms.CharField(label=_("The citizen's CPR number"), max_length=11)
    first_absence_day = forms.DateField(
        label=_("First absence day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # Not required here: the engine refuses a missing expectation with the
    # rule's own wording, shown at this field.
    expects_over_8_weeks = forms.BooleanField(
        label=_("The absence is expected to last more than 8 weeks"), required=False
    )
    employer_cvr = forms.CharField(
        label=_("Employer's CVR number"),
        max_length=8,
        required=False,
        help_text=_("Leave empty for the unemployed and the self-employed."),
    )
    confirm_employment = forms.BooleanField(
        label=_("The citizen says they are employed there: register the employment."),
        required=False,
    )
    # confirms a new absence while the case with the same employer is open.
    new_absence = forms.BooleanField(
        label=_("Yes, this is a new absence: register a new request, linked to the open case."),
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("How the request came in"),
        choices=OFFLINE_CHANNELS,
        widget=forms.RadioSelect,
        initial=Channel.PHONE.value,
    )

    field_order = [
        "cpr",
        "first_absence_day",
        "expects_over_8_weeks",
        "employer_cvr",
        "confirm_employment",
        "new_absence",
        "channel",
        "affected_functions",
        "affected_duration",
        "adjustments_tried",
    ]

    def __init__(
        self,
        *args: Any,
        user: Any,
        request: HttpRequest | None = None,
        questions: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        membership = membership_of(user)
        self.municipality = membership.municipality if membership else None
        # The citizen's own request carries their answers.
        self.label_answers(questions)
        for key in self.ANSWER_FIELDS:
            self.fields[key].required = True
        self.new_employment = False

    def clean_cpr(self) -> Person:
        number = clean_cpr(self.cleaned_data["cpr"])
        entry = citizen_register().lookup(number)
        person = None
        home = self.municipality.code if self.municipality else None
        if entry is not None and entry.municipality_code == home:
            person = person_from_entry(entry)
        log_cpr_search(self.user, person, number, self.request)
        if person is None:
            # One message for "lives elsewhere" and "unknown".
            raise forms.ValidationError(
                _("No citizen of %(municipality)s has this CPR number in the register."),
                params={"municipality": self.municipality.name if self.municipality else "-"},
            )
        return person

    def clean_employer_cvr(self) -> Employer | None:
        raw = (self.cleaned_data.get("employer_cvr") or "").strip()
        if not raw:
            return None
        employer = Employer.objects.filter(cvr=clean_cvr(raw)).first()
        if employer is None:
            raise forms.ValidationError(_("No employer with this CVR number is registered."))
        return employer

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, employer = data.get("cpr"), data.get("employer_cvr")
        if isinstance(person, Person) and employer is not None:
            employed = Employment.objects.filter(person=person, employer=employer).exists()
            if not employed and not data.get("confirm_employment"):
                self.add_error(
                    "confirm_employment",
                    _(
                        "The register has no employment of the citizen at %(employer)s. "
                        "Check the CVR number, or confirm that the citizen works there."
                    )
                    % {"employer": employer.name},
                )
            self.new_employment = not employed
        return data

    @property
    def asks_for_new_absence(self) -> bool:
        return self.is_bound and bool(
            self.data.get("new_absence") or self.errors.get("new_absence")
        )

    @property
    def asks_to_confirm_employment(self) -> bool:
        return self.is_bound and bool(
            self.data.get("confirm_employment") or self.errors.get("confirm_employment")
        )

    def request_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "person": data["cpr"],
            "employer": data["employer_cvr"],
            "first_absence_day": data["first_absence_day"],
            "expects_over_8_weeks": data["expects_over_8_weeks"],
            "answers": self.answers(),
            "channel": data["channel"],
            "new_absence": data.get("new_absence", False),
            "today": timezone.localdate(),
        }
