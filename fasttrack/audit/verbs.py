"""What can happen to a case: the verbs of its history (RULES.md R-27).

The values are stored in every ``CaseEvent`` and hashed into its chain, so a
value never changes once released; add a new verb instead.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventVerb(models.TextChoices):
    REQUESTED = "requested", _("Fast track requested")
    REQUEST_REGISTERED = "request_registered", _("Request registered by the jobcentre")
    JOINED = "joined", _("Joined the case")
    ACCEPTED = "accepted", _("Consent given")
    DECLINED = "declined", _("Consent refused")
    CONSENT_LATE_DECISION = "consent_late_decision", _("Decision after late consent")
    WITHDRAWN = "withdrawn", _("Request withdrawn")
    CERTIFICATE_REQUESTED = "certificate_requested", _("Medical certificate requested")
    CERTIFICATE_RECEIVED = "certificate_received", _("Medical certificate received")
    MEETING_BOOKED = "meeting_booked", _("Meeting booked")
    MEETING_HELD = "meeting_held", _("Meeting held")
    MEETING_REBOOKED = "meeting_rebooked", _("Meeting rebooked")
    MEETING_CANCELLED = "meeting_cancelled", _("Meeting cancelled")
    MEETING_ANSWERED = "meeting_answered", _("Invitation answered")
    PLAN_RECORDED = "plan_recorded", _("Plan recorded")
    NOTE_ADDED = "note_added", _("Journal note added")
    CLOSED = "closed", _("Case closed")
    DEADLINE_MISSED = "deadline_missed", _("Deadline missed")
    DEADLINE_MET = "deadline_met", _("Deadline met")
    ANSWERS_GIVEN = "answers_given", _("Answers to the three questions given")
    CASEWORKER_ASSIGNED = "caseworker_assigned", _("Caseworker assigned")
    PLAN_CONFIRMED = "plan_confirmed", _("Plan confirmed")
    LETTER_RESENT = "letter_resent", _("Letter sent again")
    # Translators: the employer's own § 7 a conversation, Danish "Sygefraværssamtale holdt".
    EMPLOYER_CONVERSATION_HELD = (
        "employer_conversation_held",
        _("Employer's sick-absence conversation held"),
    )
    # Translators: R-36, Danish "Medarbejderens identitet bekræftet".
    IDENTITY_CONFIRMED = "identity_confirmed", _("Employee's identity confirmed")
    # Translators: Danish "Nærmeste leder valgt".
    NEAREST_MANAGER_SET = "nearest_manager_set", _("Nearest manager chosen")
    # Translators: Danish "Nærmeste leder inviteret".
    NEAREST_MANAGER_INVITED = "nearest_manager_invited", _("Nearest manager invited")
    # Translators: R-34, Danish "Nyt sygefravær knyttet til sagen".
    NEW_ABSENCE_LINKED = "new_absence_linked", _("New absence linked to the case")
    # Translators: Danish "Egen læge angivet".
    OWN_DOCTOR_SET = "own_doctor_set", _("Own doctor given")
    RETENTION_PLAN_REQUESTED = (
        "retention_plan_requested",
        _("Fastholdelsesplan requested from the employer"),
    )
    RETENTION_PLAN_PREPARED = "retention_plan_prepared", _("Fastholdelsesplan made")
    RETENTION_PLAN_REFUSED = "retention_plan_refused", _("Fastholdelsesplan refused")
    RETENTION_PLAN_WITHDRAWN = (
        "retention_plan_withdrawn",
        _("Request for a fastholdelsesplan withdrawn"),
    )
    RETENTION_PLAN_BROUGHT = (
        "retention_plan_brought",
        _("Fastholdelsesplan brought to the first conversation"),
    )
    STATEMENT_STARTED = "statement_started", _("Mulighedserklæring started")
    STATEMENT_PART_ONE_SAVED = "statement_part_one_saved", _("Mulighedserklæring part 1 written")
    STATEMENT_PART_ONE_CONFIRMED = (
        "statement_part_one_confirmed",
        _("Mulighedserklæring part 1 confirmed"),
    )
    STATEMENT_SENT_TO_DOCTOR = (
        "statement_sent_to_doctor",
        _("Mulighedserklæring sent to the doctor"),
    )
    STATEMENT_COMPLETED = "statement_completed", _("Mulighedserklæring completed")
    STATEMENT_CANCELLED = "statement_cancelled", _("Mulighedserklæring cancelled")
    PLAN_COMMENTED = "plan_commented", _("Comment on the plan")
