"""The Fast track case and what belongs to it (DESIGN.md §4).

Rows here change only through ``fasttrack.cases.actions``; health data lives in
``fasttrack.medical``, never here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.states import OPEN_STATES, State
from fasttrack.lib.rules.keys import DeadlineKey
from fasttrack.people.models import Employer, Municipality, Person


class Requester(models.TextChoices):
    # The values are those of ``fasttrack.lib.rules.REQUESTERS``.
    EMPLOYER = "employer", _("Employer")
    EMPLOYEE = "employee", _("Employee")
    CASEWORKER = "caseworker", _("Caseworker on the employee's behalf")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")


class Outcome(models.TextChoices):
    BACK_FULL_TIME = "back_full_time", _("Back at work full time")
    BACK_PART_TIME = "back_part_time", _("Back at work part time")
    OTHER_JOB = "other_job", _("Other job")
    NORMAL_TRACK = "normal_track", _("Normal track")
    OTHER = "other", _("Other")


class Party(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    EMPLOYEE = "employee", _("Employee")


class DeadlineStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


DEADLINE_KEY_CHOICES = [
    (DeadlineKey.REQUEST_WINDOW_CLOSES.value, _("Last day to request Fast track")),
    (DeadlineKey.EMPLOYEE_CONSENT.value, _("Employee's consent")),
    (DeadlineKey.MEDICAL_CERTIFICATE.value, _("Medical certificate (LÆ 285)")),
    (DeadlineKey.FIRST_FOLLOWUP_CONVERSATION.value, _("First follow-up conversation")),
    (DeadlineKey.RETENTION_MEETING.value, _("Retention meeting (fastholdelsesmøde)")),
    (
        DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION.value,
        _("Employer's sick-absence conversation"),
    ),
]


class Absence(models.Model):
    """A sick leave (sygemelding): the thing one Fast track case is about (R-05)."""

    person = models.ForeignKey(
        Person, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="absences"
    )
    # Empty for the unemployed and the self-employed.
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absences",
    )
    first_absence_day = models.DateField(_("first absence day"))
    expects_over_8_weeks = models.BooleanField(_("expected to last more than 8 weeks"))
    partial_leave_hours_per_week = models.DecimalField(
        _("partial sick leave, hours a week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    leaves_within_8_weeks = models.BooleanField(
        _("under notice and leaving within 8 weeks"), default=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        # Two partial constraints because NULL never equals NULL in a unique index.
        constraints = [
            models.UniqueConstraint(
                fields=["person", "employer", "first_absence_day"],
                condition=Q(employer__isnull=False),
                name="one_absence_per_person_employer_day",
            ),
            models.UniqueConstraint(
                fields=["person", "first_absence_day"],
                condition=Q(employer__isnull=True),
                name="one_absence_per_person_day_without_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.first_absence_day}"


def work_left() -> Q:
    """The cases a jobcentre still has work on: open ones, and declined ones while
    the normal track's first conversation is pending (R-13). One expression for the
    worklist's queries and the partial index that serves them."""
    return Q(state__in=sorted(OPEN_STATES)) | Q(next_deadline_on__isnull=False)


class FastTrackCase(models.Model):
    absence = models.OneToOneField(
        Absence, verbose_name=_("absence"), on_delete=models.PROTECT, related_name="case"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    requested_by = models.CharField(_("requested by"), max_length=16, choices=Requester.choices)
    request_channel = models.CharField(_("request channel"), max_length=16, choices=Channel.choices)
    requested_on = models.DateField(_("request date"))
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rule_set_version = models.CharField(_("rule set"), max_length=32)
    question_set_version = models.CharField(_("question set"), max_length=32)
    state = models.CharField(_("state"), max_length=32, choices=State.choices)
    consent_letter_sent_on = models.DateField(_("consent letter sent"), null=True, blank=True)
    nearest_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nearest manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_cases",
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    # The earliest pending deadline, kept by the actions so that lists sort by
    # urgency and the sweep finds what is due with one indexed query.
    next_deadline_on = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)
    next_deadline_key = models.CharField(
        _("next deadline"), max_length=64, choices=DEADLINE_KEY_CHOICES, blank=True
    )
    # a request for someone the register does not know, or whose surname
    # does not match it, waits for a caseworker to confirm who the employee is;
    # no letter goes to the citizen before that.
    identity_confirmed = models.BooleanField(_("identity confirmed"), default=True)
    # What the employer gave for a person who was not yet its employee: the
    # employer's side is shown these, whatever the register knows.
    employee_name_given = models.CharField(
        _("employee's name as given by the requester"), max_length=200, blank=True
    )
    municipality_given = models.ForeignKey(
        Municipality,
        verbose_name=_("home municipality as given by the requester"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # a new absence requested while this person's case with the same
    # employer was still open; the two cases are linked.
    previous_case = models.ForeignKey(
        "self",
        verbose_name=_("open case at the time of the request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_cases",
    )
    # The hash of the latest history event, kept by ``audit.history``: with it,
    # verification notices when the newest events were cut off.
    history_head = models.CharField(_("history head"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Fast track case")
        verbose_name_plural = _("Fast track cases")
        # The statistics (``fasttrack.reports``) count a municipality's cases, or
        # every municipality's, requested or closed in a period: each index holds
        # every column its count reads, so the count never visits the table rows.
        indexes = [
            models.Index(
                fields=["municipality", "requested_on", "requested_by"],
                name="case_municipality_requested",
            ),
            models.Index(
                fields=["requested_on", "municipality", "requested_by"], name="case_requested"
            ),
            models.Index(
                fields=["municipality", "closed_on", "outcome", "absence"],
                condition=Q(state="closed"),
                name="case_municipality_closed",
            ),
            models.Index(
                fields=["closed_on", "municipality", "outcome"],
                condition=Q(state="closed"),
                name="case_closed",
            ),
            # A municipality's cases (or all) with their state, for the deadlines'
            # counts, and with the caseworker and next deadline for the workload.
            models.Index(
                fields=["municipality", "id", "state", "caseworker", "next_deadline_on"],
                name="case_municipality_state",
            ),
            # The declined cases, whose first conversation the statistics leave out.
            models.Index(
                fields=["municipality", "id"], condition=Q(state="declined"), name="case_declined"
            ),
            # The worklist and its tab counts: a municipality's cases with work
            # left (a few thousand of its hundred thousand), by caseworker and
            # next deadline, counted from the index alone.
            models.Index(
                fields=["municipality", "caseworker", "next_deadline_on"],
                name="case_work_left_idx",
                condition=work_left(),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.absence.person} ({self.get_state_display()})"

    # What the employer side is shown of the employee: the name and home
    # municipality it gave when it named someone not yet its employee, so that
    # its answer never tells what the register knows.
    @property
    def employee_name_for_employer(self) -> str:
        return self.employee_name_given or self.absence.person.name

    @property
    def municipality_for_employer(self) -> Municipality:
        return self.municipality_given or self.municipality


class Answers(models.Model):
    """One party's answers to the three questions, with the exact wording (R-08)."""

    case = models.ForeignKey(FastTrackCase, on_delete=models.CASCADE, related_name="answers")
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    question_set_version = models.CharField(_("question set"), max_length=32)
    # {key: {"da": ..., "en": ...}} as asked, so a later wording never changes
    # what the party is recorded as having answered.
    questions = models.JSONField(_("questions as asked"))
    affected_functions = models.TextField(_("affected job functions"), blank=True)
    affected_duration = models.TextField(_("how long the work has been affected"), blank=True)
    adjustments_tried = models.TextField(_("adjustments tried"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"))

    class Meta:
        verbose_name = _("answers")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="one_answer_set_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} – {self.get_party_display()}"


class Consent(models.Model):
    case = models.OneToOneField(FastTrackCase, on_delete=models.CASCADE, related_name="consent")
    accepted = models.BooleanField(_("accepted"))
    answered_on = models.DateField(_("answered on"))
    answered_at = models.DateTimeField(_("answered at"))
    # After the employee_consent deadline: the caseworker decides.
    late = models.BooleanField(_("late"), default=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case_id} – {'accepted' if self.accepted else 'declined'}"


class ConsentDecision(models.Model):
    """The caseworker's decision after a late or missing consent (R-12)."""

    case = models.OneToOneField(
        FastTrackCase, on_delete=models.CASCADE, related_name="consent_decision"
    )
    continue_fast_track = models.BooleanField(_("continue Fast track"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision after late consent")
        verbose_name_plural = _("decisions after late consent")

    def __str__(self) -> str:
        return f"{self.case_id} – {'continue' if self.continue_fast_track else 'fall back'}"


class CaseDeadline(models.Model):
    """A milestone's deadline as the rules compute it, and whether it was kept."""

    case = models.ForeignKey(FastTrackCase, on_delete=models.CASCADE, related_name="deadlines")
    # The case's municipality, copied onto its deadlines so that the statistics read a
    # municipality's deadlines of a period from an index of their own: without it they
    # joined every deadline of the country due in the period to its case (issue 17).
    # The clock sets it whenever it writes the rows (``cases.clock``), and the action
    # that moves a case to another municipality moves its deadlines in the same
    # transaction (``cases.actions.confirm_identity``).
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
        # The statistics' index below begins with it.
        db_index=False,
    )
    # The case's consent, joined on the case's id without reading the case: the
    # statistics count the answers to the consent letters this way (no column).
    consent = models.ForeignObject(
        "Consent",
        from_fields=["case"],
        to_fields=["case"],
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        editable=False,
    )
    key = models.CharField(_("deadline"), max_length=64, choices=DEADLINE_KEY_CHOICES)
    due_on = models.DateField(_("due"), null=True, blank=True)
    basis = models.CharField(_("legal basis"), max_length=200)
    rule_id = models.CharField(_("rule"), max_length=16)
    # False for a local target such as the retention meeting.
    legal = models.BooleanField(_("legal deadline"), default=True)
    counts_from = models.DateField(_("counts from"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeadlineStatus.choices,
        default=DeadlineStatus.PENDING,
    )
    met_on = models.DateField(_("met on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="one_deadline_per_key")]
        indexes = [
            models.Index(fields=["status", "due_on"], name="deadline_status_due"),
            # The statistics read one milestone's deadlines due in a period
            # (``fasttrack.reports``), with every column they count: a municipality's
            # (the jobcentre), or every municipality's, or an employer's cases'.
            models.Index(
                fields=["municipality", "key", "due_on", "case", "status", "met_on", "counts_from"],
                name="deadline_municipality_stats",
            ),
            models.Index(
                fields=["key", "due_on", "municipality", "case", "status", "met_on", "counts_from"],
                name="deadline_key_due_stats",
            ),
            # Whether a case is overdue (``cases.queries.overdue``): the worklist and the
            # statistics' workload ask it of every open case; the few deadlines still
            # pending or missed answer it without reading the table.
            models.Index(
                fields=["case", "key", "status", "due_on", "met_on"],
                condition=Q(status__in=[DeadlineStatus.PENDING, DeadlineStatus.MISSED]),
                name="deadline_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} – {self.key} {self.due_on} ({self.status})"


class JournalNote(models.Model):
    case = models.ForeignKey(FastTrackCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("journal note")
        verbose_name_plural = _("journal notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} – {self.created_at:%Y-%m-%d}"


class EmployerConversation(models.Model):
    """The employer's own sick-absence conversation with the employee (R-23), as HR records it.

    Information for the employer and the employee: it meets the informational
    deadline, and its note is theirs only, never the jobcentre's.
    """

    case = models.OneToOneField(
        FastTrackCase, on_delete=models.CASCADE, related_name="employer_conversation"
    )
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("employer's sick-absence conversation")
        verbose_name_plural = _("employer's sick-absence conversations")

    def __str__(self) -> str:
        return f"{self.case_id} – {self.held_on}"


class NoticeKind(models.TextChoices):
    """What happened on a case that the jobcentre must act on."""

    # Translators: a notice to the jobcentre, Danish "Ny sag".
    NEW_CASE = "new_case", _("New case")
    # Translators: a notice to the jobcentre, Danish "Medarbejderen har sagt ja".
    CONSENT_GIVEN = "consent_given", _("The employee said yes")
    CONSENT_DECLINED = "consent_declined", _("The employee said no")
    # Translators: a notice to the jobcentre, Danish "For sent samtykke: træf afgørelse".
    CONSENT_LATE = "consent_late", _("Late consent: decide")
    CERTIFICATE_RECEIVED = "certificate_received", _("Medical certificate received")
    # Translators: Danish "Svar på mødeindkaldelse: kan ikke eller ønsker en anden tid".
    MEETING_RESPONSE = "meeting_response", _("A participant cannot come or asks for another time")
    # Translators: Danish "Nyt sygefravær knyttet til sagen".
    NEW_ABSENCE = "new_absence", _("A new absence linked to the case")
    # Translators: Danish "En frist er ved at blive overskredet".
    DEADLINE_SOON = "deadline_soon", _("A deadline is about to be missed")
    DEADLINE_MISSED = "deadline_missed", _("A deadline was missed")
    # Translators: Danish "Sagen er tildelt dig".
    ASSIGNED = "assigned", _("The case is assigned to you")
    # Translators: R-36, Danish "Bekræft medarbejderens identitet".
    IDENTITY_TO_CONFIRM = "identity_to_confirm", _("Confirm the employee's identity")
    # Translators: R-24, Danish "Et dokument er ikke besvaret inden fristen".
    DOCUMENT_OVERDUE = "document_overdue", _("A document was not answered in time")


class CaseNotice(models.Model):
    """Something the jobcentre must act on: the case shows "New" until its caseworker opens it.

    Written by the actions and the sweep through ``cases.notices`` only, in
    the transaction of the change. ``key`` makes each notice once only, so a
    sweep that runs every minute tells of a deadline once.
    """

    case = models.ForeignKey(FastTrackCase, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=32, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=200)
    created_at = models.DateTimeField(_("created at"))
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice to the jobcentre")
        verbose_name_plural = _("notices to the jobcentre")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="one_notice_per_key")]
        indexes = [models.Index(fields=["case", "seen_at"], name="notice_case_unseen")]

    def __str__(self) -> str:
        return f"{self.case_id} – {self.kind}"
