from django.db import migrations


def load(apps, schema_editor):
    from fasttrack.people.registers import load_registers

    load_registers(apps.get_model("people", "Municipality"), apps.get_model("people", "Clinic"))


class Migration(migrations.Migration):
    dependencies = [("people", "0005_person_identity_confirmed_clinic_number")]

    # Nothing to undo: the rows may already be in use by cases.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
