"""The municipalities and clinics the data migration loads."""

from __future__ import annotations

import pytest

from fasttrack.people.models import Clinic, Municipality
from fasttrack.people.registers import load_registers, municipality_rows

pytestmark = pytest.mark.django_db


def test_it_loads_all_98_municipalities_with_their_official_codes() -> None:
    assert Municipality.objects.count() == 98
    codes = dict(Municipality.objects.values_list("code", "name"))
    assert codes["101"] == "København"
    assert codes["147"] == "Frederiksberg"
    assert codes["851"] == "Aalborg"
    assert codes["751"] == "Aarhus"
    assert codes["461"] == "Odense"
    assert codes["400"] == "Bornholm"
    assert "411" not in codes  # Christiansø is no municipality
    assert Municipality.objects.get(code="480").jobcentre_name == "Jobcenter Nordfyn"


def test_it_has_the_demo_clinics_by_clinic_number() -> None:
    assert Clinic.objects.get(provider_number="012345").name == "Lægerne på Nørrebrogade"
    assert Clinic.objects.get(provider_number="067890").name == "Lægehuset Frederiksberg"


def test_it_loads_again_without_duplicates_or_overwriting() -> None:
    Municipality.objects.filter(code="101").update(jobcentre_name="Jobcenter KBH")
    assert load_registers(Municipality, Clinic) == (0, 0)
    assert Municipality.objects.get(code="101").jobcentre_name == "Jobcenter KBH"
    assert len(municipality_rows()) == 98
