"""Forms of the employer, the employee and the doctor.

Forms only parse and check what a person typed; the rules (the request window,
the expectation, consent deadlines) are the case engine's, and the views map
its refusals back onto the fields with ``add_rule_error``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.errors import RuleViolation, localized_message
from fasttrack.lib.rules import QUESTION_KEYS, QuestionSet
from fasttrack.lib.validation import TEXT_LENGTH
from fasttrack.people.models import Employer, Municipality, Person, Role
from fasttrack.people.validators import clean_cpr, clean_cvr


def add_rule_error(form: forms.Form, error: RuleViolation) -> None:
    """Show the case engine's refusal at its field (others on top), in the active language."""
    field = error.field_path()
    form.add_error(field if field in form.fields else None, localized_message(error))


def question_language() -> str:
    """The question set has Danish and English wording; Danish unless English is chosen."""
    return "en" if (get_language() or "da").startswith("en") else "da"


def _answer_fields(
    form: forms.Form, questions: QuestionSet, *, required: bool, hint: Any = ""
) -> None:
    language = question_language()
    for key in QUESTION_KEYS:
        form.fields[key] = forms.CharField(
            # The exact wording of the question set the answers are stored with.
            label=questions[key].text(language),  # type: ignore[arg-type]
            help_text=hint,
            required=required,
            max_length=TEXT_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
        )


class AnswersMixin:
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in QUESTION_KEYS}

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in QUESTION_KEYS]  # type: ignore[index]


class FirstAbsenceDayField(forms.DateField):
    # Browsers send <input type="date"> as YYYY-MM-DD; people without one type
    # the Danish way.
    input_formats = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]


class EmployerRequestForm(AnswersMixin, forms.Form):
    """HR asks the jobcentre for Fast track for one of its employees (R-01, R-03, R-04)."""

    employee_cpr = forms.CharField(
        label=_("The employee's CPR number"),
        help_text=_("10 digits, for example 010190-1234."),
        max_length=11,
    )
    first_absence_day = FirstAbsenceDayField(
        label=_("First day of absence"),
        help_text=_("The first day the employee was absent because of illness."),
    )
    expects_over_8_weeks = forms.BooleanField(
        label=_(
            "We expect that the employee will not be fully back at work within 8 weeks "
            "of the first day of absence."
        ),
        error_messages={
            "required": _("Fast track needs this expectation. Tick the box if it is true.")
        },
    )

    # for someone not yet registered as the employer's employee.
    employee_name = forms.CharField(
        label=_("The employee's full name"),
        max_length=200,
        required=False,
    )
    employee_municipality_code = forms.ChoiceField(
        label=_("The employee's home municipality"),
        help_text=_("The case goes to the jobcentre of the municipality the employee lives in."),
        required=False,
    )
    # confirms a new absence while the employee's case is still open.
    new_absence = forms.BooleanField(
        label=_("Yes, this is a new absence, and I want to request Fast track for it."),
        required=False,
    )

    def __init__(
        self, *args: Any, employer: Employer, questions: QuestionSet, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.employer = employer
        self.person: Person | None = None
        self.fields["employee_municipality_code"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose the municipality")),
            *((m.code, f"{m.name} ({m.code})") for m in Municipality.objects.order_by("name")),
        ]
        managers = self.managers(employer)
        self.fields["nearest_manager"] = forms.ModelChoiceField(
            label=_("The employee's nearest manager"),
            help_text=_(
                "The manager takes part in the retention meeting and the plan for the return."
            ),
            queryset=managers,
            required=managers.exists(),
            empty_label=_("Choose the nearest manager"),
        )
        self.fields["nearest_manager"].label_from_instance = _full_name  # type: ignore[attr-defined]
        # Translators: Danish "Frivilligt. Medarbejderen kan se dit svar."
        _answer_fields(
            self, questions, required=False, hint=_("Optional. The employee sees your answer.")
        )

    @staticmethod
    def managers(employer: Employer) -> QuerySet[AbstractBaseUser]:
        return (
            get_user_model()
            .objects.filter(membership__role=Role.MANAGER, membership__employer=employer)
            .order_by("first_name", "last_name")
        )

    def clean_employee_cpr(self) -> str:
        # Who the number is is decided with the request, the same way whatever
        # the register knows (R-36, ``cases.identity``).
        return clean_cpr(self.cleaned_data["employee_cpr"])

    @property
    def asks_for_new_employee(self) -> bool:
        """Show the name and home municipality: given, or asked for by an error."""
        return self.is_bound and any(
            self.data.get(name) or self.errors.get(name)
            for name in ("employee_name", "employee_municipality_code")
        )

    @property
    def asks_for_new_absence(self) -> bool:
        if not self.is_bound:
            return False
        return bool(self.data.get("new_absence") or self.errors.get("new_absence"))


def _full_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class CitizenRequestForm(AnswersMixin, forms.Form):
    """The employee asks the jobcentre directly (R-02), also without an employer."""

    first_absence_day = FirstAbsenceDayField(
        label=_("First day of your sick leave"),
        help_text=_("The first day you were absent because of illness."),
    )
    expects_over_8_weeks = forms.BooleanField(
        label=_("I expect not to be fully back at work within 8 weeks of my first day of absence."),
        error_messages={
            "required": _("Fast track needs this expectation. Tick the box if it is true.")
        },
    )
    employer_cvr = forms.CharField(
        label=_("Your employer's CVR number (optional)"),
        help_text=_(
            "8 digits. Leave it empty if you are unemployed or self-employed. "
            "You find it on your payslip."
        ),
        required=False,
        max_length=10,
    )

    # confirms a new absence while the case with the same employer is open.
    new_absence = forms.BooleanField(
        label=_("Yes, this is a new sick leave, and I want to ask for Fast track for it."),
        required=False,
    )

    @property
    def asks_for_new_absence(self) -> bool:
        if not self.is_bound:
            return False
        return bool(self.data.get("new_absence") or self.errors.get("new_absence"))

    def __init__(self, *args: Any, person: Person, questions: QuestionSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.employer: Employer | None = None
        _answer_fields(self, questions, required=True)

    def clean_employer_cvr(self) -> str:
        value = (self.cleaned_data.get("employer_cvr") or "").strip()
        if not value:
            return ""
        number = clean_cvr(value)
        self.employer = Employer.objects.filter(cvr=number).first()
        if self.employer is None:
            raise ValidationError(
                _(
                    "No employer with this CVR number uses Fasttrack yet. Check the number, "
                    "or call the jobcentre to make the request."
                ),
                code="unknown_employer",
            )
        return number


class ConsentChoice:
    ACCEPT = "accept"
    DECLINE = "decline"


class ConsentForm(AnswersMixin, forms.Form):
    """The employee's answer to the employer's request (R-07, R-11, R-13)."""

    choice = forms.ChoiceField(
        label=_("Do you want Fast track?"),
        choices=[
            # Translators: Danish "Ja, jeg siger ja til Fast track".
            (ConsentChoice.ACCEPT, _("Yes, I say yes to Fast track")),
            # Translators: Danish "Nej, jeg siger nej tak til Fast track".
            (ConsentChoice.DECLINE, _("No, I do not want Fast track")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )

    def __init__(self, *args: Any, questions: QuestionSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required only for a yes: declining needs no answers (see ``clean``).
        _answer_fields(
            self,
            questions,
            required=False,
            hint=_("Needed when you say yes. Your employer never sees your answer."),
        )

    @property
    def accepted(self) -> bool:
        return self.cleaned_data.get("choice") == ConsentChoice.ACCEPT

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("choice") == ConsentChoice.ACCEPT:
            for key in QUESTION_KEYS:
                if not (cleaned.get(key) or "").strip() and key not in self.errors:
                    self.add_error(key, _("Answer this question when you say yes to Fast track."))
        return cleaned


class CertificateForm(forms.Form):
    """The medical certificate, LÆ 285 (R-17)."""

    diagnosis = forms.CharField(
        label=_("Diagnosis or cause of absence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LENGTH,
    )
    work_capacity = forms.CharField(
        label=_("Assessment of the ability to work"),
        help_text=_("What the patient can and cannot do at work now."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LENGTH,
    )
    considerations = forms.CharField(
        # Translators: Danish "Skånehensyn".
        label=_("Considerations (skånehensyn)"),
        help_text=_("What the work must take into account, for example no heavy lifting."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_LENGTH,
    )
    expected_return = forms.CharField(
        label=_("Is a full or partial return to work expected, and when?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_LENGTH,
    )
    expected_return_on = FirstAbsenceDayField(
        label=_("Expected return date (optional)"),
        required=False,
    )
    remarks = forms.CharField(
        label=_("Other remarks"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_LENGTH,
    )

    def certificate(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "diagnosis": data["diagnosis"],
            "work_capacity": data["work_capacity"],
            "considerations": data.get("considerations", ""),
            "expected_return": data.get("expected_return", ""),
            "expected_return_on": data.get("expected_return_on"),
            "remarks": data.get("remarks", ""),
        }


class LastValidDayQuery(forms.Form):
    """The htmx look-up of the last valid request day (R-03)."""

    first_absence_day = FirstAbsenceDayField()


def first_absence_day_of(form: forms.Form) -> date | None:
    """What the person typed as first absence day, parsed, even if the form has errors."""
    field = form.fields.get("first_absence_day")
    if field is None:
        return None
    try:
        value = field.clean(form["first_absence_day"].value())
    except ValidationError:
        return None
    return value if isinstance(value, date) else None


__all__ = [
    "CertificateForm",
    "CitizenRequestForm",
    "ConsentChoice",
    "ConsentForm",
    "EmployerRequestForm",
    "LastValidDayQuery",
    "add_rule_error",
    "first_absence_day_of",
]
