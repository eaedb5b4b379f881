import django.db.models.deletion
from django.db import migrations, models

# The deadline rows take their case's municipality in one statement (PostgreSQL and
# SQLite 3.33+ both know UPDATE ... FROM), not one row at a time: a national database
# has millions of them.
FILL = """
UPDATE cases_casedeadline
SET municipality_id = cases_fasttrackcase.municipality_id
FROM cases_fasttrackcase
WHERE cases_fasttrackcase.id = cases_casedeadline.case_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_statistics_indexes"),
        ("people", "0006_load_municipalities_and_clinics"),
    ]

    operations = [
        # Dropped before the rows are written, so that the fill does not keep it up to
        # date; 0008 makes the indexes that replace it.
        migrations.RemoveIndex(
            model_name="casedeadline",
            name="deadline_statistics",
        ),
        migrations.AddField(
            model_name="casedeadline",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
