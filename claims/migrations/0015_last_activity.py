import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest


def fill_last_activity(apps, schema_editor):
    """A claim's last activity: the latest change of the claim, of one of its versions,
    conflicts or evidence, or of its review history."""
    Claim = apps.get_model("claims", "Claim")

    def latest(model_name, column):
        rows = apps.get_model("claims", model_name).objects.filter(claim=OuterRef("pk"))
        newest = rows.order_by().values("claim").annotate(at=Max(column)).values("at")
        # Greatest is NULL on SQLite when one of its terms is: a claim without such rows
        # counts its own change.
        return Coalesce(Subquery(newest), F("updated_at"))

    Claim.objects.update(
        last_activity_at=Greatest(
            F("updated_at"),
            latest("Appearance", "updated_at"),
            latest("Conflict", "updated_at"),
            latest("Evidence", "updated_at"),
            latest("ReviewEvent", "created_at"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0014_statement_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="last_activity_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="last activity"
            ),
        ),
        migrations.RunPython(fill_last_activity, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["-last_activity_at", "-id"], name="claim_last_activity_idx"),
        ),
    ]
