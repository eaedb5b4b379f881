"""CPR numbers at rest: encrypted, found through a keyed hash (R-29)."""

import pytest
from django.db import IntegrityError, connection

from fasttrack.people.models import Person


@pytest.mark.django_db
def test_it_never_stores_the_cpr_number_in_clear_text(demo_world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT cpr_ciphertext, cpr_hash FROM people_person")
        rows = cursor.fetchall()
    assert rows
    for ciphertext, lookup_hash in rows:
        assert "1203814562" not in ciphertext
        assert "1203814562" not in lookup_hash


@pytest.mark.django_db
def test_it_finds_a_person_by_cpr_and_decrypts_it(demo_world):
    janni = Person.objects.with_cpr("1203814562").get()
    assert janni.name == "Janni Mikkelsen"
    assert janni.cpr == "1203814562"
    assert janni.cpr_masked == "120381-xxxx"


@pytest.mark.django_db
def test_it_refuses_two_persons_with_the_same_cpr(demo_world):
    twin = Person(name="Twin", municipality=demo_world.municipalities["101"])
    twin.cpr = "1203814562"
    with pytest.raises(IntegrityError):
        twin.save()
