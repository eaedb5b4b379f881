"""Each municipality sends its Digital Post in its own name (the MeMo Sender)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.channels.digital_post import MEMO_NAMESPACE
from fasttrack.notifications.conf import digital_post_sender
from fasttrack.notifications.models import DigitalPostDelivery, Message
from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Municipality
from tests.cases.conftest import JANNI_CPR, at
from tests.notifications.conftest import run_due_tasks

pytestmark = pytest.mark.django_db

M = f"{{{MEMO_NAMESPACE}}}"
D0 = date(2026, 2, 23)
REQUESTED = date(2026, 3, 2)
# Henrik Olsen lives in Frederiksberg (147) and works at Havnens Logistik.
HENRIK_CPR = "0603733189"


def _sender(message: Message) -> tuple[str | None, str | None, str | None]:
    delivery = DigitalPostDelivery.objects.get(message=message)
    header = ET.fromstring(delivery.memo_xml).find(f"{M}MessageHeader")  # noqa: S314
    assert header is not None
    return (
        header.findtext(f"{M}Sender/{M}senderID"),
        header.findtext(f"{M}Sender/{M}idType"),
        header.findtext(f"{M}Sender/{M}label"),
    )


def _consent_letter(case: FastTrackCase) -> Message:
    return Message.objects.get(case_id=case.pk, kind="consent_request", channel="digital_post")


@pytest.fixture
def request_for(demo_world: DemoWorld, time_machine: Any) -> Callable[..., FastTrackCase]:
    """An employer's request for its employee, made on REQUESTED."""
    time_machine.move_to(at(REQUESTED), tick=False)

    def _request(cpr: str, actor: Any, cvr: str) -> FastTrackCase:
        case, _ = actions.request_fast_track(
            actor=actor,
            person=demo_world.persons[cpr],
            employer=demo_world.employers[cvr],
            first_absence_day=D0,
            expects_over_8_weeks=True,
            answers={},
            requested_by="employer",
            channel="web",
        )
        return case

    return _request


def test_it_sends_each_municipalitys_letters_in_its_own_name(request_for, personas, settings):
    settings.DIGITAL_POST_SENDER_ID = "12345674"
    settings.DIGITAL_POST_SENDER_LABEL = "Fælles afsender"
    copenhagen = request_for(JANNI_CPR, personas.hr, "29887659")
    frederiksberg = request_for(HENRIK_CPR, personas.anden_hr, "40112235")

    assert run_due_tasks()

    assert _sender(_consent_letter(copenhagen)) == (
        "64942212",
        "CVR",
        "Københavns Kommune, Jobcenter København",
    )
    assert _sender(_consent_letter(frederiksberg)) == (
        "11259979",
        "CVR",
        "Frederiksberg Kommune, Jobcenter Frederiksberg",
    )


def test_it_records_the_cases_municipality_on_every_letter(request_for, personas):
    case = request_for(JANNI_CPR, personas.hr, "29887659")

    municipalities = set(
        Message.objects.filter(case_id=case.pk).values_list("sender_municipality__code", flat=True)
    )
    assert municipalities == {"101"}


def test_it_falls_back_to_the_installations_sender_without_a_municipal_one(
    request_for, personas, settings, demo_world
):
    settings.DIGITAL_POST_SENDER_ID = "12345674"
    settings.DIGITAL_POST_SENDER_ID_TYPE = "CVR"
    settings.DIGITAL_POST_SENDER_LABEL = "Fælles afsender"
    Municipality.objects.filter(code="101").update(
        digital_post_sender_cvr="", digital_post_sender_label=""
    )
    case = request_for(JANNI_CPR, personas.hr, "29887659")

    run_due_tasks()

    assert _sender(_consent_letter(case)) == ("12345674", "CVR", "Fælles afsender")


def test_it_names_the_jobcentre_when_the_municipality_gives_no_sender_name(demo_world):
    municipality = demo_world.municipalities["157"]
    municipality.digital_post_sender_label = ""

    assert digital_post_sender(municipality) == ("19438414", "CVR", "Jobcenter Gentofte")


def test_a_message_outside_a_case_goes_out_under_the_installations_sender(settings):
    settings.DIGITAL_POST_SENDER_ID = "12345674"
    settings.DIGITAL_POST_SENDER_LABEL = "Fælles afsender"

    assert digital_post_sender(None) == ("12345674", "CVR", "Fælles afsender")


def test_it_refuses_a_sender_cvr_that_fails_modulus_11(demo_world):
    municipality = demo_world.municipalities["101"]
    municipality.digital_post_sender_cvr = "64942213"

    with pytest.raises(ValidationError) as refused:
        municipality.full_clean()
    assert "digital_post_sender_cvr" in refused.value.message_dict


def test_the_demo_gives_the_three_municipalities_their_own_senders(demo_world):
    senders = {
        code: (m.digital_post_sender_cvr, m.digital_post_sender_label)
        for code, m in demo_world.municipalities.items()
    }
    assert senders == {
        "101": ("64942212", "Københavns Kommune, Jobcenter København"),
        "147": ("11259979", "Frederiksberg Kommune, Jobcenter Frederiksberg"),
        "157": ("19438414", "Gentofte Kommune, Jobcenter Gentofte"),
    }
